from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_TAGS


class TagForm(forms.Form):
    key = forms.CharField(
        label=_("Tag key"),
        max_length=36,
        widget=forms.TextInput(
            attrs={"class": "form-control", "list": "predefined-tag-keys", "autocomplete": "off"}
        ),
    )
    value = forms.CharField(
        label=_("Tag value"),
        max_length=43,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "list": "predefined-tag-values", "autocomplete": "off"}
        ),
    )


TagFormSet = forms.formset_factory(
    TagForm, extra=0, max_num=MAX_TAGS, absolute_max=MAX_TAGS, validate_max=True
)
