from django import template

register = template.Library()


@register.simple_tag
def widget(field):
    """A form field's widget, marked invalid (Bootstrap's is-invalid) when it has errors.
    Django itself adds aria-invalid and aria-describedby for the errors and help text."""
    if not field.errors:
        return field.as_widget()
    css = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{css} is-invalid".strip()})
