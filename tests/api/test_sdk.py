"""VPCEP API v1 driven by the official SDK (issue 6, first part: auth, errors, reading)."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpcep.v1 import (
    ListEndpointServiceRequest,
    ListQuotaDetailsRequest,
    ListServiceDescribeDetailsRequest,
    ListServiceDetailsRequest,
    ListServicePublicDetailsRequest,
    ListVersionDetailsRequest,
)

from console.tenancy.models import AccessKey
from services.models import EndpointService, Permission

from .conftest import project_id

pytestmark = pytest.mark.django_db(transaction=True)


def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as excinfo:
        call()
    return excinfo.value


def test_versions(sdk):
    versions = sdk("a-admin").list_version_details(ListVersionDetailsRequest()).versions
    assert [v.id for v in versions] == ["v1"] and versions[0].status == "CURRENT"


def test_quotas_reflect_the_account(sdk):
    resources = sdk("a-admin").list_quota_details(ListQuotaDetailsRequest()).quotas.resources
    assert {(r.type, r.used, r.quota) for r in resources} == {
        ("endpoint_service", 2, 20),
        ("endpoint", 0, 50),
    }
    only = (
        sdk("b-admin").list_quota_details(ListQuotaDetailsRequest(type="endpoint")).quotas.resources
    )
    assert [(r.type, r.used) for r in only] == [("endpoint", 2)]


def test_services_are_listed_shown_and_filtered(sdk):
    client = sdk("a-member")
    listed = client.list_endpoint_service(ListEndpointServiceRequest())
    assert listed.total_count == 2
    web = next(s for s in listed.endpoint_services if ".web." in s.service_name)
    assert (web.status, web.service_type, web.server_type, web.approval_enabled) == (
        "available",
        "interface",
        "LB",
        True,
    )
    assert {(p.protocol, p.client_port, p.server_port) for p in web.ports} == {
        ("TCP", 80, 80),
        ("TCP", 443, 443),
    }
    assert web.connection_count == 2 and web.project_id == project_id("tenant-a")
    shown = client.list_service_details(ListServiceDetailsRequest(vpc_endpoint_service_id=web.id))
    assert shown.service_name == web.service_name
    page = client.list_endpoint_service(
        ListEndpointServiceRequest(limit=1, offset=1, sort_dir="asc")
    )
    assert page.total_count == 2 and len(page.endpoint_services) == 1
    named = client.list_endpoint_service(ListEndpointServiceRequest(endpoint_service_name="web"))
    assert [s.id for s in named.endpoint_services] == [web.id]


def test_another_accounts_service_is_not_found(sdk):
    web = EndpointService.objects.get(name="web")
    error = refused(
        lambda: sdk("b-admin").list_service_details(
            ListServiceDetailsRequest(vpc_endpoint_service_id=str(web.pk))
        )
    )
    assert error.status_code == 404 and error.error_code == "VPCEP.0004"


def test_public_and_describe(sdk):
    client = sdk("b-admin")
    public = client.list_service_public_details(ListServicePublicDetailsRequest())
    assert {s.service_name for s in public.endpoint_services} == {
        "cn.ctyun.cn-gzt.obs",
        "cn.ctyun.cn-gzt.dns",
    }
    web = EndpointService.objects.get(name="web")
    found = client.list_service_describe_details(
        ListServiceDescribeDetailsRequest(endpoint_service_name=web.service_name)
    )
    assert found.id == str(web.pk)
    Permission.objects.filter(service=web).delete()  # tenant-b no longer whitelisted
    hidden = refused(
        lambda: client.list_service_describe_details(
            ListServiceDescribeDetailsRequest(endpoint_service_name=web.service_name)
        )
    )
    missing = refused(
        lambda: client.list_service_describe_details(
            ListServiceDescribeDetailsRequest(endpoint_service_name="cn-gzt.x.y")
        )
    )
    assert (hidden.status_code, hidden.error_code, hidden.error_msg) == (
        missing.status_code,
        missing.error_code,
        missing.error_msg,
    )


def test_bad_parameters_name_the_field(sdk):
    error = refused(
        lambda: sdk("a-admin").list_endpoint_service(ListEndpointServiceRequest(limit=5000))
    )
    assert error.status_code == 400 and "limit" in error.error_msg
    error = refused(
        lambda: sdk("a-admin").list_endpoint_service(ListEndpointServiceRequest(sort_key="name"))
    )
    assert error.status_code == 400 and "sort_key" in error.error_msg


def test_a_disabled_or_deleted_key_or_a_wrong_secret_is_a_401(sdk, keys):
    ak, sk = keys("a-admin")
    assert sdk("a-admin", credentials=(ak, sk)).list_quota_details(ListQuotaDetailsRequest()).quotas
    error = refused(
        lambda: sdk(
            "a-admin", credentials=(ak, sk[:-1] + ("y" if sk.endswith("x") else "x"))
        ).list_quota_details(ListQuotaDetailsRequest())
    )
    assert error.status_code == 401 and "signature" in error.error_msg
    AccessKey.objects.filter(access_key_id=ak).update(status="disabled")
    error = refused(
        lambda: sdk("a-admin", credentials=(ak, sk)).list_quota_details(ListQuotaDetailsRequest())
    )
    assert error.status_code == 401 and "disabled" in error.error_msg
    AccessKey.objects.filter(access_key_id=ak).delete()
    error = refused(
        lambda: sdk("a-admin", credentials=(ak, sk)).list_quota_details(ListQuotaDetailsRequest())
    )
    assert error.status_code == 401 and error.error_code == "APIGW.0301"


def test_another_accounts_project_in_the_path_is_a_403(sdk):
    error = refused(
        lambda: sdk("a-admin", project=project_id("tenant-b")).list_quota_details(
            ListQuotaDetailsRequest()
        )
    )
    assert error.status_code == 403 and "project" in error.error_msg
