"""Errors in the provider's shape: {"error_code": "...", "error_msg": "..."} (T5)."""

from __future__ import annotations

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> JsonResponse:
        return error_response(self.status, self.code, self.message)


def error_response(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error_code": code, "error_msg": message}, status=status)


# Codes: the gateway's for authentication (as the provider answers), VPCEP's for the rest.
UNAUTHORIZED = "APIGW.0301"
FORBIDDEN = "VPCEP.0003"
NOT_FOUND = "VPCEP.0004"
INVALID = "VPCEP.0001"
CONFLICT = "VPCEP.0009"


def server_error(request, *args, **kwargs):
    """handler500: JSON under the API's version prefixes (/v1, /v2, ...), Django's page elsewhere."""
    import re

    from django.views.defaults import server_error as html_server_error

    if re.match(r"^/v\d+(/|$)", request.path):
        return error_response(500, "VPCEP.0500", "Internal error; it has been logged.")
    return html_server_error(request, *args, **kwargs)
