"""restrict(user, action): the one place that scopes what a user may see or do (T2).

A model says how it reaches a Project, the scope of every regional resource:
- `scope_path = "project"` on resources: the lookup from the model to its project; or a
  dict {action: (path, ...)} where an action reaches the row through other projects too
  (an endpoint is seen by its owner and by its service's owner, approved only by the latter);
- `scope_from_project = "account"` on models a project points at (Account, Region, Project
  itself with `"pk"`);
- `restrict_q(user, action, project_ids) -> Q` where membership is not the whole rule (an
  endpoint service can be connected to by whitelisted accounts).
Platform operators administer the platform account's projects (the system services) as its
administrators. In tenants' projects they may view everything and, for support, take things
down (SUPPORT: delete a service or an endpoint, disable or delete an access key), which the
tenant's own activity log and the object itself then show. Nothing else: they cannot connect
to a tenant's service without being on its whitelist, nor decide its connections (issue 9,
defect 10). Everyone else may do an action in the projects where their role allows it, and
nothing anywhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import User

VIEW, CHANGE, APPROVE, CONNECT = "view", "change", "approve", "connect"
SUPPORT, OPERATE = "support", "operate"

# Which roles may perform an action. "change": create, edit, tag, delete. "approve": accept
# or reject connections and edit whitelists (T2).
ACTION_ROLES: dict[str, frozenset[str]] = {
    VIEW: frozenset({"admin", "approver", "member"}),
    CHANGE: frozenset({"admin"}),
    APPROVE: frozenset({"admin", "approver"}),
    # Create an endpoint to a service: the service need not be the account's own.
    CONNECT: frozenset({"admin"}),
    # Take down: delete a service or an endpoint, disable or delete an access key.
    SUPPORT: frozenset({"admin"}),
    # Run the platform: decide quota requests, set an account's quotas. Operators only.
    OPERATE: frozenset(),
}
# What a platform operator may do in every account, not only in the platform's own.
OPERATOR_EVERYWHERE = frozenset({VIEW, SUPPORT, OPERATE})


def project_roles(user) -> dict[int, str]:
    """The user's role in each project, {project pk: role}; one query, cached on the user.
    An operator is the administrator of the platform account's projects."""
    cached = getattr(user, "_project_roles", None)
    if cached is None:
        from .models import Membership, Project

        if user.is_operator:
            platform = Project.objects.filter(account_id=user.account_id, account__is_platform=True)
            cached = dict.fromkeys(platform.values_list("pk", flat=True), "admin")
        else:
            memberships = Membership.objects.filter(user_id=user.pk)
            cached = dict(memberships.values_list("project_id", "role"))
        user._project_roles = cached
    return cached


def allowed_project_ids(user, action: str) -> list[int]:
    roles = ACTION_ROLES[action]
    return [pk for pk, role in project_roles(user).items() if role in roles]


def can(user: User, action: str, project_pk: int) -> bool:
    """May the user perform the action in that project?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_operator and action in OPERATOR_EVERYWHERE:
        return True
    return project_roles(user).get(project_pk) in ACTION_ROLES[action]


def require_operator(user, message: str) -> None:
    """Refuse (403) anyone but a platform operator."""
    from django.core.exceptions import PermissionDenied

    if not (user.is_authenticated and user.is_operator):
        raise PermissionDenied(message)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW) -> RestrictedQuerySet:
        """Only the rows the user may perform `action` on (NetBox's contract)."""
        if action not in ACTION_ROLES:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_operator and action in OPERATOR_EVERYWHERE:
            return self.all()
        project_ids = allowed_project_ids(user, action)
        model = self.model
        if hasattr(model, "restrict_q"):  # rules beyond project membership (whitelists)
            return self.filter(model.restrict_q(user, action, project_ids))
        if hasattr(model, "scope_path"):
            paths = model.scope_path
            paths = (paths,) if isinstance(paths, str) else paths.get(action, ())
            condition = models.Q(pk__in=[])
            for path in paths:
                condition |= models.Q(**{f"{path}__in": project_ids})
            return self.filter(condition)
        if hasattr(model, "scope_from_project"):
            from .models import Project

            reachable = Project.objects.filter(pk__in=project_ids).values(model.scope_from_project)
            return self.filter(pk__in=reachable)
        raise TypeError(f"{model.__name__} declares neither scope_path nor scope_from_project")
