"""Signed API calls as the official SDK signs them (its own Signer), for any HTTP client."""

from __future__ import annotations

from types import SimpleNamespace

from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


def signed_headers(ak: str, sk: str, method: str, host: str, path: str, query=()) -> dict:
    """The headers (Authorization, X-Sdk-Date, Host...) of `method path?query` to `host`."""
    request = SdkRequest(
        method=method,
        schema="http",
        host=host,
        resource_path=path,
        header_params={"Content-Type": "application/json"},
        body=b"",
        query_params=list(query),
    )
    Signer(SimpleNamespace(ak=ak, sk=sk)).sign(request)
    return dict(request.header_params)
