from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import Account, Region
from console.ui.forms import CHOOSE_ONE, form_helper

from .limits import DEFAULT_LIMITS, RESOURCE_LABELS

RESOURCES = [(key, RESOURCE_LABELS[key]) for key in DEFAULT_LIMITS]


class QuotaRequestForm(forms.Form):
    project_id = forms.ChoiceField(label=_("Region"))
    resource = forms.ChoiceField(label=_("Resource"), choices=RESOURCES)
    wanted = forms.IntegerField(label=_("Wanted quota"), min_value=1, max_value=100000)
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_id"].choices = [
            (p.project_id, f"{p.region.name} ({p.region.code})") for p in projects
        ]
        self.helper = form_helper(
            Row(
                *(
                    Column(name, css_class="col-md-4")
                    for name in ("project_id", "resource", "wanted")
                )
            ),
            "reason",
            horizontal=False,
        )


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
        empty_label=CHOOSE_ONE,
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), empty_label=CHOOSE_ONE
    )
    resource = forms.ChoiceField(label=_("Resource"), choices=RESOURCES)
    limit = forms.IntegerField(label=_("Quota"), min_value=0, max_value=100000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Row(*(Column(name) for name in self.fields)), horizontal=False)
