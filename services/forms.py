from django import forms
from django.utils.translation import gettext_lazy as _

from console.network.models import VPC, LoadBalancer, Server
from console.tenancy.querysets import CHANGE
from console.ui.forms import is_uuid

from .models import BackendType, Protocol, validate_service_name
from .operations import MAX_PORTS

SELECT = {"class": "form-select"}


class VPCChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}({obj.cidr})"


class ServiceForm(forms.Form):
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

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vpc"].queryset = VPC.objects.restrict(user, CHANGE).filter(project=project)
        vpc_id = self.data.get("vpc") or self.initial.get("vpc")
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
