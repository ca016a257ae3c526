import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ACTION_LABELS, AuditRecord

CONTROL = {"class": "form-control"}


class AuditFilterSet(django_filters.FilterSet):
    """Who, what, when, which resource (and whose, for operators)."""

    who = django_filters.CharFilter(
        field_name="actor_name",
        lookup_expr="icontains",
        label=_("User"),
        widget=forms.TextInput(attrs={**CONTROL, "type": "search"}),
    )
    what = django_filters.ChoiceFilter(
        field_name="action",
        label=_("Action"),
        empty_label=_("All actions"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={**CONTROL, "type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={**CONTROL, "type": "date"}),
    )
    resource = django_filters.CharFilter(
        method="search_resource",
        label=_("Resource"),
        widget=forms.TextInput(attrs={**CONTROL, "type": "search"}),
    )
    account = django_filters.CharFilter(
        field_name="account__name",
        lookup_expr="icontains",
        label=_("Account"),
        widget=forms.TextInput(attrs={**CONTROL, "type": "search"}),
    )

    class Meta:
        model = AuditRecord
        fields = ["who", "what", "since", "until", "resource", "account"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["what"].extra["choices"] = list(ACTION_LABELS.items())
        if request is not None and not request.user.is_operator:
            del self.filters["account"]

    def search_resource(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(resource_id__icontains=value) | Q(resource_name__icontains=value))
            if value
            else queryset
        )
