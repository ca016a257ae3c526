from django import forms
from django.utils.translation import gettext_lazy as _


class AccessKeyForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
