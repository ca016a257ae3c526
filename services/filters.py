import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.tags.filters import TagFilter

from .models import EndpointService, ServiceStatus


class LenientChoiceField(django_filters.fields.ChoiceField):
    """A status a list no longer offers (an old bookmark's ?status=deleted) is no filter rather
    than an error above an empty list (issue 12); any other unknown value is still an error."""

    def __init__(self, *args, dropped=(), **kwargs):
        self.dropped = frozenset(dropped)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        return super().clean("" if value in self.dropped else value)


class StatusFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField

    def __init__(self, *, choices, dropped=(), **kwargs):
        kwargs.setdefault("label", _("Status"))
        kwargs.setdefault("empty_label", _("All statuses"))
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(choices=choices, dropped=dropped, **kwargs)


# Deleted services are gone from the database (no retention), so the list never shows one.
LISTED_STATUSES = [(v, label) for v, label in ServiceStatus.choices if v != ServiceStatus.DELETED]
DROPPED_STATUSES = (ServiceStatus.DELETED.value,)


class ServiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Name, ID or description"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("Name, ID or description"),
            }
        ),
    )
    status = StatusFilter(choices=LISTED_STATUSES, dropped=DROPPED_STATUSES)
    tag = TagFilter()

    class Meta:
        model = EndpointService
        fields = ["q", "status", "tag"]

    def search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(
                Q(service_name__icontains=value)
                | Q(name__icontains=value)
                | Q(description__icontains=value)
            )
            if value
            else queryset
        )
