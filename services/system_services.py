"""运维管理 → 云服务 (§1.6.1): the operators' page of the cloud services per region (add, edit
the description, retire), registered under /operations/ as "operator:system_services"."""

import re

from crispy_forms.layout import Column, Row
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.operator.views import OperatorView
from console.tenancy.models import Project, Region
from console.tenancy.querysets import CHANGE, VIEW
from console.ui.forms import CHOOSE_ONE, apply_errors, error_messages, form_helper

from . import operations as service_ops
from .models import EndpointService, ServiceType
from .operations import Port


class SystemServiceForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        empty_label=CHOOSE_ONE,
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=16,
        help_text=_("Such as obs or dns."),
    )
    service_type = forms.ChoiceField(
        label=_("Service type"),
        choices=ServiceType.choices,
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=255,
        required=False,
    )
    route_prefix = forms.CharField(
        label=_("Route prefix"),
        max_length=43,
        required=False,
        help_text=_("Gateway services: the prefix endpoints route, such as 100.125.0.0/16."),
    )
    port_mappings = forms.CharField(
        label=_("Port mappings"),
        required=False,
        help_text=_(
            "Interface services: protocol service-port:terminal-port, comma-separated, such as UDP 53:53, TCP 53:53."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(*(Column(name, css_class="col-md-4") for name in self.fields)), horizontal=False
        )

    def clean_port_mappings(self):
        text = self.cleaned_data["port_mappings"]
        ports = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            match = re.fullmatch(r"(TCP|UDP)\s+(\d{1,5}):(\d{1,5})", part, flags=re.IGNORECASE)
            if not match:
                raise ValidationError(_("%(part)s is not like TCP 53:53.") % {"part": part})
            ports.append(Port(match[1].upper(), int(match[2]), int(match[3])))
        return ports

    def ports(self) -> list[Port]:
        return self.cleaned_data.get("port_mappings") or []


class SystemServiceEditForm(forms.Form):
    """A cloud service's row: 保存 its description, or retire it."""

    service = forms.UUIDField(label=_("Cloud service"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


class SystemServicesView(OperatorView):
    """Cloud services per region (§1.6.1): add, edit the description, retire."""

    def get(self, request: HttpRequest, form=None, status=200) -> HttpResponse:
        services = (
            EndpointService.objects.restrict(request.user, VIEW)
            .filter(is_system=True)
            .select_related("project__region")
            .annotate(endpoint_count=Count("endpoints"))
            .order_by("project__region__position", "service_name")
        )
        return render(
            request,
            "operator/system_services.html",
            {
                "services": services,
                "form": form or SystemServiceForm(),
                "types": ServiceType,
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("_action", "create")
        if action in ("edit", "retire"):
            row = SystemServiceEditForm(request.POST)
            try:
                if not row.is_valid():  # a description too long, or with a NUL byte
                    raise ValidationError(error_messages(row))
                if action == "edit":
                    service_ops.update_system_service(
                        request.user,
                        row.cleaned_data["service"],
                        description=row.cleaned_data["description"],
                    )
                    messages.success(request, gettext("Cloud service saved."))
                else:
                    service = service_ops.retire_system_service(
                        request.user, row.cleaned_data["service"]
                    )
                    messages.success(
                        request,
                        gettext("Cloud service %(name)s is being retired.") % {"name": service},
                    )
            except ValidationError as exc:
                for text in exc.messages:
                    messages.error(request, text)
            return redirect("operator:system_services")
        form = SystemServiceForm(request.POST)
        if form.is_valid():
            platform_project = (
                Project.objects.restrict(request.user, CHANGE)
                .filter(account__is_platform=True, region=form.cleaned_data["region"])
                .first()
            )
            try:
                if platform_project is None:
                    raise ValidationError(
                        {"region": [gettext("The platform account has no project in that region.")]}
                    )
                service_ops.create_system_service(
                    request.user,
                    platform_project,
                    name=form.cleaned_data["name"],
                    service_type=form.cleaned_data["service_type"],
                    description=form.cleaned_data["description"],
                    route_prefix=form.cleaned_data["route_prefix"],
                    ports=form.ports(),
                )
            except ValidationError as exc:
                apply_errors(exc, form, {})
            else:
                messages.success(request, gettext("Cloud service added."))
                return redirect("operator:system_services")
        return self.get(request, form=form, status=422)
