"""Reads of emergency events, always through the caller's data scope
(`core.selectors.cases_visible_to`): the ledger and its filters, one event's facts and
reports, the overdue first reports supervision follows, and the statistics by type and
grade with casualty totals."""
import dataclasses
import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.errors import NotFound
from xinfang.core.models import Case
from xinfang.core.selectors import case_get_for, cases_visible_to
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit, User
from xinfang.orgs.selectors import unit_subtree_ids

from .models import (
    FIGURES,
    GRADE_ORDER,
    GRADE_SHORT,
    Category,
    Emergency,
    EmergencyReport,
    EventType,
    Grade,
    ReportKind,
    figures_text,
    type_category,
)

KIND = "emergency"


def emergencies_visible_to(*, user: User) -> QuerySet[Emergency]:
    return Emergency.objects.filter(case__in=cases_visible_to(user=user).filter(kind=KIND))


def emergency_case_get_for(*, user: User, number: str) -> Case:
    """An event the user may see; anything else (another kind included) is NotFound."""
    case = case_get_for(user=user, number=number)
    if case.kind != KIND:
        raise NotFound()
    return case


def first_report_overdue_q(*, now: dt.datetime | None = None) -> Q:
    """Not yet first-reported, past its due time (an event closed without one cannot be)."""
    return Q(first_reported_at__isnull=True, first_report_due__lt=now or clock.now(), case__is_open=True)


@dataclasses.dataclass
class EmergencyFilters:
    event_type: str | None = None
    category: str | None = None
    grade: str | None = None
    status: str | None = None
    unit: Unit | None = None          # 发生地: this unit and below
    overdue: bool | None = None       # first report overdue now
    late: bool | None = None          # first reported after its limit (迟报)
    is_open: bool | None = None
    occurred_from: dt.date | None = None
    occurred_to: dt.date | None = None
    text: str | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def emergencies_filter(qs: QuerySet[Emergency], *, filters: EmergencyFilters) -> QuerySet[Emergency]:
    f = filters
    if f.event_type:
        qs = qs.filter(event_type=f.event_type)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.grade:
        qs = qs.filter(grade=f.grade)
    if f.status:
        qs = qs.filter(case__status=f.status)
    if f.unit is not None:
        qs = qs.filter(case__place_unit_id__in=unit_subtree_ids(unit=f.unit))
    if f.overdue:
        qs = qs.filter(first_report_overdue_q())
    if f.late:
        qs = qs.filter(first_reported_at__isnull=False, first_reported_at__gt=F("first_report_due"))
    if f.is_open is not None:
        qs = qs.filter(case__is_open=f.is_open)
    if f.occurred_from:
        qs = qs.filter(occurred_at__gte=_day_start(f.occurred_from))
    if f.occurred_to:
        qs = qs.filter(occurred_at__lt=_day_start(f.occurred_to + dt.timedelta(days=1)))
    if f.text:
        qs = qs.filter(Q(case__title__icontains=f.text) | Q(case__number__icontains=f.text)
                       | Q(site__icontains=f.text) | Q(enterprise_name__icontains=f.text))
    return qs


def emergencies_ledger(qs: QuerySet[Emergency]) -> QuerySet[Emergency]:
    """Rows for the list page and the export, latest first."""
    return (qs.select_related("case", "case__owner_unit", "case__place_unit")
            .prefetch_related("case__emergency_reports")
            .order_by("-occurred_at", "-case_id"))


def emergency_row(e: Emergency, *, now: dt.datetime | None = None) -> dict:
    """What a list row shows beside the event's own columns: its state, the first report's
    standing (overdue by how long, or reported late), the number of reports."""
    now = now or clock.now()
    overdue = e.first_reported_at is None and e.case.is_open and e.first_report_due < now
    reports = list(e.case.emergency_reports.all())
    return {
        "emergency": e, "case": e.case, "status_label": workflow_for(KIND).state(e.case.status).label,
        "overdue": overdue, "overdue_text": duration_text(now - e.first_report_due) if overdue else "",
        "late": e.first_report_late,
        "late_text": duration_text(e.first_reported_at - e.first_report_due) if e.first_report_late else "",
        "reports": len(reports), "grade_short": GRADE_SHORT.get(e.grade, e.grade),
        "casualties": casualties_text(e),
    }


def casualties_text(e) -> str:
    """The people figures in a few words: "死亡3人，受伤4人" / "无人员伤亡"."""
    return figures_text({n: getattr(e, n) for n in ("deaths", "injured", "missing", "trapped", "relocated")})


