"""Reference pages (D1): what each status means (§5.4), endpoints vs VPC peering (§5.3)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from console.registry import registry

# §5.3 table 5-1: (aspect, VPC peering, VPC endpoint)
PEERING_COMPARISON = [
    (
        _("Security"),
        _("Every ECS, ELB and other resource in the VPC can be reached."),
        _("Only the ECS or ELB published as an endpoint service can be reached."),
    ),
    (
        _("Overlapping CIDRs"),
        _(
            "Not supported: if the subnets of the two VPCs overlap or are the same, the peering connection does not work."
        ),
        _("Supported: endpoints work whether or not the two VPCs' subnets overlap."),
    ),
    (
        _("Direction"),
        _("Both VPCs can reach each other."),
        _("Only the endpoint's VPC can reach the service's backend, on the mapped ports."),
    ),
    (
        _("Routes"),
        _("You add routes for the peering connection in both VPCs."),
        _("The routes are configured for you."),
    ),
    (
        _("VPN / Direct Connect"),
        _("Supported: a data centre can reach cloud services through the peering connection."),
        _("Supported: a data centre can reach cloud services privately through an endpoint."),
    ),
]


def status_tables() -> list[dict]:
    """One table per resource app that registered its status help (console.registry)."""
    return [
        {
            "key": entry.key,
            "caption": entry.caption,
            "rows": [
                {"status": value, "label": label, "help": entry.meanings[value]}
                for value, label in entry.choices()
            ],
        }
        for entry in registry.ordered(registry.status_help)
    ]


def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "help/index.html",
        {"status_tables": status_tables(), "comparison": PEERING_COMPARISON},
    )
