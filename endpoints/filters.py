import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from console.tags.filters import TagFilter
from console.ui.forms import is_uuid
from services.filters import DROPPED_STATUSES, StatusFilter

from .models import Endpoint, EndpointStatus


class EndpointFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("ID, service or address"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("ID, service name or node IP"),
            }
        ),
    )
    # An endpoint never had 已删除; a link made for the services' old filter is no filter here.
    status = StatusFilter(choices=EndpointStatus.choices, dropped=DROPPED_STATUSES)
    tag = TagFilter()

    class Meta:
        model = Endpoint
        fields = ["q", "status", "tag"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(service__service_name__icontains=value)
            | Q(node_ip__startswith=value)
            | Q(domain_name__icontains=value)
        )
        if is_uuid(value):
            condition |= Q(pk=value)
        return queryset.filter(condition)
