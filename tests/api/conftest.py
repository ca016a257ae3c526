"""The provider's official SDK, unmodified, pointed at a live console."""

import pytest
from django.conf import settings
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkvpcep.v1 import VpcepClient

from console import demo
from console.tenancy import operations as key_ops
from console.tenancy.models import Project, User


@pytest.fixture
def site(live_server, transactional_db):
    demo.seed(password=settings.DEMO_PASSWORD)
    return live_server


@pytest.fixture
def keys(site):
    """keys("a-admin") -> (AK, SK) of a fresh access key of that user."""

    def _keys(username: str):
        key, secret = key_ops.create_access_key(User.objects.get(username=username))
        return key.access_key_id, secret

    return _keys


def project_id(account: str, region: str = "cn-gzt") -> str:
    return Project.objects.get(account__name=account, region__code=region).project_id


@pytest.fixture
def sdk(site, keys):
    """sdk("a-admin") -> a VpcepClient signing as that user, for their cn-gzt project."""

    def _sdk(username: str, project: str | None = None, credentials=None):
        ak, sk = credentials or keys(username)
        account = User.objects.get(username=username).account.name
        config = HttpConfig.get_default_config()
        config.ignore_ssl_verification = True
        config.retry_times = 0
        return (
            VpcepClient.new_builder()
            .with_http_config(config)
            .with_credentials(BasicCredentials(ak, sk, project or project_id(account)))
            .with_endpoints([site.url])
            .build()
        )

    return _sdk
