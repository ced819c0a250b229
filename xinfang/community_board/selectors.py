"""The 平安创建 board: per community (社区/村) and rolled up per street (街道/乡镇), for a period,
the matters that judge a community's safety — petitions, unresolved disputes, disputes
reported to the police, work-safety accidents, open hazards — and its targets met or not.

Every figure is defined once, in FIGURES, as the set of cases it counts; the board counts
those cases by where they happened (Case.place_unit: a community counts its grids' cases; a
street's row counts its communities and the cases placed on the street itself, shown apart
as 街道直属), and the list behind a figure is the same set. Matters are counted; no person
is listed.

Scope: the board is an aggregate of the user's area (`stats.selectors.stats_area_for`, as
for every statistic): the communities within the user's unit subtree (everything for a
user whose scope is everything). The list behind a figure shows the cases the user may
open (`cases_visible_to`) and says how many others the figure counts.
"""
import dataclasses
import datetime as dt
from collections.abc import Callable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.models import Case
from xinfang.core.selectors import cases_visible_to
from xinfang.core.workflow import workflow_for
from xinfang.emergencies.models import WORK_SAFETY_TYPES
from xinfang.emergencies.models import Grade as EmergencyGrade
from xinfang.orgs.models import Unit, UnitLevel, User
from xinfang.stats.report import period_label, report_period_parse
from xinfang.stats.selectors import stats_area_for

from .models import BoardTarget, Figure

MAX_DAYS = 366 * 5


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _open_at_end(qs: QuerySet[Case], end: dt.date) -> QuerySet[Case]:
    """Registered by the period's end and not closed by then."""
    after_end = _start_of(end + dt.timedelta(days=1))
    return qs.filter(Q(received_date__lte=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=after_end)))


def _petitions(start: dt.date, end: dt.date) -> QuerySet[Case]:
    return Case.objects.filter(kind="petition", received_date__range=(start, end), repeat_of__isnull=True)


def _accidents(start: dt.date, end: dt.date) -> QuerySet[Case]:
    return Case.objects.filter(kind="emergency", emergency__event_type__in=WORK_SAFETY_TYPES,
                               emergency__occurred_at__gte=_start_of(start),
                               emergency__occurred_at__lt=_start_of(end + dt.timedelta(days=1)))


@dataclasses.dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    definition: str
    cases: Callable[[dt.date, dt.date], QuerySet[Case]]   # (start, end) → the cases counted, any place


FIGURES: dict[str, FigureDef] = {f.key: f for f in (
    FigureDef(Figure.PETITIONS, "信访事项",
              "本期收到、发生地在本地的信访事项（不含并入此前同一事项的重复件）", _petitions),
    FigureDef(Figure.SKIP_COLLECTIVE, "越级集体访", "其中越级、5人以上的集体访",
              lambda s, e: _petitions(s, e).filter(petition__is_skip_level=True, petition__is_collective=True)),
    FigureDef(Figure.DISPUTES_OPEN, "未化解纠纷", "期末尚未办结的矛盾纠纷（期末前登记、期末时仍在调解或履行中）",
              lambda s, e: _open_at_end(Case.objects.filter(kind="dispute"), e)),
    FigureDef(Figure.POLICE_REFERRALS, "报告公安的纠纷",
              "本期因可能引发治安、刑事案件而报告公安机关的矛盾纠纷（民转刑风险；人民调解法第二十五条）",
              lambda s, e: Case.objects.filter(kind="dispute", dispute__police_referred_on__range=(s, e))),
    FigureDef(Figure.ACCIDENTS, "生产安全事故", "本期发生的生产安全事故和火灾（突发事件信息报送）", _accidents),
    FigureDef(Figure.ACCIDENTS_LARGE, "较大以上事故", "其中较大及以上等级（按当前认定等级）",
              lambda s, e: _accidents(s, e).filter(emergency__grade__in=[
                  EmergencyGrade.LARGE, EmergencyGrade.MAJOR, EmergencyGrade.EXTRAORDINARY])),
    FigureDef(Figure.HAZARDS_OPEN, "未销号隐患", "期末尚未销号的安全隐患（期末前发现、期末时未销号）",
              lambda s, e: _open_at_end(Case.objects.filter(kind="hazard"), e)),
    FigureDef(Figure.HAZARDS_MAJOR_OPEN, "其中重大隐患", "其中重大隐患（按当前等级）",
              lambda s, e: _open_at_end(Case.objects.filter(kind="hazard", hazard__grade="major"), e)),
)}


