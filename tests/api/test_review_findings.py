"""What a review of issue 9 found in the API: NUL in a path, NaN in a body, an unexpected
error under the API's prefixes answered as HTML. Each is JSON now, and nothing is saved."""

import json

import pytest
from django.test import RequestFactory

from api.errors import server_error
from endpoints.models import Endpoint

from .conftest import project_id
from .test_auth import send, signed

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_nul_in_the_paths_project_is_a_json_400(site, keys):
    ak, sk = keys("a-admin")
    response = send(site, signed(site, ak, sk, "GET", "/v1/%00/quotas"))
    assert response.status_code == 400
    assert response.json()["error_msg"] == "NUL characters are not accepted."


def test_a_good_project_in_the_path_still_answers(site, keys):
    ak, sk = keys("a-admin")
    response = send(site, signed(site, ak, sk, "GET", f"/v1/{project_id('tenant-a')}/quotas"))
    assert response.status_code == 200


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(site, keys, constant):
    ak, sk = keys("a-admin")
    before = Endpoint.objects.count()
    raw = f'{{"vpc_id": "x", "endpoint_service_id": "y", "whitelist": [{constant}]}}'.encode()
    path = f"/v1/{project_id('tenant-a')}/vpc-endpoints"
    response = send(site, signed(site, ak, sk, "POST", path, raw=raw))
    assert response.status_code == 400
    assert json.loads(response.content)["error_code"] == "VPCEP.0001"
    assert Endpoint.objects.count() == before


def test_an_unexpected_error_under_an_api_prefix_is_json_elsewhere_html():
    factory = RequestFactory()
    api = server_error(factory.get("/v2/anything"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert json.loads(api.content)["error_code"] == "VPCEP.0500"
    page = server_error(factory.get("/services/"))
    assert page.status_code == 500 and "text/html" in page["Content-Type"]
