"""Gateway endpoints (OBS) on the linux driver (issue 14).

While a VPC has a gateway endpoint, the service's prefix (100.125.0.0/16) is a subnet of the
VPC's namespace holding a stand-in of the service (a responder named `obs`), built like any
subnet and host (state.DesiredState.resolved). The endpoint's routes reach only the subnets of
the route tables it was given: in the VPC's namespace, which routes between its subnets, an
nftables forward rule rejects traffic to the prefix from every other subnet, as a missing
route would (ICMP net unreachable). When the VPC's last gateway endpoint goes, the subnet, the
stand-in and the rule go with it.
"""

from __future__ import annotations

from .state import GatewayAccess

TABLE = "vpcep_gateway"


def render(gateways: list[GatewayAccess]) -> str | None:
    """The VPC namespace's forward chain for its gateway endpoints (None: it has none)."""
    if not gateways:
        return None
    lines = ["  chain forward {", "    type filter hook forward priority filter; policy accept;"]
    for gateway in sorted(gateways, key=lambda g: g.prefix):
        if gateway.sources:
            sources = ", ".join(gateway.sources)
            lines.append(
                f"    ip daddr {gateway.prefix} ip saddr != {{ {sources} }}"
                " reject with icmp type net-unreachable"
            )
        else:
            lines.append(f"    ip daddr {gateway.prefix} reject with icmp type net-unreachable")
    lines.append("  }")
    return "\n".join(lines)
