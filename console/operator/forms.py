import re

from crispy_forms.layout import Column, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import Region
from console.ui.forms import CHOOSE_ONE, form_helper
from services.models import ServiceType
from services.operations import Port


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
