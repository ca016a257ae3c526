"""Browser: day two of an endpoint (issue 10), as a user would do it in zh-hans.

a-admin opens the DNS endpoint, 修改: types a 描述 and turns 访问控制 on with a whitelist
that has a bad line; the form comes back naming the line with everything typed kept; fixed,
确定 shows both on 基本信息. On the OBS endpoint's 策略 tab a policy with a wrong Effect is
named at the field, a good one is saved, and 删除策略 through the 是 modal brings back full
access. a-member sees neither 修改 nor the policy form.
"""

import json

import pytest
from playwright.sync_api import Page, expect

from console.network.models import VPC, RouteTable, Subnet
from console.tenancy.models import Project, User
from endpoints import operations as ops
from endpoints.models import Endpoint
from services.models import EndpointService
from tests.e2e.helpers import log_out

pytestmark = pytest.mark.e2e

POLICY = [
    {"Effect": "Allow", "Action": ["obs:object:GetObject"], "Resource": ["obs:*:*:object:shop/*"]}
]


def create(service: str, **network) -> Endpoint:
    return ops.create_endpoint(
        User.objects.get(username="a-admin"),
        Project.objects.get(account__name="tenant-a", region__code="cn-gzt"),
        service_id=EndpointService.objects.get(service_name=service).pk,
        vpc_id=VPC.objects.get(name="vpc-638b").pk,
        **network,
    )


def test_modify_and_the_policy_tab(log_in, demo_site):
    dns = create("cn.ctyun.cn-gzt.dns", subnet_id=Subnet.objects.get(name="subnet-71cf").pk)
    obs = create(
        "cn.ctyun.cn-gzt.obs", route_table_ids=[RouteTable.objects.get(name="rtb-638b").pk]
    )
    page: Page = log_in("a-admin")

    # 修改 on the interface endpoint's detail page
    page.goto(f"{demo_site.url}/endpoints/{dns.pk}/")
    expect(page.get_by_role("tab", name="策略")).to_have_count(0)
    expect(page.get_by_role("link", name="策略", exact=True)).to_have_count(0)
    page.get_by_role("link", name="修改", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("修改终端节点")
    page.get_by_label("描述").fill("shop resolver")
    page.get_by_label("访问控制").check()
    page.get_by_label("白名单").fill("10.0.0.0/8\n10.0.0.300")
    page.get_by_role("button", name="确定").click()
    whitelist = page.get_by_label("白名单")
    expect(whitelist).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_whitelist_error")).to_contain_text(
        "第 2 行：10.0.0.300 不是 IPv4 地址或 CIDR 网段。"
    )
    expect(whitelist).to_have_value("10.0.0.0/8\n10.0.0.300")
    expect(page.get_by_label("描述")).to_have_value("shop resolver")
    expect(page.get_by_label("访问控制")).to_be_checked()
    whitelist.fill("10.0.0.0/8\n192.168.1.5")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert").filter(has_text="已修改")).to_be_visible()
    expect(page.get_by_test_id("description")).to_have_text("shop resolver")
    expect(page.get_by_test_id("access-control")).to_contain_text("已开启")
    expect(page.get_by_test_id("access-control")).to_contain_text("192.168.1.5")

    # 策略 on the gateway endpoint
    page.goto(f"{demo_site.url}/endpoints/{obs.pk}/")
    page.get_by_role("link", name="策略", exact=True).click()
    expect(page.get_by_test_id("policy")).to_contain_text("完全访问")
    field = page.get_by_label("策略（JSON）")
    wrong = json.dumps([{**POLICY[0], "Effect": "Maybe"}])
    field.fill(wrong)
    page.get_by_role("button", name="确定").click()
    expect(page.locator("#id_policy_statement_error")).to_contain_text(
        "policy_statement[0].Effect 应为 Allow 或 Deny。"
    )
    expect(page.get_by_label("策略（JSON）")).to_have_value(wrong)
    page.get_by_label("策略（JSON）").fill(json.dumps(POLICY))
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert").filter(has_text="策略已保存")).to_be_visible()
    expect(page.get_by_test_id("policy")).to_contain_text("obs:object:GetObject")
    page.get_by_role("link", name="删除策略").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("删除终端节点")
    dialog.get_by_role("button", name="是").click()
    expect(page.get_by_role("alert").filter(has_text="策略已删除")).to_be_visible()
    expect(page.get_by_test_id("policy")).to_contain_text("完全访问")

    # a member sees what changed, and no control
    log_out(page)
    log_in("a-member")
    page.goto(f"{demo_site.url}/endpoints/{dns.pk}/")
    expect(page.get_by_test_id("description")).to_have_text("shop resolver")
    expect(page.get_by_role("link", name="修改", exact=True)).to_have_count(0)
    page.goto(f"{demo_site.url}/endpoints/{obs.pk}/policy/")
    expect(page.get_by_test_id("policy")).to_be_visible()
    expect(page.get_by_test_id("policy-form")).to_have_count(0)
