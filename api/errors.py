"""Errors in the provider's shape: {"error_code": "...", "error_msg": "..."} (T5)."""

from __future__ import annotations

import re

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


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


API_PATH = re.compile(r"^/v\d+(/|$)")


def server_error(request, *args, **kwargs):
    """handler500: JSON under the API's version prefixes (/v1, /v2, ...), Django's page elsewhere."""
    if API_PATH.match(request.path):
        return error_response(500, "VPCEP.0500", _("Internal error; it has been logged."))
    return defaults.server_error(request, *args, **kwargs)


def bad_request(request, exception, *args, **kwargs):
    """handler400, for what Django refuses before any view runs (a Host header not in
    ALLOWED_HOSTS): JSON under the API's prefixes too, never an HTML page to an SDK."""
    if API_PATH.match(request.path):
        return error_response(400, INVALID, _("The request is malformed (for example its Host)."))
    return defaults.bad_request(request, exception, *args, **kwargs)
