import re

from crispy_forms.bootstrap import InlineCheckboxes
from django import forms
from django.utils.translation import gettext_lazy as _

from console.ui.forms import form_helper
from endpoints.models import ConnectionEventKind

from .operations import MAX_URL

# The manual's words for the events a subscription can choose.
EVENT_CHOICES = [
    (ConnectionEventKind.REQUESTED, _("Connection requested")),
    (ConnectionEventKind.ACCEPTED, _("Accepted")),
    (ConnectionEventKind.REJECTED, _("Rejected")),
    (ConnectionEventKind.DELETED, _("Deleted")),
]


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label=_("Callback URL"),
        required=False,
        max_length=MAX_URL,
        help_text=_("An http:// or https:// URL that receives a signed JSON POST per event."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    emails = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=2000,
        help_text=_("One or more addresses, separated by commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_CHOICES,
        initial=[value for value, _label in EVENT_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of the events.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("url", "emails", InlineCheckboxes("events"))

    def clean_emails(self) -> list[str]:
        return [e for e in re.split(r"[\s,;，；]+", self.cleaned_data["emails"]) if e]
