from crispy_forms.bootstrap import StrictButton
from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from console.ui.forms import RowFormSet, form_helper

from .models import MAX_TAGS


class TagForm(forms.Form):
    key = forms.CharField(
        label=_("Tag key"),
        max_length=36,
        widget=forms.TextInput(attrs={"list": "predefined-tag-keys", "autocomplete": "off"}),
    )
    value = forms.CharField(
        label=_("Tag value"),
        max_length=43,
        required=False,
        widget=forms.TextInput(attrs={"list": "predefined-tag-values", "autocomplete": "off"}),
    )

    def __init__(self, *args, button=None, **kwargs):
        """With a `button` label: key, value and the submit button on one line (the tag tab's
        添加, 预定义标签's 创建); without: one field a line (修改预定义标签)."""
        super().__init__(*args, **kwargs)
        if button is None:
            self.helper = form_helper("key", "value")
            return
        submit = StrictButton(button, type="submit", css_class="btn-primary mb-3")
        self.helper = form_helper(
            Row(
                Column("key", css_class="col-sm-4"),
                Column("value", css_class="col-sm-4"),
                Column(submit, css_class="col-sm-4 d-flex align-items-end"),
                css_class="g-2",
            ),
            horizontal=False,
        )


TagFormSet = forms.formset_factory(
    TagForm,
    formset=RowFormSet,
    extra=0,
    max_num=MAX_TAGS,
    absolute_max=MAX_TAGS,
    validate_max=True,
)
