"""Tags through the official SDK, unmodified, against the live server (issue 10):
batch_add_or_remove_resource_instance, list_resource_instances (filter, count) and
list_query_project_resource_tags, for endpoint services and endpoints."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpcep.v1 import (
    BatchAddOrRemoveResourceInstanceRequest,
    BatchAddOrRemoveResourceInstanceRequestBody,
    ListQueryProjectResourceTagsRequest,
    ListResourceInstancesRequest,
    Match,
    QueryResourceInstanceTagsBody,
    ResourceTag,
    TagValuesList,
)

from console.audit.models import AuditRecord
from endpoints.models import Endpoint
from services.models import EndpointService

pytestmark = pytest.mark.django_db(transaction=True)


def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as excinfo:
        call()
    return excinfo.value


def batch(client, resource_type: str, resource_id, action: str, **tags):
    return client.batch_add_or_remove_resource_instance(
        BatchAddOrRemoveResourceInstanceRequest(
            resource_type=resource_type,
            resource_id=str(resource_id),
            body=BatchAddOrRemoveResourceInstanceRequestBody(
                action=action, tags=[ResourceTag(key=k, value=v) for k, v in tags.items()]
            ),
        )
    )


def query(client, resource_type: str = "endpoint_service", **body):
    return client.list_resource_instances(
        ListResourceInstancesRequest(
            resource_type=resource_type,
            body=QueryResourceInstanceTagsBody(**{"action": "filter", **body}),
        )
    )


def names(response) -> set[str]:
    return {r.resource_name.split(".")[1] for r in response.resources}


def test_services_are_tagged_in_batch_then_filtered_and_counted(sdk):
    client = sdk("a-admin")
    web = EndpointService.objects.get(name="web")
    app = EndpointService.objects.get(name="app")
    batch(client, "endpoint_service", web.pk, "create", env="prod", team="shop")
    batch(client, "endpoint_service", app.pk, "create", env="dev")
    batch(client, "endpoint_service", app.pk, "create", env="test")  # a key there: overwritten
    assert {t.key: t.value for t in web.tags.all()} == {"env": "prod", "team": "shop"}
    assert list(app.tags.values_list("key", "value")) == [("env", "test")]
    assert AuditRecord.objects.filter(action="tag.add", actor_name="a-admin").count() == 3

    found = query(client, tags=[TagValuesList(key="env", values=["prod"])])
    assert found.total_count == 1 and names(found) == {"web"}
    [resource] = found.resources
    assert resource.resource_id == str(web.pk) and resource.resource_name == web.service_name
    assert {(t.key, t.value) for t in resource.tags} == {("env", "prod"), ("team", "shop")}
    assert names(query(client, tags=[TagValuesList(key="env", values=[])])) == {"web", "app"}
    assert names(query(client, tags=[TagValuesList(key="env", values=["test", "prod"])])) == {
        "web",
        "app",
    }
    two_keys = [TagValuesList(key="env", values=[]), TagValuesList(key="team", values=[])]
    assert names(query(client, tags=two_keys)) == {"web"}
    assert names(query(client, tags_any=two_keys)) == {"web", "app"}
    assert names(query(client, not_tags=two_keys)) == {"app"}
    assert names(query(client, not_tags_any=[TagValuesList(key="env", values=["test"])])) == {"web"}
    assert query(client, without_any_tag=True).total_count == 0
    assert names(query(client, matches=[Match(key="resource_name", value="WEB")])) == {"web"}
    page = query(client, tags=[TagValuesList(key="env", values=[])], limit="1", offset="1")
    assert page.total_count == 2 and len(page.resources) == 1
    counted = query(client, action="count", tags=[TagValuesList(key="team", values=["shop"])])
    assert counted.total_count == 1 and counted.resources is None

    batch(client, "endpoint_service", web.pk, "delete", env="other")  # another value: kept
    batch(client, "endpoint_service", web.pk, "delete", team="")  # by key
    assert list(web.tags.values_list("key", "value")) == [("env", "prod")]
    assert AuditRecord.objects.filter(action="tag.delete").count() == 1


def test_the_projects_tags_per_resource_type(sdk):
    client = sdk("a-member")  # reading needs no more than view
    web = EndpointService.objects.get(name="web")
    app = EndpointService.objects.get(name="app")
    web.tags.create(key="env", value="prod")
    web.tags.create(key="team", value="")
    app.tags.create(key="env", value="dev")
    tags = client.list_query_project_resource_tags(
        ListQueryProjectResourceTagsRequest(resource_type="endpoint_service")
    ).tags
    assert [(t.key, t.values) for t in tags] == [("env", ["dev", "prod"]), ("team", [""])]
    none = client.list_query_project_resource_tags(
        ListQueryProjectResourceTagsRequest(resource_type="endpoint")
    )
    assert none.tags == []
    # Another account's tags are not in its answer.
    others = sdk("b-admin").list_query_project_resource_tags(
        ListQueryProjectResourceTagsRequest(resource_type="endpoint_service")
    )
    assert others.tags == []


def test_endpoints_are_tagged_and_found_by_tag_and_id(sdk):
    client = sdk("b-admin")
    endpoints = list(Endpoint.objects.filter(project__account__name="tenant-b"))
    assert len(endpoints) == 2
    batch(client, "endpoint", endpoints[0].pk, "create", env="prod")
    found = query(client, "endpoint", tags=[TagValuesList(key="env", values=["prod"])])
    assert [r.resource_id for r in found.resources] == [str(endpoints[0].pk)]
    assert found.resources[0].resource_name == str(endpoints[0].pk)  # endpoints have no name
    by_id = query(
        client, "endpoint", matches=[Match(key="resource_id", value=str(endpoints[1].pk))]
    )
    assert [r.resource_id for r in by_id.resources] == [str(endpoints[1].pk)]
    untagged = query(client, "endpoint", without_any_tag=True)
    assert [r.resource_id for r in untagged.resources] == [str(endpoints[1].pk)]
    tags = client.list_query_project_resource_tags(
        ListQueryProjectResourceTagsRequest(resource_type="endpoint")
    ).tags
    assert [(t.key, t.values) for t in tags] == [("env", ["prod"])]


def test_another_accounts_resource_is_not_found(sdk):
    web = EndpointService.objects.get(name="web")
    web.tags.create(key="env", value="prod")
    b = sdk("b-admin")
    error = refused(lambda: batch(b, "endpoint_service", web.pk, "create", env="hacked"))
    assert error.status_code == 404 and error.error_code == "VPCEP.0004"
    error = refused(lambda: batch(b, "endpoint_service", "not-an-id", "delete", env=""))
    assert error.status_code == 404
    endpoint = Endpoint.objects.filter(project__account__name="tenant-b").first()
    error = refused(lambda: batch(sdk("a-admin"), "endpoint", endpoint.pk, "create", env="x"))
    assert error.status_code == 404
    assert query(b, tags=[TagValuesList(key="env", values=[])]).total_count == 0
    assert list(web.tags.values_list("value", flat=True)) == ["prod"]
    assert not endpoint.tags.exists()


def test_a_members_key_may_read_but_not_tag(sdk):
    web = EndpointService.objects.get(name="web")
    member = sdk("a-member")
    error = refused(lambda: batch(member, "endpoint_service", web.pk, "create", env="x"))
    assert error.status_code == 403 and error.error_code == "VPCEP.0003"
    error = refused(lambda: batch(sdk("a-approver"), "endpoint_service", web.pk, "delete", env=""))
    assert error.status_code == 403
    assert query(member).total_count == 2
    assert not web.tags.exists()


def test_bad_tags_are_a_400_naming_the_field(sdk):
    client = sdk("a-admin")
    web = EndpointService.objects.get(name="web")
    for call, field in (
        (
            lambda: batch(client, "endpoint_service", web.pk, "create", **{"bad key": "x"}),
            "tags[0].key",
        ),
        (lambda: batch(client, "endpoint_service", web.pk, "create", env="a b"), "tags[0].value"),
        (lambda: batch(client, "endpoint_service", web.pk, "rename", env="x"), "action"),
        (
            lambda: batch(
                client, "endpoint_service", web.pk, "create", **{f"k{i}": "" for i in range(11)}
            ),
            "tags",
        ),
        (lambda: query(client, tags=[TagValuesList(key=" ", values=[])]), "tags[0].key"),
        (
            lambda: query(client, tags_any=[TagValuesList(key="k", values=["a", "a"])]),
            "tags_any[0].values",
        ),
        (lambda: query(client, matches=[Match(key="colour", value="x")]), "matches[0].key"),
        (lambda: query(client, limit="0"), "limit"),
        (lambda: query(client, offset="-1"), "offset"),
        (lambda: query(client, action="list"), "action"),
    ):
        error = refused(call)
        assert error.status_code == 400 and error.error_code == "VPCEP.0001", field
        assert error.error_msg.startswith(field), (field, error.error_msg)
    assert not web.tags.exists() and not AuditRecord.objects.filter(action__startswith="tag.")


def test_an_unknown_resource_type_is_a_json_404(sdk):
    error = refused(
        lambda: sdk("a-admin").list_query_project_resource_tags(
            ListQueryProjectResourceTagsRequest(resource_type="vpc")
        )
    )
    assert error.status_code == 404 and error.error_code == "VPCEP.0004"
