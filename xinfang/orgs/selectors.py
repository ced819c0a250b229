"""Reads of the unit tree."""
from django.db.models import QuerySet

from .models import Unit


def unit_subtree_ids(*, unit: Unit) -> QuerySet:
    """The ids of a unit and every unit below it, as a subquery. Filtering cases by
    `unit_id IN (this)` uses the (unit, case) indexes; a LIKE on a stored path cannot."""
    return Unit.objects.filter(path__startswith=unit.path).values("id")


def units_active() -> list[Unit]:
    """Every active unit in tree order (a parent before its children), with the fields a
    unit picker and a unit filter read."""
    return list(Unit.objects.filter(is_active=True).only("pk", "name", "depth", "path", "level", "parent_id")
                .order_by("path"))
