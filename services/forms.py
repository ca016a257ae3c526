from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import HTML, Div, Field
from django import forms
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from console.network.models import VPC, LoadBalancer, Server
from console.tenancy.querysets import CHANGE
from console.ui.forms import FieldWithList, RowFormSet, form_helper, is_uuid, vpc_field

from .models import BackendType, Protocol, TcpProxy, validate_service_name
from .operations import (
    MAX_AUTO_REJECT_DAYS,
    MAX_DESCRIPTION,
    MAX_PERMISSION_DESCRIPTION,
    MAX_PORTS,
    MAX_PRINCIPALS,
)


def approval_switch() -> Field:
    """连接审批 as a switch that says it is one (the pack's Switch makes it role=checkbox)."""
    return Field("approval_enabled", wrapper_class="form-switch", role="switch")


def on_change(url: str, **attrs) -> dict:
    """htmx attributes of a choice that re-renders the form's fields (#service-form-fields)
    with what was typed so far: the backend list follows the VPC and the backend type."""
    return {
        "hx_get": url,
        "hx_include": "closest form",
        "hx_target": "#service-form-fields",
        "hx_select": "#service-form-fields",
        "hx_swap": "outerHTML",
        "hx_trigger": "change",
        **attrs,
    }


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
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class BackendFieldsMixin:
    """The backend type radios and the backend list that follows them (and the VPC), with
    查看负载均衡 (or 查看云服务器): the list shown in place."""

    def set_backend_choices(self, user, project, vpc_id) -> None:
        backend_type = (
            self.data.get("backend_type") or self.initial.get("backend_type") or BackendType.LB
        )
        self.is_server = backend_type == BackendType.VM
        model = Server if self.is_server else LoadBalancer
        backends = model.objects.restrict(user, CHANGE).filter(project=project)
        self.backends = list(backends.filter(vpc_id=vpc_id)) if is_uuid(vpc_id) else []
        field = self.fields["backend"]
        field.label = _("Server") if self.is_server else _("Load balancer")
        field.choices = [
            ("", _("Choose a VPC first") if not is_uuid(vpc_id) else _("Choose one"))
        ] + [(str(b.pk), f"{b.name} ({b.ip_address})") for b in self.backends]
        hint = gettext(
            "The backend's security group must allow inbound traffic from 198.19.128.0/20."
        )
        if not self.is_server:
            hint += " " + gettext(
                "Behind a load balancer, the service cannot see the real client address."
            )
        self.fields["backend_type"].help_text = hint

    def backend_layout(self, url: str) -> list:
        return [
            Div(InlineRadios("backend_type"), **on_change(url)),  # a radio's change bubbles up
            FieldWithList(
                "backend",
                link=_("View servers") if self.is_server else _("View load balancers"),
                columns=(_("Name"), _("IP address")),
                rows=lambda form: [(b.name, b.ip_address) for b in form.backends],
                empty=_("None in this VPC."),
            ),
        ]


class ServiceForm(BackendFieldsMixin, forms.Form):
    """Table 3-2. Choices come through restrict(); the operation checks everything again."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        help_text=_("Optional. At most 16 characters: letters, digits, '_' and '-'."),
        # The length is the name rule's too: no second, Django-worded message beside it; the
        # browser still stops at 16 characters.
        validators=[validate_service_name],
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 16}),
    )
    vpc = VPCChoiceField(label=_("VPC"), queryset=VPC.objects.none(), empty_label=_("Choose a VPC"))
    approval_enabled = forms.BooleanField(
        label=_("Connection approval"),
        required=False,
        help_text=_("When on, every endpoint that connects waits until you accept it."),
    )
    backend_type = forms.ChoiceField(
        label=_("Backend type"),
        choices=BackendType.choices,
        initial=BackendType.LB,
        widget=forms.RadioSelect,
    )
    backend = forms.ChoiceField(label=_("Load balancer"), choices=())
    description = description_field()

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vpc"].queryset = VPC.objects.restrict(user, CHANGE).filter(project=project)
        self.set_backend_choices(user, project, self.data.get("vpc") or self.initial.get("vpc"))
        url = reverse("services:create")
        # The card of table 3-2's fields, then (after the port mappings) the backend's.
        self.helper = form_helper(
            "name",
            vpc_field(**on_change(url)),
            HTML('{% include "services/_service_type.html" %}'),
            approval_switch(),
            "description",
        )
        self.backend_helper = form_helper(*self.backend_layout(url))


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
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
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
        # "Verify" is the endpoint wizard's button, named as it reads in the user's language.
        self.fields["name"].help_text = gettext(
            "The full name is ‹region›.‹name›.‹ID›; now %(name)s. Endpoints already connected keep "
            "working after a rename, but looking the service up (%(verify)s) by its old full name "
            "no longer finds it."
        ) % {  # the pack shows help text unescaped
            "name": escape(service.service_name),
            "verify": escape(gettext("Verify")),
        }
        self.helper = form_helper(
            "name", approval_switch(), "auto_reject_days", "tcp_proxy", "description"
        )
        self.backend_helper = form_helper(
            *self.backend_layout(reverse("services:edit", args=[service.pk]))
        )

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
    protocol = forms.ChoiceField(label=_("Protocol"), choices=Protocol.choices)
    service_port = forms.IntegerField(
        label=_("Service port"),
        min_value=1,
        max_value=65535,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    terminal_port = forms.IntegerField(
        label=_("Terminal port"),
        min_value=1,
        max_value=65535,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def has_changed(self):
        # The protocol select always sends a value: a row without a port is still an empty row.
        return any(name != "protocol" for name in self.changed_data)


PortFormSet = forms.formset_factory(
    PortForm,
    formset=RowFormSet,
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
        self.helper = form_helper("description")


class PrincipalForm(forms.Form):
    """A row of the 添加白名单记录 dialog: one 授权账号ID (an empty row is ignored); the
    operation checks each and names a bad one at its row."""

    row_labels = {"principal": _("Authorized account ID %(n)d")}

    principal = forms.CharField(
        label=_("Authorized account ID"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "class": "font-monospace",
                "autocomplete": "off",
                "placeholder": "iam:domain::1564ec50ef2a47c791ea5536353ed4b9",
            }
        ),
    )


# One empty row to start with, as the manual's dialog; "+ 继续添加" adds more, up to 50.
PrincipalFormSet = forms.formset_factory(
    PrincipalForm,
    formset=RowFormSet,
    extra=1,
    max_num=MAX_PRINCIPALS,
    absolute_max=MAX_PRINCIPALS,
    validate_max=True,
)


class PermissionsForm(forms.Form):
    """The 添加白名单记录 dialog's description, one for the records added together."""

    description = description_field(MAX_PERMISSION_DESCRIPTION, rows=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = " ".join(
            (
                gettext(
                    "One description for the records added together; each can be edited later."
                ),
                str(self.fields["description"].help_text),
            )
        )
        self.helper = form_helper("description", horizontal=False)
