"""Reads of hazards and inspections, always through the caller's data scope
(`core.selectors.cases_visible_to`): the ledger, one hazard's facts, and the quarterly and
annual statistics (16号令 Art 14) by grade, industry and unit."""
import dataclasses
import datetime as dt

from django.db.models import Count, Q, QuerySet

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.models import Attachment, Case
from xinfang.core.selectors import case_deadlines, case_get_for, cases_visible_to
from xinfang.orgs.models import DataScope, Unit, User
from xinfang.orgs.selectors import unit_subtree_ids, units_in_scope_of

from .models import (
    VIOLATION_GROUPS,
    Grade,
    Hazard,
    HazardCategory,
    HazardCheck,
    HazardPlan,
    HazardViolation,
    Industry,
    Inspection,
    violation_group,
)

KIND = "hazard"


def hazards_visible_to(*, user: User) -> QuerySet[Hazard]:
    return Hazard.objects.filter(case__in=cases_visible_to(user=user).filter(kind=KIND))


def hazard_case_get_for(*, user: User, number: str) -> Case:
    """A hazard case the user may see; anything else (another kind included) is NotFound."""
    case = case_get_for(user=user, number=number)
    if case.kind != KIND:
        raise NotFound()
    return case


@dataclasses.dataclass
class HazardFilters:
    grade: str | None = None
    status: str | None = None
    industry: str | None = None
    category: str | None = None
    inspection: int | None = None
    unit: Unit | None = None
    is_open: bool | None = None
    overdue: bool | None = None
    found_from: dt.date | None = None
    found_to: dt.date | None = None
    text: str | None = None


def hazards_filter(qs: QuerySet[Hazard], *, filters: HazardFilters) -> QuerySet[Hazard]:
    f = filters
    if f.grade:
        qs = qs.filter(grade=f.grade)
    if f.status:
        qs = qs.filter(case__status=f.status)
    if f.industry:
        qs = qs.filter(industry=f.industry)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.inspection:
        qs = qs.filter(inspection_id=f.inspection)
    if f.unit is not None:
        qs = qs.filter(case__owner_unit_id__in=unit_subtree_ids(unit=f.unit))
    if f.is_open is not None:
        qs = qs.filter(case__is_open=f.is_open)
    if f.overdue:
        qs = qs.filter(case__is_open=True, case__next_due_date__lt=clock.today())
    if f.found_from:
        qs = qs.filter(case__received_date__gte=f.found_from)
    if f.found_to:
        qs = qs.filter(case__received_date__lte=f.found_to)
    if f.text:
        qs = qs.filter(Q(case__title__icontains=f.text) | Q(case__number__icontains=f.text)
                       | Q(enterprise_name__icontains=f.text))
    return qs


