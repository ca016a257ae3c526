from django import forms
from django.utils.translation import gettext_lazy as _

from console.ui.forms import form_helper


class AccessKeyForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        max_length=255,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("description", horizontal=False)