# --- the period ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class BoardPeriod:
    start: dt.date
    end: dt.date
    label: str
    period: str = ""          # the 年/季/月 code it was given as, if any

    def params(self) -> dict:
        return {"period": self.period} if self.period else {"start": self.start.isoformat(),
                                                             "end": self.end.isoformat()}


def _date(raw: str, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{label}「{raw[:20]}」不是有效日期（格式：YYYY-MM-DD）。", field=field) from None


def board_period_parse(*, period: str = "", start: str = "", end: str = "", today: dt.date | None = None) -> BoardPeriod:
    """A year (2026), quarter (2026-Q3) or month (2026-10), or a range of dates; nothing:
    this year to date. A period still running ends today."""
    today = today or clock.today()
    if start or end:
        first = _date(start, "start", "开始日期") if start else today.replace(month=1, day=1)
        last = _date(end, "end", "结束日期") if end else today
        if last < first:
            raise ValidationFailed("结束日期早于开始日期。", field="end")
        if first > today:
            raise ValidationFailed("开始日期晚于今天。", field="start")
        if (last - first).days > MAX_DAYS:
            raise ValidationFailed("期间不能超过五年。", field="end")
        last = min(last, today)
        return BoardPeriod(first, last, period_label(first, last)[0])
    if period:
        first, last = report_period_parse(period, today=today)
        return BoardPeriod(first, last, period_label(first, last)[0], period=period.strip())
    first = today.replace(month=1, day=1)
    return BoardPeriod(first, today, period_label(first, today)[0])


def board_period_choices(*, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The periods the page offers: this and last year, this year's quarters, the last 12 months."""
    today = today or clock.today()
    out = [(str(today.year), f"{today.year}年"), (str(today.year - 1), f"{today.year - 1}年")]
    for q in range((today.month - 1) // 3 + 1, 0, -1):
        out.append((f"{today.year}-Q{q}", f"{today.year}年第{q}季度"))
    year, month = today.year, today.month
    for _ in range(12):
        out.append((f"{year}-{month:02d}", f"{year}年{month}月"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


# --- where each place counts ----------------------------------------------------------------

def board_root_for(*, user: User, unit: Unit | None = None) -> Unit | None:
    """The unit whose communities the board shows: the one asked for, which must lie in the
    user's area (else NotFound), or the area itself (None: every unit)."""
    area = stats_area_for(user=user)
    if unit is None:
        return area
    if area is not None and not unit.is_within(area):
        raise NotFound("单位不存在，或不在您可查看的范围内。")
    return unit


@dataclasses.dataclass
class _Placement:
    streets: list[Unit]
    communities: dict[int, list[Unit]]         # street id → its communities
    where: dict[int, tuple[int, int | None]]   # place unit id → (street id, community id or None: 街道直属)
    partial: bool                              # a community alone: its street is context, not a roll-up


def _placement(root: Unit | None) -> _Placement:
    """Which street and community each unit under `root` counts in: a unit within a community
    counts in it; one under a street but in no community counts as the street's own."""
    qs = Unit.objects.order_by("path")
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    units = list(qs)
    streets = [u for u in units if u.level == UnitLevel.STREET]
    partial = root is not None and root.level == UnitLevel.COMMUNITY and not streets
    if partial and root.parent_id and root.parent.level == UnitLevel.STREET:
        streets = [root.parent]
    communities = {s.pk: [u for u in units if u.level == UnitLevel.COMMUNITY and u.parent_id == s.pk]
                   for s in streets}
    community_ids = {c.pk for cs in communities.values() for c in cs}
    where = {}
    for u in units:
        chain = [int(p) for p in u.path.strip("/").split("/") if p]
        street = next((i for i in chain if i in communities), None)
        if street is not None:
            where[u.pk] = (street, next((i for i in chain if i in community_ids), None))
    return _Placement(streets=streets, communities=communities, where=where, partial=partial)


# --- the board ------------------------------------------------------------------------------

def _row(*, unit: Unit | None, kind: str, counts: dict[str, int], targets: list[BoardTarget], label: str = "",
         street: Unit | None = None) -> dict:
    status = [{"target": t, "value": counts[t.figure], "met": t.met_by(counts[t.figure])} for t in targets]
    return {"unit": unit, "kind": kind, "label": label or (unit.name if unit else ""), "street": street,
            "figures": counts, "cells": [(key, counts[key]) for key in FIGURES], "targets": status,
            "unmet": [s for s in status if not s["met"]], "met": sum(s["met"] for s in status)}


def board_for(*, user: User, period: BoardPeriod, unit: Unit | None = None) -> dict:
    """The board: one block per street (its communities, its own cases as 街道直属, the street's
    roll-up), and the total of them all. One query per figure."""
    root = board_root_for(user=user, unit=unit)
    place = _placement(root)
    targets = list(BoardTarget.objects.filter(is_active=True).order_by("order", "id"))
    zero = dict.fromkeys(FIGURES, 0)
    by_community: dict[int, dict] = {}
    by_street_direct: dict[int, dict] = {}
    for key, figure in FIGURES.items():
        rows = (figure.cases(period.start, period.end).filter(place_unit_id__in=list(place.where))
                .values("place_unit_id").annotate(n=Count("pk")))
        for r in rows:
            street, community = place.where[r["place_unit_id"]]
            bucket = by_community.setdefault(community, dict(zero)) if community is not None \
                else by_street_direct.setdefault(street, dict(zero))
            bucket[key] += r["n"]
    whole = not place.partial
    blocks, grand = [], dict(zero)
    for street in place.streets:
        communities = place.communities[street.pk]
        rows = [_row(unit=c, kind="community", counts=by_community.get(c.pk, dict(zero)), targets=targets,
                     street=street) for c in communities]
        direct = by_street_direct.get(street.pk, dict(zero))
        total = dict(zero)
        for r in rows:
            for k in FIGURES:
                total[k] += r["figures"][k]
        if whole:
            for k in FIGURES:
                total[k] += direct[k]
        for k in FIGURES:
            grand[k] += total[k]
        blocks.append({
            "street": street, "communities": rows,
            "direct": _row(unit=street, kind="direct", counts=direct, targets=targets, label="街道直属",
                           street=street) if whole else None,
            "total": _row(unit=street, kind="street", counts=total, targets=targets, label=f"{street.name}合计",
                          street=street) if whole else None,
        })
    return {"period": period, "root": root, "blocks": blocks, "targets": targets,
            "figures": list(FIGURES.values()),
            "total": _row(unit=root, kind="total", counts=grand, targets=targets, label="合计")
            if len(blocks) > 1 else None,
            "communities": sum(len(b["communities"]) for b in blocks),
            "communities_met": sum(not r["unmet"] for b in blocks for r in b["communities"])}


# --- the cases behind a figure ----------------------------------------------------------------

def board_cases_for(*, user: User, figure: str, period: BoardPeriod, unit: Unit, part: str = "all") -> dict:
    """The cases one figure of the board counts for `unit` (a community, or a street: `part`
    "all" for its roll-up, "direct" for its own cases), those the user may open, and how many
    others the figure counts. The same set as the board's figure, to the case."""
    if figure not in FIGURES:
        raise ValidationFailed(f"数字「{figure[:20]}」无效，可选：{'、'.join(f.label for f in FIGURES.values())}。",
                               field="figure")
    if part not in ("all", "direct"):
        raise ValidationFailed("范围只能是 all（含下级）或 direct（街道直属）。", field="part")
    if unit.level not in (UnitLevel.STREET, UnitLevel.COMMUNITY):
        raise ValidationFailed("请选择一个街道或社区。", field="unit")
    if part == "direct" and unit.level != UnitLevel.STREET:
        raise ValidationFailed("“街道直属”只用于街道。", field="part")
    board_root_for(user=user, unit=unit)
    where = _placement(unit).where
    ids = [pk for pk, (_, community) in where.items() if part == "all" or community is None]
    qs = FIGURES[figure].cases(period.start, period.end).filter(place_unit_id__in=ids)
    total = qs.count()
    visible = list(qs.filter(pk__in=cases_visible_to(user=user).values("pk"))
                   .select_related("place_unit", "owner_unit").order_by("-received_date", "-id"))
    rows = [{"case": c, "kind_label": workflow_for(c.kind).label,
             "status_label": workflow_for(c.kind).state(c.status).label} for c in visible]
    return {"figure": FIGURES[figure], "unit": unit, "part": part, "period": period, "total": total,
            "rows": rows, "hidden": total - len(rows)}
