"""Browser: reloading the page a create led to makes nothing again and no longer shows the
one-time secret (post/redirect/get): 新增访问密钥 on 我的凭证, 添加订阅 on a service's 通知."""

import pytest
from playwright.sync_api import expect

from console.tenancy.models import AccessKey
from notifications.models import Subscription
from services.models import EndpointService

pytestmark = pytest.mark.e2e


def test_reloading_after_creating_an_access_key_creates_no_second_key(log_in, demo_site):
    page = log_in("a-member")
    page.goto(f"{demo_site.url}/credentials/")
    page.locator("#key-description").fill("ci")
    page.get_by_role("button", name="新增访问密钥").click()
    secret = page.get_by_test_id("secret")
    expect(secret).to_have_text(AccessKey.objects.get(user__username="a-member").secret)
    assert page.url.startswith(f"{demo_site.url}/credentials/")  # a GET page, not the POST's

    page.reload()
    expect(page.get_by_test_id("new-secret")).to_have_count(0)
    assert AccessKey.objects.filter(user__username="a-member").count() == 1


def test_reloading_after_adding_a_subscription_adds_no_second_one(log_in, demo_site):
    web = EndpointService.objects.get(name="web", is_system=False)
    page = log_in("a-admin")
    page.goto(f"{demo_site.url}/services/{web.pk}/notifications/")
    page.get_by_label("回调地址").fill("https://hooks.example.com/vpcep")
    page.get_by_role("button", name="确定", exact=True).click()
    expect(page.get_by_test_id("new-secret")).to_be_visible()

    page.reload()
    expect(page.get_by_test_id("new-secret")).to_have_count(0)
    expect(page.get_by_test_id("subscriptions")).to_contain_text("hooks.example.com/vpcep")
    assert Subscription.objects.count() == 1

    # The same again: refused at the field, what was typed kept, nothing added.
    page.get_by_label("回调地址").fill("https://hooks.example.com/vpcep")
    page.get_by_role("button", name="确定", exact=True).click()
    expect(page.get_by_label("回调地址")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("回调地址")).to_have_value("https://hooks.example.com/vpcep")
    expect(page.get_by_text("该订阅已存在：回调地址、邮箱和事件都相同。")).to_be_visible()
    assert Subscription.objects.count() == 1
