"""操作日志: who changed what, when, before and after (issue: audit; Q2)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from console.tenancy.querysets import VIEW, project_roles
from console.ui.views import ObjectListView

from .filters import AuditFilterSet
from .models import AuditRecord
from .tables import AuditTable


class ActivityLogView(ObjectListView):
    """Operators: every account. Account administrators: their account. Approvers: the
    decisions on their services. Members: not allowed (403)."""

    queryset = AuditRecord.objects.select_related("account", "project__region")
    filterset_class = AuditFilterSet
    table_class = AuditTable
    title = _("Activity log")

    def dispatch(self, request, *args, **kwargs):
        if not (
            request.user.is_operator
            or set(project_roles(request.user).values()) & {"admin", "approver"}
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, VIEW)  # every region of the account

    def get_table_kwargs(self) -> dict:
        return {} if self.request.user.is_operator else {"exclude": ["account"]}