def duration_text(delta: dt.timedelta) -> str:
    """"2天3小时" / "3小时15分" / "40分钟"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分" if mins else f"{hours}小时"
    return f"{mins}分钟"


# --- one event --------------------------------------------------------------------------

def grade_floor_for(*, event_type: str, deaths: int, economic_loss: Decimal) -> str | None:
    """The lowest grade an accident's deaths and direct loss allow (生产安全事故报告和调查处理
    条例 第3条: 30 / 10 / 3 deaths; 1亿 / 5000万 / 1000万元 direct loss — the injured count
    of that article is of serious injuries only, which a report's 受伤 does not separate, so
    it is left out). None for the kinds that article does not grade."""
    if type_category(event_type) != Category.ACCIDENT:
        return None
    loss = Decimal(economic_loss or 0)
    if deaths >= 30 or loss >= 10000:
        return Grade.EXTRAORDINARY
    if deaths >= 10 or loss >= 5000:
        return Grade.MAJOR
    if deaths >= 3 or loss >= 1000:
        return Grade.LARGE
    return Grade.ORDINARY


def emergency_grade_hint(e: Emergency) -> str:
    """A warning when the grade reported is lower than the figures allow, else ""."""
    floor = grade_floor_for(event_type=e.event_type, deaths=e.deaths, economic_loss=e.economic_loss)
    if floor is None or GRADE_ORDER.index(Grade(e.grade)) >= GRADE_ORDER.index(floor):
        return ""
    return (f"按现有死亡人数和直接经济损失，对照《生产安全事故报告和调查处理条例》第三条，事故等级不应低于"
            f"「{GRADE_SHORT[floor]}」，请核实后在续报中调整。")


def emergency_reports_for(*, case: Case) -> list[dict]:
    """The reports in order, each with its figures and who signed for it (the case has been
    fetched through the user's scope already)."""
    reports = list(EmergencyReport.objects.filter(case=case).select_related("unit", "reported_by")
                   .prefetch_related("receipts__unit", "receipts__received_by").order_by("seq"))
    out, previous = [], None
    for r in reports:
        figures = [{"name": n, "label": label, "unit": u, "value": getattr(r, n),
                    "changed": previous is not None and getattr(previous, n) != getattr(r, n)}
                   for n, label, u in FIGURES]
        out.append({"report": r, "figures": figures, "receipts": list(r.receipts.all()),
                    "grade_changed": previous is not None and previous.grade != r.grade})
        previous = r
    return out


def emergency_facts_for(*, user: User, case: Case) -> dict:
    """What the event section of the case page shows."""
    e = Emergency.objects.filter(case=case).first()
    if e is None:
        raise NotFound()
    now = clock.now()
    return {
        "emergency": e, "row": emergency_row(e, now=now),
        "figures": [{"name": n, "label": label, "unit": u, "value": getattr(e, n)} for n, label, u in FIGURES],
        "grade_hint": emergency_grade_hint(e),
        "time_left": duration_text(e.first_report_due - now) if e.first_reported_at is None
        and e.first_report_due > now else "",
    }


def emergency_actions_for(*, user: User, case: Case) -> dict:
    """What this user may do on the event now: the reports they may file (as links to the
    report form) and whether they may sign for the reports received (签收)."""
    from xinfang.core.selectors import case_actions_for

    from .services import REPORT_ACTIONS
    allowed = {t.action for t in case_actions_for(user=user, case=case)}
    return {"reports": [{"kind": kind, "label": ReportKind(kind).label, "action": action}
                        for kind, action in REPORT_ACTIONS.items() if action in allowed],
            "acknowledge": "acknowledge" in allowed}


# --- supervision ------------------------------------------------------------------------

def emergencies_first_report_overdue_for(*, user: User) -> QuerySet[Emergency]:
    """Events in the user's scope whose first report is overdue now, longest overdue first
    (for the supervision page and its fragment)."""
    return (emergencies_visible_to(user=user).filter(first_report_overdue_q())
            .select_related("case", "case__owner_unit", "case__place_unit").order_by("first_report_due", "case_id"))


# --- statistics -------------------------------------------------------------------------

def emergencies_stats(*, user: User, start: dt.date, end: dt.date, unit: Unit | None = None) -> dict:
    """Events that occurred in [start, end] (both days included) in `unit`'s subtree (by
    where they happened; None: the whole scope), as the user may see them: counts by type
    and by grade (the current grade), and totals of each figure (the current figures,
    i.e. of each event's latest report). Also how many first reports were late (迟报) and
    how many are overdue now. Two queries."""
    qs = emergencies_visible_to(user=user).filter(occurred_at__gte=_day_start(start),
                                                  occurred_at__lt=_day_start(end + dt.timedelta(days=1)))
    if unit is not None:
        qs = qs.filter(case__place_unit_id__in=unit_subtree_ids(unit=unit))
    by_pair = {(r["event_type"], r["grade"]): r["n"] for r in qs.values("event_type", "grade").annotate(n=Count("pk"))}
    totals = qs.aggregate(
        events=Count("pk"), deaths=Sum("deaths"), injured=Sum("injured"), missing=Sum("missing"),
        trapped=Sum("trapped"), relocated=Sum("relocated"), economic_loss=Sum("economic_loss"),
        late=Count("pk", filter=Q(first_reported_at__isnull=False, first_reported_at__gt=F("first_report_due"))),
        overdue=Count("pk", filter=first_report_overdue_q()), open=Count("pk", filter=Q(case__is_open=True)))
    totals = {k: (v or 0) for k, v in totals.items()}
    totals["economic_loss"] = Decimal(totals["economic_loss"]).quantize(Decimal("0.01"))
    grades = [(g.value, GRADE_SHORT[g]) for g in reversed(GRADE_ORDER)]
    by_type = []
    for value, label in EventType.choices:
        counts = {g: by_pair.get((value, g), 0) for g, _ in grades}
        total = sum(counts.values())
        if total:
            by_type.append({"key": value, "label": label, "category": type_category(value).label,
                            "by_grade": counts, "cells": [(g, counts[g]) for g, _ in grades], "total": total})
    by_grade = {g: sum(n for (_, gg), n in by_pair.items() if gg == g) for g, _ in grades}
    return {"start": start, "end": end, "unit": unit, "grades": grades, "by_type": by_type,
            "by_grade": by_grade, "grade_cells": [(g, by_grade[g]) for g, _ in grades], "totals": totals}
