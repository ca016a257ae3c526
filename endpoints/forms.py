import uuid

from crispy_bootstrap5.bootstrap5 import Switch
from crispy_forms.bootstrap import FieldWithButtons, InlineRadios, StrictButton
from crispy_forms.layout import HTML, Div, Field
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from console.network.models import VPC, RouteTable, Subnet
from console.tenancy.querysets import CHANGE
from console.ui.forms import cleaned_or_none, form_helper, is_uuid, vpc_field
from services.forms import VPCChoiceField
from services.models import EndpointService, ServiceType
from services.operations import MAX_DESCRIPTION

from .operations import cloud_services, find_service
from .policy import load_json, parse_whitelist_text, policy_text

CLOUD, BY_NAME = "cloud", "name"

# A choice that changes other fields re-renders the wizard's fields in place (htmx).
REFRESH = {
    "hx_include": "closest form",
    "hx_target": "#endpoint-form-fields",
    "hx_select": "#endpoint-form-fields",
    "hx_swap": "outerHTML",
}
CREATE_URL = reverse_lazy("endpoints:create")
ON_CHANGE = {"hx_get": CREATE_URL, "hx_trigger": "change", **REFRESH}


def hx(**attrs) -> str:
    """htmx attributes (hx_get=... -> hx-get="...") for a control a template writes itself."""
    return flatatt({name.replace("_", "-"): str(value) for name, value in attrs.items()})


class ServicePicker(Field):
    """选择服务 (figure 4-1): the region's cloud services as a table of radios, with the type
    filter, the name search with 搜索 and 清除, and 当前选择."""

    template = "endpoints/_service_picker.html"

    def __init__(self, name, *buttons, **kwargs):
        super().__init__(name, **kwargs)
        self.buttons = buttons

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        extra_context = {
            **(extra_context or {}),
            "buttons": format_html_join(
                "", "{}", ((b.render(form, context, template_pack),) for b in self.buttons)
            ),
            "on_change": hx(**ON_CHANGE),
            "on_input": hx(**{**ON_CHANGE, "hx_trigger": "input changed delay:400ms"}),
        }
        return super().render(form, context, template_pack, extra_context, **kwargs)


def refresh_button(label, action: str, css_class: str = "btn-outline-primary") -> StrictButton:
    """A submit button of the wizard that re-renders its fields (验证, 搜索, 清除); without
    JavaScript it posts the whole form with `_action`."""
    return StrictButton(
        label,
        type="submit",
        name="_action",
        value=action,
        formnovalidate="",
        css_class=css_class,
        hx_post=CREATE_URL,
        **REFRESH,
    )


