"""Garbage sent to every writing URL of the API: JSON that says what is wrong, never a 500 or
an HTML page (issue 6)."""

import uuid

import pytest
import requests
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpcep.v1 import (
    CreateEndpointServiceRequest,
    CreateEndpointServiceRequestBody,
    PortList,
)

from console.network.models import VPC, LoadBalancer
from console.quotas.models import Quota
from console.tenancy.models import Project
from services.models import EndpointService

from .conftest import project_id
from .test_auth import signed

pytestmark = pytest.mark.django_db(transaction=True)

BODIES = [
    b"not json",
    b"[1, 2]",
    b'{"ports": "x", "tags": 5, "permissions": {}, "endpoints": [1]}',
    b'{"action": "explode"}',
    b'{"ports": [{"client_port": "80", "server_port": true}]}',
]


def send(site, request, body):
    return requests.request(
        request.method, site.url + request.uri, headers=request.header_params, data=body, timeout=10
    )


def test_garbage_is_a_json_4xx_everywhere(site, keys):
    ak, sk = keys("a-admin")
    project = project_id("tenant-a")
    web = EndpointService.objects.get(name="web").pk
    urls = [
        ("POST", f"/v1/{project}/vpc-endpoint-services"),
        ("PUT", f"/v1/{project}/vpc-endpoint-services/{web}"),
        ("POST", f"/v1/{project}/vpc-endpoint-services/{web}/connections/action"),
        ("POST", f"/v1/{project}/vpc-endpoint-services/{web}/permissions/action"),
        ("POST", f"/v1/{project}/vpc-endpoint-services/{web}/permissions/batch-create"),
        ("POST", f"/v1/{project}/vpc-endpoint-services/{web}/permissions/batch-delete"),
        ("POST", f"/v1/{project}/vpc-endpoints"),
        ("DELETE", f"/v1/{project}/vpc-endpoints/{uuid.uuid4()}"),
        ("GET", f"/v1/{project}/vpc-endpoint-services/not-a-uuid/connections"),
    ]
    for method, path in urls:
        for body in BODIES:
            request = signed(site, ak, sk, method, path, raw=body)
            response = send(site, request, body)
            assert response.status_code < 500, (
                method,
                path,
                body,
                response.status_code,
                response.text[:200],
            )
            assert response.headers["Content-Type"] == "application/json"
            # unknown fields are ignored where harmless; everything else is refused and says why
            assert response.status_code == 200 or response.json()["error_msg"]


def test_the_quota_holds_over_the_api(sdk):
    b = Project.objects.get(account__name="tenant-b", region__code="cn-gzt")
    Quota.objects.create(project=b, resource="endpoint_service", limit=0)
    body = CreateEndpointServiceRequestBody(
        port_id=str(LoadBalancer.objects.get(name="elb-2d6f").pk),
        vpc_id=str(VPC.objects.get(name="vpc-4e1c").pk),
        service_type="interface",
        server_type="LB",
        ports=[PortList(client_port=1, server_port=1, protocol="TCP")],
    )
    with pytest.raises(ClientRequestException) as excinfo:
        sdk("b-admin").create_endpoint_service(CreateEndpointServiceRequest(body=body))
    assert excinfo.value.status_code == 400 and "配额" in excinfo.value.error_msg


def _get(site, ak, sk, path_and_query):
    path, _, query = path_and_query.partition("?")
    request = signed(site, ak, sk, "GET", path)
    if query:  # sign with the query as the SDK would
        from types import SimpleNamespace

        from huaweicloudsdkcore.sdk_request import SdkRequest
        from huaweicloudsdkcore.signer.signer import Signer

        pairs = [tuple(p.split("=", 1)) for p in query.split("&")]
        request = SdkRequest(
            method="GET",
            schema="http",
            host=request.host,
            resource_path=path,
            header_params={"Content-Type": "application/json"},
            body=b"",
            query_params=pairs,
        )
        Signer(SimpleNamespace(ak=ak, sk=sk)).sign(request)
    return requests.get(site.url + request.uri, headers=request.header_params, timeout=10)


@pytest.mark.parametrize(
    ("suffix", "status"),
    [
        ("vpc-endpoint-services?limit=%C2%B2", 400),
        ("vpc-endpoint-services?offset=99999999999", 400),
        ("vpc-endpoint-services?sort_key=create_at", 200),
        ("vpc-endpoint-services/not-a-uuid", 404),
        ("vpc-endpoint-services/public?id=nope", 200),
        ("no-such-collection", 404),
    ],
)
def test_odd_queries_are_json(site, keys, suffix, status):
    ak, sk = keys("a-admin")
    response = _get(site, ak, sk, f"/v1/{project_id('tenant-a')}/{suffix}")
    assert response.status_code == status and response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "body",
    [
        b'{"action": []}',
        b"[" * 5000 + b"]" * 5000,
        b'{"approval_enabled": "false"}',
        b'{"service_name": "a\\u0000b"}',
    ],
)
def test_odd_bodies_are_a_400(site, keys, body):
    ak, sk = keys("a-admin")
    web = EndpointService.objects.get(name="web").pk
    for method, path in (
        ("POST", f"/v1/{project_id('tenant-a')}/vpc-endpoint-services/{web}/connections/action"),
        ("PUT", f"/v1/{project_id('tenant-a')}/vpc-endpoint-services/{web}"),
    ):
        if method == "PUT" and body == b'{"action": []}':
            continue  # an unknown field on an update is ignored: harmless
        response = send(site, signed(site, ak, sk, method, path, raw=body), body)
        assert response.status_code == 400, (method, body[:40], response.text[:200])
    assert (
        EndpointService.objects.get(pk=web).approval_enabled is True
    )  # "false" was not taken for true
