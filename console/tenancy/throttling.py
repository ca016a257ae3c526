"""Login throttling (issue 9, defect 6), on django-axes (settings: the AXES_* block).

Failures are counted per user name and per client address: 5 within 15 minutes lock that name
(from anywhere) or that address (for any name) out until 15 minutes after the 5th failure.
Locked logins get the login page with a 429 that says when to try again, the same whether or
not the user exists. Failed and locked logins go into the operators' activity log.

A successful login clears the failures of that user name only: axes's AXES_RESET_ON_SUCCESS
would also clear every failure from the address, so anyone with an account could keep guessing
another user's password between logins of their own."""

from __future__ import annotations

import logging
import math
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

from console.audit.models import LOGIN_FAILED, LOGIN_LOCKED, AuditRecord

from .models import Account

log = logging.getLogger(__name__)


def locked_until(request: HttpRequest, credentials: dict | None) -> datetime:
    """When the lock on this request's user name or address ends: for each locked parameter,
    the newest failures that reach the limit expire a cool-off after the oldest of them."""
    cool_off, limit = get_cool_off(request), get_failure_limit(request, credentials)
    end = timezone.now()
    for attempts in AxesProxyHandler.get_implementation().get_user_attempts(request, credentials):
        counted = 0
        for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            counted += failures
            if counted >= limit:
                end = max(end, attempt_time + cool_off)
                break
    return end


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with the message, as a 429."""
    until = timezone.localtime(locked_until(request, credentials))
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    message = ngettext(
        "Too many failed logins: try again in %(minutes)d minute, after %(time)s.",
        "Too many failed logins: try again in %(minutes)d minutes, after %(time)s.",
        minutes,
    ) % {"minutes": minutes, "time": time_format(until, "H:i")}
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
    return render(request, "tenancy/login.html", context, status=429)


@receiver(user_logged_in, dispatch_uid="throttling-reset-on-success")
def reset_failures_of_the_user(sender, request, user, **kwargs) -> None:
    reset(username=user.get_username())


@receiver(user_login_failed, dispatch_uid="throttling-audit")
def audit_failed_login(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    """One activity record per failed or locked login, in the user's account (the platform's
    when no such user exists), seen by operators only. Runs after axes's own receiver (axes is
    installed before this app), which marks the request locked out."""
    if request is None:  # not a login over the web: nothing to throttle or show
        return
    username = str(credentials.get("username") or "").replace("\0", "")[:150]
    user = get_user_model()._default_manager.filter(username=username).first()
    account_id = (
        user.account_id
        if user is not None and user.account_id
        else Account.objects.filter(is_platform=True).values_list("pk", flat=True).first()
    )
    if account_id is None:
        log.warning("Failed login for %r not in the activity log: no platform account", username)
        return
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")
    locked = getattr(request, "axes_locked_out", False)
    if (
        locked
        and AuditRecord.objects.filter(
            action=LOGIN_LOCKED,
            resource_id=address[:64],
            resource_name=username,
            created_at__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        ).exists()
    ):
        return  # one record per lockout: refused attempts must not flood the operators' log
    AuditRecord.objects.create(
        actor=user,
        actor_name=username,
        account_id=account_id,
        action=LOGIN_LOCKED if locked else LOGIN_FAILED,
        resource_type="login",
        resource_id=address[:64],
        resource_name=username,
        after={"ip_address": address},
    )