class EndpointForm(forms.Form):
    """Tables 4-2 and 4-3. Choices come through restrict(); the operation checks them again."""

    category = forms.ChoiceField(
        label=_("Service category"),
        choices=[(CLOUD, _("Cloud service")), (BY_NAME, _("Find a service by name"))],
        initial=CLOUD,
        widget=forms.RadioSelect,
    )
    service = forms.ChoiceField(label=_("Select service"), required=False, widget=forms.RadioSelect)
    service_name = forms.CharField(
        label=pgettext_lazy("find a service by name", "Service name"),
        required=False,
        max_length=128,
        help_text=_("The full name of the service, as its owner gives it: {region}.{name}.{id}."),
        widget=forms.TextInput(
            attrs={
                "class": "font-monospace",
                "autocomplete": "off",
                "placeholder": "cn-gzt.name.00000000-0000-0000-0000-000000000000",
            }
        ),
    )
    private_dns = forms.BooleanField(
        label=_("Create a private domain name"),
        required=False,
        help_text=_("Reach the endpoint by a domain name as well as by its node IP."),
    )
    vpc = VPCChoiceField(label=_("VPC"), queryset=VPC.objects.none(), empty_label=_("Choose a VPC"))
    subnet = forms.ChoiceField(label=_("Subnet"), required=False)
    route_tables = forms.MultipleChoiceField(
        label=_("Route tables"), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=pgettext_lazy("endpoint", "Description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        help_text=_("Optional. At most 512 characters, without < or >."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    request_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.project = user, project
        if not self.is_bound and not self.initial.get("request_id"):
            self.initial["request_id"] = uuid.uuid4()
        self.cloud_services = self._cloud_services()
        self.fields["service"].choices = [(str(s.pk), s.service_name) for s in self.cloud_services]
        self.fields["vpc"].queryset = VPC.objects.restrict(user, CHANGE).filter(project=project)
        self.chosen_service = self._chosen_service()
        vpc_id = self._value("vpc")
        vpc_id = vpc_id if is_uuid(vpc_id) else None
        subnets = (
            Subnet.objects.restrict(user, CHANGE).filter(project=project, vpc_id=vpc_id)
            if vpc_id
            else Subnet.objects.none()
        )
        self.fields["subnet"].choices = [
            ("", _("Choose a subnet") if vpc_id else _("Choose a VPC first"))
        ] + [(str(s.pk), f"{s.name}({s.cidr})") for s in subnets]
        tables = (
            RouteTable.objects.restrict(user, CHANGE).filter(project=project, vpc_id=vpc_id)
            if vpc_id
            else RouteTable.objects.none()
        )
        self.fields["route_tables"].choices = [(str(t.pk), t.name) for t in tables]
        self.helper = form_helper(*self._layout())

    def _layout(self) -> list:
        """The fields this state of the wizard shows, in the manual's order (figure 4-1)."""
        if self._value("category") == BY_NAME:
            service = [
                FieldWithButtons("service_name", refresh_button(_("Verify"), "verify")),
                HTML('{% include "endpoints/_verify_result.html" %}'),
            ]
        else:
            service = [
                ServicePicker(
                    "service",
                    refresh_button(_("Search"), "search", "btn-sm btn-outline-primary"),
                    refresh_button(_("Clear"), "clear", "btn-sm btn-outline-secondary"),
                )
            ]
        chosen = self.chosen_service
        if chosen is not None and chosen.service_type == ServiceType.GATEWAY:
            self.fields["route_tables"].help_text = _(
                "A route for %(prefix)s to the endpoint is added to each chosen route table."
            ) % {"prefix": chosen.route_prefix}
            network = ["route_tables"]
        else:
            network = ["subnet"]
        return [
            Div(InlineRadios("category"), **ON_CHANGE),  # a radio's change bubbles up here
            *service,
            *(["private_dns"] if chosen is not None and not self.is_gateway else []),
            vpc_field(**ON_CHANGE),
            *network,
            "description",
        ]

    def _value(self, name):
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def _cloud_services(self):
        """The region's cloud services, filtered by type and name as the picker asks."""
        services = cloud_services(self.user, self.project).select_related("project__account")
        kind = self.data.get("service_type", "")
        query = cleaned_or_none(forms.CharField(required=False, max_length=128), self.data.get("q"))
        query = query or ""  # a term the field refuses (a NUL byte) is ignored
        self.picker = {"service_type": kind, "q": query}
        if kind in ServiceType.values:
            services = services.filter(service_type=kind)
        if query:
            services = services.filter(service_name__icontains=query)
        return list(services.order_by("service_name"))

    def _chosen_service(self) -> EndpointService | None:
        if self._value("category") == BY_NAME:
            name = cleaned_or_none(self.fields["service_name"], self._value("service_name"))
            return find_service(self.user, self.project, name) if name else None
        chosen = self._value("service")
        return next((s for s in self.cloud_services if str(s.pk) == chosen), None)

    def clean(self):
        # Say at once what is missing; whether the service may be used is the operation's call.
        data = super().clean()
        if data.get("category") == BY_NAME and not (data.get("service_name") or "").strip():
            self.add_error("service_name", _("Enter the full name of the service, then verify it."))
        elif data.get("category") == CLOUD and not data.get("service"):
            self.add_error("service", _("Choose a cloud service."))
        return data

    @property
    def is_gateway(self) -> bool:
        return (
            self.chosen_service is not None
            and self.chosen_service.service_type == ServiceType.GATEWAY
        )

    def request(self) -> dict:
        """The operation's arguments from the cleaned form."""
        data = self.cleaned_data
        return {
            "service_id": self.chosen_service.pk if self.chosen_service else None,
            "vpc_id": data["vpc"].pk,
            "subnet_id": data.get("subnet") or None,
            "route_table_ids": (data.get("route_tables") or []) if self.is_gateway else [],
            "private_dns": data.get("private_dns", False),
            "description": data.get("description", ""),
        }


class EndpointEditForm(forms.Form):
    """修改: what can change after creation, by the endpoint's type; the operation checks it
    all again (update_endpoint)."""

    description = EndpointForm.base_fields["description"]
    route_tables = forms.MultipleChoiceField(
        label=_("Route tables"),
        required=False,
        help_text=_(
            "The service's route is added to each ticked table and removed from the others."
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    private_dns = forms.BooleanField(
        label=_("Private domain name"),
        required=False,
        help_text=_(
            "On: a name in the VPC's private zone resolves to the node IP. Off: the name is removed."
        ),
    )
    enable_whitelist = forms.BooleanField(
        label=pgettext_lazy("endpoint", "Access control"),
        required=False,
        help_text=_("On: only the sources on the whitelist below can use the endpoint."),
    )
    whitelist = forms.CharField(
        label=pgettext_lazy("endpoint", "Whitelist"),
        required=False,
        max_length=2000,
        help_text=_("One IPv4 address or CIDR block per line, e.g. 192.168.0.0/24. At most 20."),
        widget=forms.Textarea(
            attrs={"class": "font-monospace", "rows": 4, "placeholder": "192.168.0.0/24"}
        ),
    )

    def __init__(self, *args, endpoint, user, **kwargs):
        if not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "description": endpoint.description,
                "route_tables": [str(t.pk) for t in endpoint.route_tables.all()],
                "private_dns": endpoint.private_dns,
                "enable_whitelist": endpoint.enable_whitelist,
                "whitelist": "\n".join(endpoint.whitelist),
            }
        super().__init__(*args, **kwargs)
        if endpoint.service.service_type == ServiceType.GATEWAY:
            for name in ("private_dns", "enable_whitelist", "whitelist"):
                del self.fields[name]
            tables = RouteTable.objects.restrict(user, CHANGE).filter(vpc=endpoint.vpc_id)
            self.fields["route_tables"].choices = [(str(t.pk), t.name) for t in tables]
            self.fields["route_tables"].help_text = _(
                "A route for %(prefix)s to the endpoint is added to each ticked route table and "
                "removed from the others."
            ) % {"prefix": endpoint.service.route_prefix}
            layout = ("description", "route_tables")
        else:
            del self.fields["route_tables"]
            layout = ("description", Switch("private_dns"), Switch("enable_whitelist"), "whitelist")
        self.helper = form_helper(*layout)

    def changes(self) -> dict:
        """update_endpoint()'s arguments from the cleaned form."""
        data = dict(self.cleaned_data)
        if "route_tables" in data:
            data["route_table_ids"] = data.pop("route_tables")
        if "whitelist" in data:
            data["whitelist"] = parse_whitelist_text(data["whitelist"])
        return data


class PolicyForm(forms.Form):
    """策略: the policy_statement list as JSON; set_endpoint_policy() checks the statements."""

    policy_statement = forms.CharField(
        label=_("Policy (JSON)"),
        max_length=20000,
        help_text=_(
            'A list of statements: {"Effect": "Allow" or "Deny", "Action": [...], '
            '"Resource": [...]}, with "Condition" and "Sid" if needed.'
        ),
        widget=forms.Textarea(attrs={"class": "font-monospace", "rows": 14}),
    )

    def __init__(self, *args, endpoint=None, **kwargs):
        if not args and endpoint is not None:
            kwargs["initial"] = {"policy_statement": policy_text(endpoint.policy_statement)}
        super().__init__(*args, **kwargs)
        self.helper = form_helper("policy_statement", horizontal=False)

    def clean_policy_statement(self):
        value = load_json(self.cleaned_data["policy_statement"])
        if isinstance(value, dict) and set(value) == {"policy_statement"}:  # an API body pasted
            value = value["policy_statement"]
        return value
