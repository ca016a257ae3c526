"""The desired state built from the database, and the default (simulated) driver: these run
everywhere, root or not."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from console.network.dataplane import desired_state, get_driver, haproxy
from console.network.dataplane.simulated import SimulatedDriver
from console.network.models import LoadBalancer
from endpoints.models import Endpoint, EndpointStatus, PacketIdSequence
from services.models import EndpointService, TcpProxy


def web_endpoints():
    return (
        Endpoint.objects.get(status=EndpointStatus.ACCEPTED, service__name="web"),
        Endpoint.objects.get(status=EndpointStatus.PENDING, service__name="web"),
    )


def test_only_an_accepted_endpoint_has_frontends(demo_data):
    accepted, pending = web_endpoints()
    state = desired_state().resolved()
    frontends = [f for f in state.frontends.values() if f.key.startswith(str(accepted.pk))]
    elb = LoadBalancer.objects.get(name="elb-97rn")
    assert {(f.node_ip, f.port, f.backend_address) for f in frontends} == {
        (accepted.node_ip, 80, elb.ip_address),
        (accepted.node_ip, 443, elb.ip_address),
    }
    assert not [f for f in state.frontends.values() if f.key.startswith(str(pending.pk))]
    # Both hold their node IP; the backend answers on the service's terminal ports.
    held = {n.address for n in state.node_addresses}
    assert {accepted.node_ip, pending.node_ip} <= held
    assert {80, 443} <= set(state.hosts[str(elb.pk)].ports)


def test_proxy_protocol_and_access_control_reach_the_frontend(demo_data):
    accepted, _pending = web_endpoints()
    EndpointService.objects.filter(name="web").update(tcp_proxy=TcpProxy.PROXY_OPEN)
    Endpoint.objects.filter(pk=accepted.pk).update(enable_whitelist=True, whitelist=["10.0.0.0/8"])
    frontend = desired_state().frontends[f"{accepted.pk}:80"]
    assert frontend.proxy_protocol and frontend.allowed_sources == ("10.0.0.0/8",)
    text = haproxy.render({frontend.key: frontend}, "/run/x", lambda key: f"ns-{key[:4]}")
    assert "tcp-request connection reject unless { src 10.0.0.0/8 }" in text
    assert "send-proxy-v2" in text and "maxconn 3000" in text
    EndpointService.objects.filter(name="web").update(tcp_proxy=TcpProxy.CLOSE)
    Endpoint.objects.filter(pk=accepted.pk).update(enable_whitelist=False)
    frontend = desired_state().frontends[f"{accepted.pk}:80"]
    assert not frontend.proxy_protocol and frontend.allowed_sources == ()
    assert "tcp-request" not in haproxy.render({frontend.key: frontend}, "/r", str)
    # 访问控制 on with an empty whitelist admits nobody (it does not fail open).
    Endpoint.objects.filter(pk=accepted.pk).update(enable_whitelist=True, whitelist=[])
    frontend = desired_state().frontends[f"{accepted.pk}:80"]
    text = haproxy.render({frontend.key: frontend}, "/r", str)
    assert "    tcp-request connection reject\n" in text


def test_the_state_takes_a_fixed_number_of_queries(demo_data, django_assert_num_queries):
    accepted, _pending = web_endpoints()
    with django_assert_num_queries(17):
        desired_state()
    for n in range(5):
        Endpoint.objects.create(
            project=accepted.project,
            service=accepted.service,
            vpc=accepted.vpc,
            subnet=accepted.subnet,
            node_ip=f"192.168.0.{150 + n}",
            status=EndpointStatus.ACCEPTED,
            packet_id=PacketIdSequence.next(),
        )
    with django_assert_num_queries(17):
        assert len(desired_state().frontends) >= 12


def test_the_simulated_driver_is_the_default_and_touches_nothing(demo_data, settings, capsys):
    assert settings.DATAPLANE == "simulated"
    driver = get_driver()
    assert isinstance(driver, SimulatedDriver)
    assert driver.converge(desired_state()) == [] and driver.observe().frontends
    call_command("dataplane")
    assert capsys.readouterr().out.strip() == "0 changes"


def test_an_unknown_driver_is_refused_with_the_choices(settings):
    settings.DATAPLANE = "ovn"
    with pytest.raises(CommandError, match="simulated, linux"):
        call_command("dataplane")


def test_the_endpoint_listens_on_the_terminal_port_and_reaches_the_service_port(demo_data):
    """The manual: 通过'终端端口 → 服务端口'的方式进行访问 (§2.1): the node IP listens on the terminal port
    (the API's client_port); the backend answers on the service port (server_port)."""
    from services.models import PortMapping

    accepted, _pending = web_endpoints()
    PortMapping.objects.create(
        service=accepted.service, protocol="TCP", service_port=9000, terminal_port=8443
    )
    state = desired_state().resolved()
    frontend = state.frontends[f"{accepted.pk}:8443"]
    assert (frontend.port, frontend.backend_port) == (8443, 9000)
    assert f"{accepted.pk}:9000" not in state.frontends
    elb = LoadBalancer.objects.get(name="elb-97rn")
    assert 9000 in state.hosts[str(elb.pk)].ports and 8443 not in state.hosts[str(elb.pk)].ports
