"""The current region and project of a request (T3), kept in the session."""

from __future__ import annotations

from functools import cached_property

from .models import Project, Region
from .querysets import VIEW

SESSION_KEY = "project_id"


def selectable_projects(user) -> list[Project]:
    """Projects the user can switch to: their account's own ones where they hold a role;
    for operators, the platform account's project in every region."""
    if not user.is_authenticated:
        return []
    if user.is_operator:
        queryset = Project.objects.filter(account_id=user.account_id)
    else:
        queryset = Project.objects.restrict(user, VIEW)
    return list(queryset.select_related("region", "account"))


class Tenancy:
    """request.tenancy: the projects a user can choose from and the one chosen.

    Nothing is queried until a view or template asks."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def projects(self) -> list[Project]:
        return selectable_projects(self.request.user)

    @cached_property
    def project(self) -> Project | None:
        """The project named in the session if the user may use it, else the default region's."""
        if not self.projects:
            return None
        chosen = self.request.session.get(SESSION_KEY)
        for project in self.projects:
            if project.project_id == chosen:
                return project
        # An unknown, stale or forged value falls back to the default region.
        return next((p for p in self.projects if p.region.is_default), self.projects[0])

    @property
    def region(self) -> Region | None:
        return self.project.region if self.project else None

    def select(self, project: Project) -> None:
        self.request.session[SESSION_KEY] = project.project_id
        self.__dict__["project"] = project