def hazards_ledger(qs: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """Rows for the ledger page and export, newest first, with what each row shows."""
    return (qs.select_related("case", "case__owner_unit", "case__place_unit", "inspection", "regulator_unit")
            .prefetch_related("case__hazard_checks", "case__hazard_violations")
            .order_by("-case__received_date", "-case_id"))


def hazard_last_check(hazard: Hazard) -> HazardCheck | None:
    """The latest 验收 / 现场审查 (from the prefetched checks)."""
    checks = sorted(hazard.case.hazard_checks.all(), key=lambda c: (c.checked_on, c.pk))
    return checks[-1] if checks else None


def hazard_violations_text(hazard: Hazard) -> str:
    return "；".join(f"{violation_group(v.kind)}·{v.get_kind_display()}" for v in hazard.case.hazard_violations.all())


def hazard_facts_for(*, user: User, case: Case) -> dict:
    """What the hazard section of the case page shows. The case has been fetched through
    the user's scope already; this reads only its own rows."""
    hazard = (Hazard.objects.select_related("inspection", "regulator_unit").filter(case=case).first())
    if hazard is None:
        raise NotFound()
    plans = list(HazardPlan.objects.filter(case=case).select_related("created_by"))
    violations = list(HazardViolation.objects.filter(case=case))
    groups = [(group, [v for v in violations if v.kind in kinds]) for group, kinds in VIOLATION_GROUPS.items()]
    photos = [a for a in Attachment.objects.filter(case=case).order_by("uploaded_at", "id")
              if a.content_type.startswith("image/")]
    deadlines = [d for d in case_deadlines(case=case) if d["key"].startswith("hazard_")]
    return {
        "hazard": hazard, "plan": plans[-1] if plans else None, "earlier_plans": plans[:-1],
        "checks": list(HazardCheck.objects.filter(case=case).select_related("unit")),
        "violation_groups": [(g, vs) for g, vs in groups if vs], "photos": photos,
        "hazard_deadlines": deadlines,
    }


# --- inspections -------------------------------------------------------------------------

def inspections_visible_to(*, user: User) -> QuerySet[Inspection]:
    """Inspections run by, or covering, a unit in the user's scope."""
    qs = Inspection.objects.all()
    if user.is_superuser or user.data_scope == DataScope.ALL:
        return qs
    if user.unit_id is None:
        return qs.none()
    units = units_in_scope_of(user=user)
    # A campaign covering the district covers the user's street too: scope units above count.
    above = [int(p) for p in user.unit.path.strip("/").split("/") if p]
    return qs.filter(Q(inspecting_unit_id__in=units) | Q(scope_units__in=units)
                     | Q(scope_units__in=above)).distinct()


def inspection_get_for(*, user: User, inspection_id: int) -> Inspection:
    inspection = inspections_visible_to(user=user).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound("未找到该检查，或无权查看。")
    return inspection


def inspection_state(inspection: Inspection, *, today: dt.date | None = None) -> str:
    today = today or clock.today()
    if today < inspection.start_date:
        return "未开始"
    return "进行中" if today <= inspection.end_date else "已结束"


def inspection_summary(*, user: User, inspection: Inspection) -> dict:
    """Counts of the hazards found in an inspection that the user may see (one query)."""
    qs = hazards_visible_to(user=user).filter(inspection=inspection)
    return qs.aggregate(
        total=Count("pk"), major=Count("pk", filter=Q(grade=Grade.MAJOR)),
        closed=Count("pk", filter=Q(case__is_open=False)),
        overdue=Count("pk", filter=Q(case__is_open=True, case__next_due_date__lt=clock.today())))


# --- statistics ------------------------------------------------------------------------

STATS_DIMENSIONS = {"grade": "隐患等级", "industry": "行业领域", "unit": "责任单位", "category": "隐患类别"}


@dataclasses.dataclass(frozen=True)
class StatsPeriod:
    year: int
    quarter: int | None      # None: the whole year

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "全年")


def stats_period_parse(*, year, quarter) -> StatsPeriod:
    """A period from query values; bad ones raise ValidationFailed naming the field."""
    today = clock.today()
    try:
        y = int(year) if year not in (None, "") else today.year
    except (TypeError, ValueError):
        raise ValidationFailed("年份必须是整数。", field="year") from None
    if not 2000 <= y <= 2100:
        raise ValidationFailed("年份超出范围（2000–2100）。", field="year")
    if quarter in (None, "", "0"):
        return StatsPeriod(y, None)
    try:
        q = int(quarter)
    except (TypeError, ValueError):
        raise ValidationFailed("季度必须是 1 至 4。", field="quarter") from None
    if not 1 <= q <= 4:
        raise ValidationFailed("季度必须是 1 至 4。", field="quarter")
    return StatsPeriod(y, q)


def _labels(dimension: str, keys) -> dict:
    if dimension == "grade":
        return dict(Grade.choices)
    if dimension == "industry":
        return dict(Industry.choices)
    if dimension == "category":
        return dict(HazardCategory.choices)
    return dict(Unit.objects.filter(pk__in=[k for k in keys if k is not None]).values_list("pk", "name"))


