"""The resource apps plug into the shell through console.registry (issue 12): the help page,
the sweep, the quota counts and the demo come from what they registered, so a new resource app
plugs in without touching console/. Each test registers a made-up resource ("widget")."""

import pytest
from django.urls import reverse

from console import demo
from console.network.models import VPC
from console.quotas import limits
from console.quotas.usage import usage_rows, used
from console.registry import DemoBuilder, QuotaCounter, StatusHelp, SweepStep, registry
from console.sweep import sweep
from console.tenancy.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def plug_in():
    """register(...) for the test only: the registry is as it was afterwards."""
    saved = {name: dict(table) for name, table in vars(registry).items()}
    yield registry.register
    for name, table in vars(registry).items():
        table.clear()
        table.update(saved[name])


def test_the_resource_apps_register_what_the_shell_runs():
    assert list(registry.status_help) == ["service", "endpoint"]
    assert set(registry.stuck_rows) == {
        "services.creating",
        "services.deleting",
        "endpoints.creating",
        "endpoints.deleting",
    }
    assert {"services.auto_reject", "notifications.due_deliveries"} <= set(registry.sweep_steps)
    assert set(registry.quota_counters) == {limits.ENDPOINT_SERVICE, limits.ENDPOINT}
    assert [b.name for b in registry.ordered(registry.demo_builders)] == ["services", "endpoints"]
    assert reverse("operator:system_services") == "/operations/system-services/"


def test_the_help_page_shows_every_registered_status_table(login, plug_in):
    plug_in(
        StatusHelp(
            "widget",
            "Widget statuses",
            lambda: [("humming", "Humming")],
            {"humming": "The widget works."},
            position=30,
        )
    )
    page = login("a-member").get(reverse("help")).content.decode()
    assert 'id="service-statuses"' in page and 'id="endpoint-statuses"' in page
    assert 'id="widget-statuses"' in page
    assert "Widget statuses" in page and "Humming" in page and "The widget works." in page
    assert page.index("service-statuses") < page.index("endpoint-statuses") < page.index("widget")


def test_the_help_page_without_a_resource_app_has_no_status_table(login, plug_in):
    registry.status_help.clear()
    response = login("a-member").get(reverse("help"))
    assert response.status_code == 200
    assert b"service-statuses" not in response.content


def test_the_sweep_runs_the_registered_steps(plug_in):
    seen = []

    def step(now, stuck_before):
        seen.append(now - stuck_before)
        return 3

    plug_in(SweepStep("widgets.repair", step), SweepStep("widgets.expire", step, "auto_rejected"))
    swept = sweep()
    assert swept.enqueued == 3 and swept.auto_rejected == 3
    assert len(seen) == 2 and all(delta.total_seconds() == 60 for delta in seen)


def test_the_sweep_without_steps_does_nothing(plug_in):
    for table in (registry.sweep_steps, registry.stuck_rows):
        table.clear()
    assert (sweep().enqueued, sweep().auto_rejected) == (0, 0)


@pytest.fixture
def widgets(plug_in, monkeypatch):
    """A quota resource counted by a made-up app: here, each project's VPCs (two per project)."""
    monkeypatch.setitem(limits.DEFAULT_LIMITS, "widget", 3)
    monkeypatch.setitem(limits.RESOURCE_LABELS, "widget", "Widgets")
    plug_in(QuotaCounter("widget", VPC.objects.all))


def test_quota_use_comes_from_the_registered_counters(demo_data, widgets):
    project = Project.objects.get(account__name="tenant-a", region__code="cn-gzt")
    assert used(project, "widget") == 2
    rows = {row["resource"]: row for row in usage_rows([project])}
    assert (rows["widget"]["used"], rows["widget"]["limit"], rows["widget"]["left"]) == (2, 3, 1)
    assert rows["widget"]["label"] == "Widgets"
    assert rows[limits.ENDPOINT_SERVICE]["used"] == 2  # web and app
    with pytest.raises(ValueError):
        used(project, "gadget")


@pytest.mark.parametrize("tenants", [1, 4])
def test_usage_rows_runs_one_query_per_counter_whatever_the_projects(
    demo_data, widgets, tenants, django_assert_num_queries
):
    projects = list(Project.objects.filter(account__is_platform=False)[:tenants])
    with django_assert_num_queries(len(registry.quota_counters) + 1):  # + the overrides
        rows = usage_rows(projects)
    assert len(rows) == 3 * tenants


def test_a_resource_nobody_counts_is_left_out_of_usage(demo_data, plug_in):
    del registry.quota_counters[limits.ENDPOINT]
    project = Project.objects.get(account__name="tenant-a", region__code="cn-gzt")
    assert [row["resource"] for row in usage_rows([project])] == [limits.ENDPOINT_SERVICE]


def test_the_demo_runs_the_registered_builders_after_the_networks(db, plug_in):
    seen = []

    def build():
        seen.append(VPC.objects.count())

    plug_in(DemoBuilder("widgets", build, lambda: {"widgets": 7}, position=30))
    counts = demo.seed()
    assert seen == [8] and counts["widgets"] == 7
    assert counts["endpoints"] == 2  # the builders before it ran too
