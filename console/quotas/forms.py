from django import forms
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import Account, Region

from .limits import DEFAULT_LIMITS, RESOURCE_LABELS

RESOURCES = [(key, RESOURCE_LABELS[key]) for key in DEFAULT_LIMITS]


class QuotaRequestForm(forms.Form):
    project_id = forms.ChoiceField(
        label=_("Region"), widget=forms.Select(attrs={"class": "form-select"})
    )
    resource = forms.ChoiceField(
        label=_("Resource"), choices=RESOURCES, widget=forms.Select(attrs={"class": "form-select"})
    )
    wanted = forms.IntegerField(
        label=_("Wanted quota"),
        min_value=1,
        max_value=100000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_id"].choices = [
            (p.project_id, f"{p.region.name} ({p.region.code})") for p in projects
        ]


class DecisionForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class QuotaLimitForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=Account.objects.filter(is_platform=False),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    resource = forms.ChoiceField(
        label=_("Resource"), choices=RESOURCES, widget=forms.Select(attrs={"class": "form-select"})
    )
    limit = forms.IntegerField(
        label=_("Quota"),
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
