"""What a platform operator may do in a tenant's account (issue 9, defect 10).

An operator views everything and, for support, takes things down (deletes a service or an
endpoint, disables or deletes an access key); the tenant's own activity log names the
operator and the object shows a banner. An operator cannot connect past a whitelist or decide
a tenant's connections: a service's whitelist binds the platform's account too."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from console.audit.models import AuditRecord
from console.tenancy import operations as key_ops
from console.tenancy.models import AccessKey, AccessKeyStatus, Account
from console.tenancy.querysets import CONNECT
from endpoints import operations as endpoint_ops
from endpoints.models import Endpoint, EndpointStatus
from services import operations as service_ops
from services.models import EndpointService, Permission
from tests.services.conftest import connect, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(demo_data) -> EndpointService:
    return EndpointService.objects.get(name="web", is_system=False)


@pytest.fixture
def a_key(demo_data) -> AccessKey:
    key, _secret = key_ops.create_access_key(user("a-admin"), "ci")
    return key


def connectable(username: str) -> set[str]:
    return set(
        EndpointService.objects.restrict(user(username), CONNECT).values_list("name", flat=True)
    )


def test_the_whitelist_binds_the_platform_account_too(web):
    platform = Account.objects.get(is_platform=True)
    assert "web" not in connectable("operator")  # used to pass every check
    assert {"obs", "dns"} <= connectable("operator")  # cloud services stay connectable
    Permission.objects.create(service=web, principal=platform.principal)
    assert "web" in connectable("operator")


def test_an_operator_cannot_decide_a_tenants_connections(web):
    pending = connect(web)
    with pytest.raises(PermissionDenied):
        service_ops.decide_connections(user("operator"), web.pk, [pending.pk], "accept")
    pending.refresh_from_db()
    assert pending.status == EndpointStatus.PENDING


def test_an_operator_may_delete_a_tenants_service_and_the_tenant_is_told(login, web):
    Endpoint.objects.filter(service=web).update(status=EndpointStatus.REJECTED)
    client = login("operator")
    confirm = client.get(reverse("services:delete_confirm", args=[web.pk])).content.decode()
    assert 'data-testid="support-notice"' in confirm and "tenant-a" in confirm
    response = client.post(reverse("services:delete", args=[web.pk]))
    assert response.status_code == 302
    web.refresh_from_db()
    assert web.status == "deleting"
    entry = AuditRecord.objects.get(action="service.delete", resource_id=str(web.pk))
    assert entry.by_operator and entry.actor_name == "operator"
    assert entry.account.name == "tenant-a"

    tenant = login("a-admin")
    log = tenant.get(reverse("activity")).content.decode()
    assert "运维人员" in log and "operator" in log
    page = tenant.get(reverse("services:detail", args=[web.pk])).content.decode()
    assert 'data-testid="support-banner"' in page and "operator" in page


def test_a_tenants_own_delete_is_not_marked_as_support(login, web):
    Endpoint.objects.filter(service=web).update(status=EndpointStatus.REJECTED)
    service_ops.delete_service(user("a-admin"), web.pk)
    entry = AuditRecord.objects.get(action="service.delete", resource_id=str(web.pk))
    assert not entry.by_operator
    page = login("a-admin").get(reverse("services:detail", args=[web.pk])).content.decode()
    assert 'data-testid="support-banner"' not in page


def test_an_operator_may_delete_a_tenants_endpoint(web):
    endpoint = connect(web, EndpointStatus.ACCEPTED)
    endpoint_ops.delete_endpoint(user("operator"), endpoint.pk)
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.DELETING
    assert endpoint.support_note["operator"] == "operator"
    assert AuditRecord.objects.get(action="endpoint.delete").by_operator


def test_an_operator_disables_a_tenants_key_from_the_accounts_page(login, a_key):
    client = login("operator")
    keys_url = reverse("operator:account_keys", args=[a_key.user.account_id])
    page = client.get(keys_url).content.decode()
    assert a_key.access_key_id in page and "a-admin" in page
    response = client.post(
        reverse("access_key_status", args=[a_key.pk]), {"enabled": "0", "next": keys_url}
    )
    assert response.status_code == 302 and response["Location"] == keys_url
    a_key.refresh_from_db()
    assert a_key.status == AccessKeyStatus.DISABLED
    assert AuditRecord.objects.get(action="access_key.disable").by_operator

    owner = login("a-admin")
    with translation.override("en"):
        page = owner.get(reverse("credentials"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="support-banner"' in page and "operator" in page
    # The owner's own next action clears the banner.
    owner.post(reverse("access_key_status", args=[a_key.pk]), {"enabled": "1"})
    a_key.refresh_from_db()
    assert a_key.is_active and a_key.support_note is None
    page = owner.get(reverse("credentials")).content.decode()
    assert 'data-testid="support-banner"' not in page


def test_an_operator_may_delete_a_tenants_key(a_key):
    key_ops.delete_access_key(user("operator"), a_key.pk)
    assert not AccessKey.objects.filter(pk=a_key.pk).exists()
    entry = AuditRecord.objects.get(action="access_key.delete")
    assert entry.by_operator and entry.account.name == "tenant-a"


@pytest.mark.parametrize("username", ["a-admin", "a-approver", "a-member", "b-admin"])
def test_only_operators_see_an_accounts_keys(login, a_key, username):
    response = login(username).get(reverse("operator:account_keys", args=[a_key.user.account_id]))
    assert response.status_code == 403


def test_keys_stay_personal_for_tenants(a_key):
    from django.http import Http404

    with pytest.raises(Http404):  # not even the account's other administrators
        key_ops.set_access_key_status(user("b-admin"), a_key.pk, False)
    with pytest.raises(Http404):
        key_ops.set_access_key_status(user("a-member"), a_key.pk, False)
    a_key.refresh_from_db()
    assert a_key.is_active


def test_an_operator_cannot_enable_a_tenants_key_again(login, a_key):
    """Support takes a key out of use; putting it back is its owner's call (review of #9)."""
    key_ops.set_access_key_status(user("a-admin"), a_key.pk, False)  # the owner switched it off
    with pytest.raises(PermissionDenied):
        key_ops.set_access_key_status(user("operator"), a_key.pk, True)
    a_key.refresh_from_db()
    assert not a_key.is_active
    page = login("operator").get(reverse("operator:account_keys", args=[a_key.user.account_id]))
    assert "启用" not in page.content.decode().split("<tbody>", 1)[1]  # no Enable control
    key_ops.set_access_key_status(user("a-admin"), a_key.pk, True)  # the owner may
    a_key.refresh_from_db()
    assert a_key.is_active


def test_only_the_owners_account_clears_a_support_banner(web):
    endpoint = connect(web, EndpointStatus.PENDING)  # tenant-b's endpoint to tenant-a's service
    endpoint_ops.delete_endpoint(user("operator"), endpoint.pk)
    endpoint.refresh_from_db()
    note = endpoint.support_note
    assert note
    from console.audit.log import record

    record(user("a-approver"), "connection.accept", endpoint, project=web.project)
    endpoint.refresh_from_db()
    assert endpoint.support_note == note  # the service's side acting is not the owner acting
    record(user("b-admin"), "endpoint.edit", endpoint)
    endpoint.refresh_from_db()
    assert endpoint.support_note is None
