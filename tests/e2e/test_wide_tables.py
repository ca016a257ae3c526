"""Browser, 1280×900 with the sidebar open: lists fit their box, so the 操作 column (删除,
接受/拒绝) is on the screen without scrolling sideways, in English (longer headers) and in
Chinese; and a reason, an answer or a logged value of 300 characters without a space wraps
inside its cell rather than making its table thousands of pixels wide."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from console.audit.log import record
from console.quotas.models import QuotaRequest, RequestStatus
from console.tenancy.models import Project, User
from services.models import EndpointService

pytestmark = pytest.mark.e2e

LONG = "x" * 300
WEB = {"name": "web", "is_system": False}

# Each list box in the content: how wide its table is against the box, and where its last
# header (操作) ends against the window.
MEASURE = """() => [...document.querySelectorAll('main .table-responsive')].map(box => {
  const heads = box.querySelectorAll('thead th');
  const last = heads.length ? heads[heads.length - 1].getBoundingClientRect().right : 0;
  return {table: box.querySelector('table').dataset.testid || box.querySelector('table').id,
          scroll: box.scrollWidth, box: box.clientWidth, lastRight: Math.round(last),
          window: innerWidth};
})"""


def wide_boxes(page: Page) -> list[dict]:
    boxes = page.evaluate(MEASURE)
    assert boxes, "no list on the page"
    return [b for b in boxes if b["scroll"] > b["box"] + 1 or b["lastRight"] > b["window"]]


def at_1280(page: Page, origin: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": origin}])
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_operation_column_is_on_screen_at_1280(log_in, demo_site, language):
    web = EndpointService.objects.get(**WEB)
    page = log_in("a-admin")
    at_1280(page, demo_site.url, language)
    for path in ["/services/", f"/services/{web.pk}/connections/", "/inbox/"]:
        page.goto(f"{demo_site.url}{path}")
        expect(page.locator("#sidebar")).to_be_visible()  # the sidebar is open
        assert wide_boxes(page) == [], path
        # The last row's first action is within the window, seen without scrolling sideways.
        action = page.locator("main tbody tr:last-child td:last-child :is(a, button)").first
        assert action.evaluate("e => e.getBoundingClientRect().right <= innerWidth"), path

    page.context.clear_cookies()  # logged out
    page = log_in("b-admin")
    at_1280(page, demo_site.url, language)
    page.goto(f"{demo_site.url}/endpoints/")
    expect(page.locator("#object-table tbody tr")).to_have_count(2)
    assert wide_boxes(page) == []
    delete = page.locator("#object-table tbody tr td:last-child a").first
    assert delete.evaluate("e => e.getBoundingClientRect().right <= innerWidth")


@pytest.fixture
def long_texts(demo_site):
    """A declined quota request whose reason and answer are 300 characters without a space,
    one waiting with such a reason, and an activity record with such a value."""
    admin = User.objects.get(username="a-admin")
    project = Project.objects.get(account__name="tenant-a", region__code="cn-gzt")
    resource = QuotaRequest._meta.get_field("resource").choices[0][0]
    QuotaRequest.objects.create(
        project=project, resource=resource, wanted=30, reason=LONG, requested_by=admin
    )
    QuotaRequest.objects.create(
        project=project,
        resource=resource,
        wanted=40,
        reason=LONG,
        requested_by=admin,
        status=RequestStatus.DECLINED,
        decision_reason=LONG,
        decided_at=timezone.now(),
    )
    web = EndpointService.objects.get(**WEB)
    record(admin, "service.update", web, before={"description": "a"}, after={"description": LONG})


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("a-admin", "/quotas/"),
        ("a-admin", "/activity/"),
        ("operator", "/operations/quota-requests/"),
    ],
)
def test_text_without_spaces_wraps_in_its_cell(log_in, demo_site, long_texts, username, path):
    page = log_in(username)
    at_1280(page, demo_site.url, "en")
    page.goto(f"{demo_site.url}{path}")
    cells = page.locator("main td").filter(has_text="x" * 100)
    expect(cells.first).to_be_visible()
    assert wide_boxes(page) == []
    for cell in cells.all():  # all of it shown, on several lines
        assert LONG in cell.inner_text().replace("\n", "")
        assert cell.evaluate("e => e.getBoundingClientRect().height > 40")
