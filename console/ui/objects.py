"""Fetching one object for a user: the 404-or-403 contract every view follows (T2)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from console.tenancy.querysets import VIEW


def get_object_for(user, queryset: models.QuerySet, action: str = VIEW, **lookup) -> models.Model:
    """The object if the user may perform `action` on it.

    Another account's object, or a forged ID, is a 404 (its existence is not revealed);
    an object the user can see but whose action their role lacks is a 403.
    """
    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        if action != VIEW:
            visible = queryset.restrict(user, VIEW).filter(**lookup)
            # Only asking whether it exists: no lock (PostgreSQL refuses FOR UPDATE on the
            # nullable side of the outer joins a two-sided scope makes).
            visible.query.select_for_update = False
            if visible.exists():
                raise PermissionDenied from None
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None
