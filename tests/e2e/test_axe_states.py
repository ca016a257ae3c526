"""Browser: axe-core in the states the crawl of test_fit_and_finish does not reach: a quota
used up (the warning's 我的配额 link on the create pages, 已用完 on 我的配额), and the help
page's comparison table (one landmark per name)."""

import pytest
from playwright.sync_api import Page, expect

from console.quotas.limits import ENDPOINT, ENDPOINT_SERVICE
from console.quotas.models import Quota
from console.tenancy.models import Project

from .test_fit_and_finish import AXE, axe_violations

pytestmark = pytest.mark.e2e


def axe_rule(page: Page, rule: str) -> list[str]:
    """The elements failing one axe rule, whatever its impact."""
    page.evaluate(AXE)
    found = page.evaluate(
        "async rule => (await axe.run(document, {runOnly: [rule]})).violations",
        rule,
    )
    return [" ".join(node["target"]) for v in found for node in v["nodes"]]


@pytest.fixture
def quotas_used_up(demo_site):
    """tenant-a in cn-gzt may have 1 endpoint service (it has 2) and no endpoint."""
    project = Project.objects.get(account__name="tenant-a", region__code="cn-gzt")
    Quota.objects.create(project=project, resource=ENDPOINT_SERVICE, limit=1)
    Quota.objects.create(project=project, resource=ENDPOINT, limit=0)


def test_a_used_up_quota_is_said_legibly(log_in, demo_site, quotas_used_up):
    page = log_in("a-admin")
    for path in ("/services/create/", "/endpoints/create/"):
        page.goto(f"{demo_site.url}{path}")
        link = page.locator("#quota-full").get_by_role("link", name="我的配额")
        expect(link).to_be_visible()
        assert axe_rule(page, "color-contrast") == [], path
        assert axe_violations(page) == [], path

    page.goto(f"{demo_site.url}/quotas/")
    expect(page.get_by_test_id("quota-table").get_by_text("已用完")).to_have_count(2)
    assert axe_rule(page, "color-contrast") == []
    assert axe_violations(page) == []


def test_the_help_page_has_one_landmark_per_name(log_in, demo_site):
    page = log_in("a-admin")
    page.goto(f"{demo_site.url}/help/")
    region = page.get_by_role("region", name="VPC 终端节点和对等连接有什么区别？")
    expect(region).to_have_count(1)
    expect(region.get_by_role("table")).to_be_visible()
    assert axe_rule(page, "landmark-unique") == []
    assert axe_violations(page) == []
