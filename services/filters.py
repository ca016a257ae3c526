import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.tags.filters import TagFilter

from .models import EndpointService, ServiceStatus


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
    status = django_filters.ChoiceFilter(
        choices=ServiceStatus.choices,
        label=_("Status"),
        empty_label=_("All statuses"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
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
