"""The 通知 tab of a service (provider side) and of an endpoint (consumer side), and its
POST-only actions: delete a subscription, 发送测试 (issue 11)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.tenancy.querysets import APPROVE, CHANGE, VIEW
from console.tenancy.secrets import decrypt
from console.ui.forms import apply_errors
from console.ui.urls import safe_next
from console.ui.views import ConfirmView, OperationView

from . import operations
from .forms import SubscriptionForm
from .models import Delivery, Subscription

RECENT_DELIVERIES = 20
# The subscription just added, kept in the session for the one page that shows its signing
# secret: the POST redirects (post/redirect/get), so a reload adds nothing and hides it.
NEW_SUBSCRIPTION = "new_subscription"


class NotificationsTabMixin:
    """Mixed into a service's or an endpoint's ObjectView: administrators and approvers read
    the subscriptions and the delivery log, administrators add (POST) and delete them."""

    tab = "notifications"
    tab_template = "notifications/tab.html"
    # Fetched as a reader, then the role checked in the object's own project: an endpoint's
    # "approve" scope is its provider's, but this tab is the consumer's.
    action = VIEW
    side = ""  # "service" or "endpoint"
    tab_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.can(APPROVE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_tab_context(self) -> dict:
        user = self.request.user
        subscriptions = Subscription.objects.restrict(user, APPROVE).filter(
            **{self.side: self.object}
        )
        deliveries = (
            Delivery.objects.restrict(user, APPROVE)
            .filter(**{f"subscription__{self.side}": self.object})
            .select_related("subscription")[:RECENT_DELIVERIES]
        )
        return {
            "subscriptions": subscriptions,
            "deliveries": deliveries,
            "form": getattr(self, "form", None) or SubscriptionForm(),
            "can_manage": self.can(CHANGE),
            "add_url": reverse(self.tab_url_name, args=[self.object.pk]),
            "new_secret": getattr(self, "new_secret", ""),
            "new_subscription": getattr(self, "new_subscription", None),
            "max_subscriptions": operations.MAX_SUBSCRIPTIONS,
        }

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        new_pk = request.session.pop(NEW_SUBSCRIPTION, None)
        self.new_subscription = (
            Subscription.objects.restrict(request.user, CHANGE)
            .filter(pk=new_pk, **{self.side: self.object})
            .first()
            if new_pk is not None
            else None
        )
        if self.new_subscription is None:
            return super().get(request, pk)
        self.new_secret = decrypt(self.new_subscription.secret_encrypted)
        response = super().get(request, pk)
        response["Cache-Control"] = "no-store"  # the secret is on this page, only this once
        return response

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        if not self.can(CHANGE):
            raise PermissionDenied
        self.form = SubscriptionForm(request.POST)
        if self.form.is_valid():
            try:
                subscription, _secret = operations.create_subscription(
                    request.user,
                    **{f"{self.side}_id": self.object.pk},
                    url=self.form.cleaned_data["url"],
                    emails=self.form.cleaned_data["emails"],
                    events=self.form.cleaned_data["events"],
                )
            except ValidationError as exc:
                apply_errors(exc, self.form, {})
            else:
                request.session[NEW_SUBSCRIPTION] = subscription.pk  # not the secret itself
                messages.success(request, _("Subscription added."))
                return HttpResponseRedirect(reverse(self.tab_url_name, args=[self.object.pk]))
        return self.render(status=422)


class SubscriptionOperationView(OperationView):
    """Back to the tab the form was on (its `next`)."""

    def get_redirect_url(self, pk, succeeded: bool) -> str:
        return safe_next(self.request, reverse("home"))


class SubscriptionDeleteConfirmView(ConfirmView):
    """删除 asks first, like every other delete: the subscription's channels stop at once."""

    action = CHANGE
    title = gettext_lazy("Delete subscription")
    confirm_label = gettext_lazy("Yes")

    def get_queryset(self):
        return Subscription.objects.select_related(
            "service__project__account", "endpoint__project__account"
        )

    def get_confirm_context(self) -> dict:
        return {
            "message": _("Delete this subscription? Its webhook and emails get no more events."),
            "items": [str(self.object)],
            "action": reverse("notifications:delete", args=[self.object.pk]),
            "values": [],
            "next": self.get_cancel_url(),
        }

    def get_cancel_url(self) -> str:
        return safe_next(self.request, reverse("home"))


class SubscriptionDeleteView(SubscriptionOperationView):
    def perform(self, pk) -> str:
        operations.delete_subscription(self.request.user, pk)
        return _("Subscription deleted.")


class SubscriptionTestView(SubscriptionOperationView):
    def perform(self, pk) -> str:
        operations.send_test(self.request.user, pk)
        return _("A test event is on its way; its delivery appears in the log below.")