def hazards_stats(*, user: User, period: StatsPeriod, by: str, unit: Unit | None = None) -> dict:
    """The period's figures per grade / industry / unit / category, in one query: found in
    the period, closed off in it, open at its end (and of those major), overdue now, and the
    rectification rate (closed off among those found in the period)."""
    if by not in STATS_DIMENSIONS:
        raise ValidationFailed(f"统计维度无效，可选：{'、'.join(STATS_DIMENSIONS.values())}。", field="by")
    start, end = period.start, period.end
    qs = hazards_visible_to(user=user).filter(case__received_date__lte=end)
    if unit is not None:
        qs = qs.filter(case__owner_unit_id__in=unit_subtree_ids(unit=unit))
    key = {"grade": "grade", "industry": "industry", "category": "category", "unit": "case__owner_unit_id"}[by]
    found = Q(case__received_date__gte=start)
    closed_in = Q(closed_on__gte=start, closed_on__lte=end)
    open_at_end = Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    rows = list(qs.values(key).annotate(
        found=Count("pk", filter=found),
        found_major=Count("pk", filter=found & Q(grade=Grade.MAJOR)),
        closed=Count("pk", filter=closed_in),
        closed_of_found=Count("pk", filter=found & Q(closed_on__lte=end)),
        open_at_end=Count("pk", filter=open_at_end),
        open_major=Count("pk", filter=open_at_end & Q(grade=Grade.MAJOR)),
        overdue=Count("pk", filter=Q(case__is_open=True, case__next_due_date__lt=clock.today())),
    ).order_by(key))
    labels = _labels(by, [r[key] for r in rows])
    out, total = [], {k: 0 for k in ("found", "found_major", "closed", "closed_of_found", "open_at_end",
                                     "open_major", "overdue")}
    for r in rows:
        if not any(r[k] for k in total):
            continue
        item = {"key": r[key], "label": labels.get(r[key], str(r[key])), **{k: r[k] for k in total}}
        item["rate"] = _rate(r["closed_of_found"], r["found"])
        out.append(item)
        for k in total:
            total[k] += r[k]
    total["rate"] = _rate(total["closed_of_found"], total["found"])
    return {"period": period, "by": by, "by_label": STATS_DIMENSIONS[by], "rows": out, "total": total}


def _rate(part: int, whole: int) -> str | None:
    return f"{100 * part / whole:.1f}%" if whole else None


AGE_BUCKETS = ((0, 7, "7日内"), (8, 30, "8–30日"), (31, 90, "31–90日"), (91, 180, "91–180日"), (181, None, "180日以上"))


def hazards_open_by_age(*, user: User, unit: Unit | None = None, today: dt.date | None = None) -> dict:
    """Open hazards by how long ago they were found, per grade (one query)."""
    today = today or clock.today()
    qs = hazards_visible_to(user=user).filter(case__is_open=True)
    if unit is not None:
        qs = qs.filter(case__owner_unit_id__in=unit_subtree_ids(unit=unit))
    aggregates = {}
    for i, (lo, hi, _) in enumerate(AGE_BUCKETS):
        span = Q(case__received_date__lte=today - dt.timedelta(days=lo))
        if hi is not None:
            span &= Q(case__received_date__gte=today - dt.timedelta(days=hi))
        for grade in Grade.values:
            aggregates[f"b{i}_{grade}"] = Count("pk", filter=span & Q(grade=grade))
    counts = qs.aggregate(**aggregates)
    rows = [{"label": label, **{g: counts[f"b{i}_{g}"] for g in Grade.values},
             "total": sum(counts[f"b{i}_{g}"] for g in Grade.values)} for i, (_, _, label) in enumerate(AGE_BUCKETS)]
    return {"rows": rows, "total": sum(r["total"] for r in rows),
            "grades": list(Grade.choices), "today": today}

