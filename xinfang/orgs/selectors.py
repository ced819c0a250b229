"""Reads of the unit tree."""
from django.db.models import QuerySet

from .models import DataScope, Unit, User


def unit_subtree_ids(*, unit: Unit) -> QuerySet:
    """The ids of a unit and every unit below it, as a subquery (or, iterated, the ids).
    Filtering cases by `unit_id IN (this)` uses the (unit, case) indexes; a LIKE on a stored
    path cannot."""
    return Unit.objects.filter(path__startswith=unit.path).values_list("id", flat=True)


def units_in_scope_of(*, user: User) -> QuerySet | list[int] | None:
    """The ids of the units whose matters the user sees, by the user's data scope: None for
    every unit (DataScope.ALL, or a superuser), none without a unit, the unit and those below
    it (SUBTREE, as a subquery), else the unit alone."""
    if user.is_superuser or user.data_scope == DataScope.ALL:
        return None
    if user.unit_id is None:
        return []
    if user.data_scope == DataScope.SUBTREE:
        return unit_subtree_ids(unit=user.unit)
    return [user.unit_id]


def units_active() -> list[Unit]:
    """Every active unit in tree order (a parent before its children), with the fields a
    unit picker and a unit filter read."""
    return list(Unit.objects.filter(is_active=True).only("pk", "name", "depth", "path", "level", "parent_id")
                .order_by("path"))
