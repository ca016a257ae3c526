from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from console.network.models import VPC, LoadBalancer, Server
from console.tenancy.querysets import CHANGE
from console.ui.forms import is_uuid

from .models import BackendType, Protocol, TcpProxy, validate_service_name
from .operations import (
    MAX_AUTO_REJECT_DAYS,
    MAX_DESCRIPTION,
    MAX_PERMISSION_DESCRIPTION,
    MAX_PORTS,
)

SELECT = {"class": "form-select"}


class VPCChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}({obj.cidr})"


DESCRIPTION_HELP = {
    MAX_DESCRIPTION: _("Optional. At most 512 characters, without < or >."),
    MAX_PERMISSION_DESCRIPTION: _("Optional. At most 255 characters, without < or >."),
}


def description_field(limit: int = MAX_DESCRIPTION, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=pgettext_lazy("service", "Description"),
        required=False,
        max_length=limit,
        help_text=DESCRIPTION_HELP[limit],
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows}),
    )


class BackendFieldsMixin:
    """The backend type radios and the backend list that follows them (and the VPC)."""

    def set_backend_choices(self, user, project, vpc_id) -> None:
        backend_type = (
            self.data.get("backend_type") or self.initial.get("backend_type") or BackendType.LB
        )
        model = Server if backend_type == BackendType.VM else LoadBalancer
        backends = model.objects.restrict(user, CHANGE).filter(project=project)
        backends = backends.filter(vpc_id=vpc_id) if is_uuid(vpc_id) else backends.none()
        field = self.fields["backend"]
        field.label = _("Server") if backend_type == BackendType.VM else _("Load balancer")
        field.choices = [
            ("", _("Choose a VPC first") if not is_uuid(vpc_id) else _("Choose one"))
        ] + [(str(b.pk), f"{b.name} ({b.ip_address})") for b in backends]


class ServiceForm(BackendFieldsMixin, forms.Form):
    """Table 3-2. Choices come through restrict(); the operation checks everything again."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=16,
        help_text=_("Optional. At most 16 characters: letters, digits, '_' and '-'."),
        validators=[validate_service_name],
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    vpc = VPCChoiceField(
        label=_("VPC"),
        queryset=VPC.objects.none(),
        empty_label=_("Choose a VPC"),
        widget=forms.Select(attrs=SELECT),
    )
    approval_enabled = forms.BooleanField(
        label=_("Connection approval"),
        required=False,
        help_text=_("When on, every endpoint that connects waits until you accept it."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )
    backend_type = forms.ChoiceField(
        label=_("Backend type"),
        choices=BackendType.choices,
        initial=BackendType.LB,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    backend = forms.ChoiceField(
        label=_("Load balancer"), choices=(), widget=forms.Select(attrs=SELECT)
    )
    description = description_field()

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vpc"].queryset = VPC.objects.restrict(user, CHANGE).filter(project=project)
        self.set_backend_choices(user, project, self.data.get("vpc") or self.initial.get("vpc"))


APPROVAL_OFF_HELP = _(
    "When on, every endpoint that connects waits until you accept it. Turning it off does not "
    "decide pending connections: they stay pending until someone accepts or rejects them."
)


class ServiceEditForm(BackendFieldsMixin, forms.Form):
    """修改 (issue 10): the fields of table 3-2 that can change; the VPC cannot."""

    name = ServiceForm.base_fields["name"]
    description = description_field(rows=3)
    approval_enabled = forms.BooleanField(
        label=_("Connection approval"),
        required=False,
        help_text=APPROVAL_OFF_HELP,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )
    backend_type = ServiceForm.base_fields["backend_type"]
    backend = ServiceForm.base_fields["backend"]
    tcp_proxy = forms.ChoiceField(
        label=_("Client IP pass-through"),
        choices=TcpProxy.choices,
        help_text=_(
            "How the client's address reaches the backend: in a TCP option (TOA), in the PROXY "
            "protocol header, or both. Stored now; effective where the data plane carries the "
            "traffic."
        ),
        widget=forms.Select(attrs=SELECT),
    )
    # 待接受连接自动拒绝 (issue 11): empty = off.
    auto_reject_days = forms.IntegerField(
        label=_("Reject pending connections after (days)"),
        required=False,
        min_value=1,
        max_value=MAX_AUTO_REJECT_DAYS,
        help_text=_(
            "Connections not accepted within this many days are rejected automatically, "
            "recorded as a decision by the system. Leave empty to keep them waiting."
        ),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, service, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": service.name,
                "description": service.description,
                "approval_enabled": service.approval_enabled,
                "backend_type": service.backend_type,
                "backend": str(service.backend.pk) if service.backend else "",
                "tcp_proxy": service.tcp_proxy,
                "auto_reject_days": service.auto_reject_days,
            },
        )
        super().__init__(*args, **kwargs)
        self.service = service
        self.set_backend_choices(user, service.project, service.vpc_id)

    def changes(self, ports: list) -> dict:
        """What the operation is given: every field (it records only what differs)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "approval_enabled": data["approval_enabled"],
            "backend_type": data["backend_type"],
            "backend_id": data["backend"],
            "ports": ports,
            "tcp_proxy": data["tcp_proxy"],
            "auto_reject_days": data["auto_reject_days"],
        }


class PortForm(forms.Form):
    protocol = forms.ChoiceField(
        label=_("Protocol"), choices=Protocol.choices, widget=forms.Select(attrs=SELECT)
    )
    service_port = forms.IntegerField(
        label=_("Service port"),
        min_value=1,
        max_value=65535,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    terminal_port = forms.IntegerField(
        label=_("Terminal port"),
        min_value=1,
        max_value=65535,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def has_changed(self):
        # The protocol select always sends a value: a row without a port is still an empty row.
        return any(name != "protocol" for name in self.changed_data)


PortFormSet = forms.formset_factory(
    PortForm,
    extra=0,
    min_num=1,
    max_num=MAX_PORTS,
    absolute_max=MAX_PORTS,
    validate_min=True,
    validate_max=True,
)


class DescriptionForm(forms.Form):
    """A connection's or a whitelist record's description, edited alone."""

    description = description_field()

    def __init__(self, *args, limit: int = MAX_DESCRIPTION, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"] = description_field(limit)


class PermissionsForm(forms.Form):
    principals = forms.CharField(
        label=_("Authorized account IDs"),
        help_text=_("One per line: iam:domain::<account ID>, or * for every account. At most 50."),
        widget=forms.Textarea(
            attrs={
                "class": "form-control font-monospace",
                "rows": 4,
                "placeholder": "iam:domain::1564ec50ef2a47c791ea5536353ed4b9",
            }
        ),
    )
    description = description_field(MAX_PERMISSION_DESCRIPTION, rows=1)
