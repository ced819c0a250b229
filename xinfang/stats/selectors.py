"""Which figures a user may read: statistics are aggregates, but a unit's figures still
belong to its own government's area. A user sees the area of their unit's jurisdiction
(a 信访局 reads its whole district); a user whose scope is everything sees every unit."""
import datetime as dt

from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import DataScope, Unit, User

from .indicators import KIND, Scope, indicator_cases


def stats_area_for(*, user: User) -> Unit | None:
    """The top unit whose subtree the user may read figures of; None means all units."""
    if user.is_superuser or user.data_scope == DataScope.ALL:
        return None
    if user.unit is None:
        raise NotFound("您没有所属单位，无法查看统计。")
    return user.unit.jurisdiction() if user.data_scope == DataScope.SUBTREE else user.unit


def stats_units_for(*, user: User) -> list[Unit]:
    area = stats_area_for(user=user)
    qs = Unit.objects.filter(is_active=True)
    if area is not None:
        qs = qs.filter(path__startswith=area.path)
    return list(qs.order_by("path"))


def stats_scope_for(*, user: User, start: dt.date | None, end: dt.date | None, unit_id: int | None,
                    today: dt.date, kind: str = KIND) -> Scope:
    """The scope a user asked for, checked: a unit outside their area answers 'not found'.
    No dates: this year to date."""
    start = start or today.replace(month=1, day=1)
    end = end or today
    if (end - start).days > 366 * 5:
        raise ValidationFailed("统计期间不能超过五年。", field="end")
    area = stats_area_for(user=user)
    unit = area
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or (area is not None and not unit.is_within(area)):
            raise NotFound("单位不存在，或不在您可查看的范围内。")
    return Scope(start=start, end=end, unit=unit, kind=kind)


def indicator_cases_for(*, user: User, key: str, scope: Scope, part: str):
    """The cases behind a figure that this user may open (a figure may count cases the
    user sees only in aggregate)."""
    return indicator_cases(key=key, scope=scope, part=part).filter(
        pk__in=cases_visible_to(user=user).values("pk"))


def assessment_units_for(*, user: User, area: Unit | None) -> list[Unit]:
    """The units ranked against each other: those directly under the area (a district's
    streets, departments and bureau), or, for the whole system, the top units' children."""
    top = area or Unit.objects.filter(parent__isnull=True, is_active=True).order_by("path").first()
    if top is None:
        return []
    return list(Unit.objects.filter(parent=top, is_active=True).order_by("path"))
