"""The figures a leader of this field judges the year by, each defined ONCE here and used
by pages, API, exports and tests. Each indicator says in words what it counts (shown next
to the figure) and gives the cases behind it, so every number drills down to its list.

Which unit a case counts under depends on the stage the figure judges:
- intake figures (volume, repeats, skipped levels, acceptance on time) count under the
  REGISTERING unit (登记单位): where the matter came in;
- handling figures (closure on time, days to answer, extensions, satisfaction, assigned
  and leader-received matters closed) count under the HANDLING unit (承办单位, set when the
  matter is accepted): who had to answer;
- backlog counts under the unit that holds the matter now (责任单位).
A unit's figure covers its whole subtree (a district includes its streets).
"""
import contextvars
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from xinfang.core.models import Case, Deadline, Event
from xinfang.orgs.models import Unit
from xinfang.orgs.selectors import unit_subtree_ids
from xinfang.petitions.models import Channel, ReceptionDay, Satisfaction

KIND = "petition"
# The kinds of matter the statistics cover, as the kind switch names them (each indicator
# belongs to one; the volume breakdowns and the trend are petition figures).
KINDS = {"petition": "信访", "dispute": "矛盾纠纷", "hazard": "安全隐患", "assessment": "稳评",
         "emergency": "突发事件"}


@dataclass(frozen=True)
class Scope:
    """A period (both ends included), a unit subtree (None: everything) and a kind."""
    start: dt.date
    end: dt.date
    unit: Unit | None = None
    kind: str = KIND

    def __post_init__(self):
        if self.kind not in KINDS:
            from xinfang.core.errors import ValidationFailed
            raise ValidationFailed(f"统计类别「{self.kind}」无效，可选：{'、'.join(f'{k}（{v}）' for k, v in KINDS.items())}。",
                                   field="kind")
        if self.end < self.start:
            from xinfang.core.errors import ValidationFailed
            raise ValidationFailed("统计期间的结束日期早于开始日期。", field="end")

    def last_year(self) -> "Scope":
        return Scope(start=_year_back(self.start), end=_year_back(self.end), unit=self.unit, kind=self.kind)


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _start_of(day: dt.date) -> dt.datetime:
    from django.utils import timezone
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _end_of(day: dt.date) -> dt.datetime:
    return _start_of(day + dt.timedelta(days=1))


@dataclass
class Figure:
    key: str
    label: str
    unit_label: str            # 件, 人次, %, 天
    definition: str
    value: Decimal | int | None
    numerator: int | None = None
    denominator: int | None = None
    previous: Decimal | int | None = None   # the same period last year
    change_pct: Decimal | None = None       # 同比 of a count, in per cent
    change_points: Decimal | None = None    # 同比 of a rate, in percentage points (百分点)
    breakdown: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def percent(part: int, whole: int) -> Decimal | None:
    """A share in per cent with one decimal, rounded half up (as reports print it)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change(now: int, before: int) -> Decimal | None:
    """同比: the change on the same period last year, in per cent."""
    if not before:
        return None
    return ((Decimal(now) - before) * 100 / Decimal(before)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- the case sets the figures count --------------------------------------------------

def _cases(scope: Scope, unit_field: str) -> QuerySet[Case]:
    qs = Case.objects.filter(kind=scope.kind)
    if scope.unit is not None:
        qs = qs.filter(**{f"{unit_field}__in": unit_subtree_ids(unit=scope.unit)})
    return qs


def registered_in(scope: Scope) -> QuerySet[Case]:
    """Matters received in the period, under the registering unit."""
    return _cases(scope, "registered_unit").filter(received_date__range=(scope.start, scope.end))


def _handled(scope: Scope) -> QuerySet[Case]:
    return _cases(scope, "petition__handling_unit")


def _deadlines(scope: Scope, key: str) -> QuerySet[Deadline]:
    """The clocks of this key that ran their course (not restarted), due in the period."""
    return Deadline.objects.filter(key=key, replaced=False, due_date__range=(scope.start, scope.end))


def _met(deadlines: QuerySet[Deadline]) -> QuerySet[Deadline]:
    return deadlines.filter(stopped_on__isnull=False, stopped_on__lte=F("due_date"))


def _answered_by(day: dt.date) -> Q:
    """办结 for these figures: the answer delivered (the handling clock stopped) or the matter
    closed (closed, concluded, declined, transferred and received, merged) by the end of `day`."""
    answered = Deadline.objects.filter(case=OuterRef("pk"), key="handling", replaced=False,
                                       stopped_on__isnull=False, stopped_on__lte=day)
    return Q(Exists(answered)) | Q(closed_at__lt=_end_of(day))


# --- the indicators -----------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit_label: str
    definition: str
    compute: Callable[[Scope], Figure]
    # The cases behind the figure: ("numerator" | "denominator") -> queryset of cases; None
    # for a figure that counts something other than cases (screening reports).
    cases: Callable[[Scope, str], QuerySet[Case]] | None
    kind: str = KIND


INDICATORS: dict[str, Indicator] = {}


def indicator(key: str, label: str, unit_label: str, definition: str, kind: str = KIND):
    def register(pair):
        compute, cases = pair
        INDICATORS[key] = Indicator(key, label, unit_label, definition, compute, cases, kind)
        return pair
    return register


def _figure(key: str, **values) -> Figure:
    ind = INDICATORS[key]
    return Figure(key=key, label=ind.label, unit_label=ind.unit_label, definition=ind.definition, **values)


def _rate(key: str, numerator: QuerySet, denominator: QuerySet) -> Figure:
    num, den = numerator.count(), denominator.count()
    return _figure(key, value=percent(num, den), numerator=num, denominator=den)


# --- the fast path: roll-ups kept on every write (stats/facts.py) --------------------------
# The case sets above stay the definitions (drill-down lists, tests); the figures are read
# from the roll-ups, which equal them (stats/tests/test_rollups.py).

_PERIOD_MEASURES = ("intake", "repeat", "skip", "on_spot", "acceptance_due", "acceptance_met", "handling_due", "handling_met",
                    "handling_due_first", "handling_met_first", "answered", "answered_extended", "rating")
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("stats_memo", default=None)


def _units(scope: Scope):
    return unit_subtree_ids(unit=scope.unit) if scope.unit is not None else None


def _memoised(key: tuple, compute: Callable[[], object]):
    """Within one indicators_compute, the shared sums are read once."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _sums(scope: Scope) -> dict[tuple, tuple[int, int]]:
    """Every measure of the period under the scope's subtree: {(measure, dim): (n, total)}."""
    from .facts import rollup_sums
    def read() -> dict:
        common = dict(start=scope.start, end=scope.end, unit_ids=_units(scope))
        # two reads, each on its own stretch of the (measure, dim, grain, day) key
        sums = rollup_sums(measures=[m for m in _PERIOD_MEASURES if m != "rating"], where=Q(dim=""), **common)
        sums.update(rollup_sums(measures=("rating",), **common))
        return sums
    return _memoised(("sums", scope), read)


def _n(scope: Scope, measure: str, dim: str = "") -> int:
    return _sums(scope).get((measure, dim), (0, 0))[0]


def _total(scope: Scope, measure: str, dim: str = "") -> int:
    return _sums(scope).get((measure, dim), (0, 0))[1]


def _rate_of(key: str, scope: Scope, numerator: str, denominator: str) -> Figure:
    num, den = _n(scope, numerator), _n(scope, denominator)
    return _figure(key, value=percent(num, den), numerator=num, denominator=den)


# Volume ---------------------------------------------------------------------------------

def _volume_batches(scope: Scope) -> Figure:
    now, before = _n(scope, "intake"), _n(scope.last_year(), "intake")
    return _figure("volume_batches", value=now, previous=before, change_pct=change(now, before))


indicator("volume_batches", "信访总量（批次）", "批",
          "期间内收到（按收到日期）的信访事项件数，按登记单位统计；每次登记为一批，重复信访也计入。"
          "同比：与上年同期比较的增减百分比。")((_volume_batches, lambda s, part: registered_in(s)))


def _volume_persons(scope: Scope) -> Figure:
    now, before = _total(scope, "intake"), _total(scope.last_year(), "intake")
    return _figure("volume_persons", value=now, previous=before, change_pct=change(now, before))


indicator("volume_persons", "信访总量（人次）", "人次",
          "期间内收到的信访事项的人数之和（集体访按实际人数计），按登记单位统计；同比同上。")(
    (_volume_persons, lambda s, part: registered_in(s)))

# The dimensions a volume can be broken down by: label and the column grouped on
# (a category counts under its first-level ancestor, computed apart).
VOLUME_DIMENSIONS = {
    "channel": ("渠道", "petition__channel"),
    "category": ("分类（一级）", None),
    "unit": ("登记单位", "registered_unit__name"),
    "handling_unit": ("承办单位", "petition__handling_unit__name"),
    "place": ("发生地", "place_unit__name"),
    "reception_level": ("接待层级", "petition__reception_level"),
    "claim_type": ("诉求类型", "petition__claim_type"),
}


def volume_by(*, scope: Scope, dimension: str) -> list[dict]:
    """Batches and person-times of the period by one dimension, largest first (from the
    roll-ups: the intake measure carries each breakdown as a dimension value)."""
    from xinfang.core.models import Category
    from xinfang.petitions.models import ClaimType, ReceptionLevel

    from .facts import rollup_sums
    if dimension not in VOLUME_DIMENSIONS:
        from xinfang.core.errors import ValidationFailed
        raise ValidationFailed(f"没有名为「{dimension}」的统计维度。", field="dimension")
    if dimension == "unit":
        sums = rollup_sums(start=scope.start, end=scope.end, unit_ids=_units(scope), measures=("intake",),
                           by=("unit_id",), where=Q(dim=""))
        raw = {str(unit_id): v for (unit_id,), v in sums.items()}
    else:
        prefix = f"{dimension}:"
        sums = rollup_sums(start=scope.start, end=scope.end, unit_ids=_units(scope), measures=("intake",),
                           by=("dim",), where=Q(dim__startswith=prefix))
        raw = {dim[len(prefix):]: v for (dim,), v in sums.items()}
    raw = {k: v for k, v in raw.items() if v[0]}
    if dimension in ("unit", "handling_unit", "place"):
        names = dict(Unit.objects.filter(pk__in=[int(k) for k in raw if k.isdigit()]).values_list("pk", "name"))
        values = {k: names.get(int(k)) if k.isdigit() else None for k in raw}
        labels = {k: v or "（未填）" for k, v in values.items()}
    elif dimension == "category":
        names = dict(Category.objects.filter(pk__in=[int(k) for k in raw if k.isdigit() and k != "0"])
                     .values_list("pk", "name"))
        values = {k: int(k) if k.isdigit() and int(k) in names else None for k in raw}
        labels = {k: names.get(values[k], "（未分类）") for k in raw}
    else:
        choices = {"channel": dict(Channel.choices), "claim_type": dict(ClaimType.choices),
                   "reception_level": dict(ReceptionLevel.choices)}[dimension]
        values = {k: k or None for k in raw}
        labels = {k: choices.get(k, k or "（未填）") for k in raw}
    rows = [{"value": values[k], "label": labels[k], "batches": n, "persons": t} for k, (n, t) in raw.items()]
    rows.sort(key=lambda r: (-r["batches"], str(r["label"])))
    return rows


# Handling ---------------------------------------------------------------------------------

def _on_time(scope: Scope, part: str, *, first_only: bool = False) -> QuerySet[Case]:
    due = _deadlines(scope, "handling")
    if first_only:
        due = due.filter(case__petition__is_first=True)
    if part == "numerator":
        due = _met(due)
    return _handled(scope).filter(pk__in=due.values("case_id"))


def _first_on_time(scope: Scope, part: str) -> QuerySet[Case]:
    return _on_time(scope, part, first_only=True)


indicator("on_time_rate", "按期办结率", "%",
          "办理期限（60日，含批准的延期、扣除中止时间）届满日落在期间内的信访事项中，"
          "在届满日或之前出具处理意见的比例；按承办单位统计。")(
    (lambda s: _rate_of("on_time_rate", s, "handling_met", "handling_due"), _on_time))

indicator("first_on_time_rate", "初信初访按期办结率", "%",
          "办理期限届满日落在期间内的初信初访事项（信访人此前没有提出过信访）中，"
          "在届满日或之前出具处理意见的比例；按承办单位统计。")(
    (lambda s: _rate_of("first_on_time_rate", s, "handling_met_first", "handling_due_first"), _first_on_time))


def _assigned_closed(scope: Scope, part: str) -> QuerySet[Case]:
    qs = registered_in(scope).filter(petition__channel=Channel.HIGHER)
    return qs.filter(_answered_by(scope.end)) if part == "numerator" else qs


def _assigned_closed_figure(scope: Scope) -> Figure:
    """Two dates (received in the period, answered by its end): read from the facts, on
    their (kind, channel, received) index."""
    from .facts import month_aligned, month_key, rollup_sums
    from .models import CaseFact
    if month_aligned(scope.start, scope.end):
        # Whole months: received in the period ⇔ its month is; answered by the end ⇔ answered
        # in the period (never before it was received).
        den = rollup_sums(
            start=scope.start, end=scope.end, unit_ids=_units(scope), measures=("intake",), by=("measure",),
            where=Q(dim=f"channel:{Channel.HIGHER}")).get(("intake",), (0, 0))[0]
        num = rollup_sums(start=scope.start, end=scope.end, unit_ids=_units(scope), measures=("higher_answered",),
                          by=("measure",), where=Q(dim__gte=month_key(scope.start), dim__lte=month_key(scope.end))
                          ).get(("higher_answered",), (0, 0))[0]
        return _figure("assigned_closed_rate", value=percent(num, den), numerator=num, denominator=den)
    facts = CaseFact.objects.filter(kind=scope.kind, channel=Channel.HIGHER, received__range=(scope.start, scope.end))
    if scope.unit is not None:
        facts = facts.filter(registered_unit_id__in=_units(scope))
    row = facts.aggregate(den=Count("pk"), num=Count("pk", filter=Q(handling_stopped__lte=scope.end)
                                                     | Q(closed__lte=scope.end)))
    return _figure("assigned_closed_rate", value=percent(row["num"], row["den"]), numerator=row["num"],
                   denominator=row["den"])


indicator("assigned_closed_rate", "上级交办件办结率", "%",
          "期间内收到的上级交办信访事项中，到期末已出具处理意见或已办结（含不予受理、转送办结、并案）的比例；"
          "按接收交办的登记单位统计。")(
    (_assigned_closed_figure, _assigned_closed))


def _leader_received(scope: Scope, part: str) -> QuerySet[Case]:
    # From the reception days of the period (few) to their cases, not every case to its days.
    received = ReceptionDay.cases.through.objects.filter(receptionday__date__range=(scope.start, scope.end))
    qs = _cases(scope, "owner_unit").filter(pk__in=received.values("case_id"))
    return qs.filter(_answered_by(scope.end)) if part == "numerator" else qs


indicator("leader_received_closed_rate", "领导接访事项办结率", "%",
          "期间内领导接访日接待的信访事项中，到期末已出具处理意见或已办结的比例；按责任单位统计。")(
    (lambda s: _rate("leader_received_closed_rate", _leader_received(s, "numerator"),
                     _leader_received(s, "denominator")),
     _leader_received))


def _acceptance_on_time(scope: Scope, part: str) -> QuerySet[Case]:
    due = _deadlines(scope, "acceptance_notice")
    if part == "numerator":
        due = _met(due)
    return _cases(scope, "registered_unit").filter(pk__in=due.values("case_id"))


indicator("acceptance_on_time_rate", "按期受理率", "%",
          "受理告知期限（收到之日起15日）届满日落在期间内的事项中，在届满日或之前作出受理、"
          "不予受理、转送或并案决定的比例；按登记单位统计。")(
    (lambda s: _rate_of("acceptance_on_time_rate", s, "acceptance_met", "acceptance_due"), _acceptance_on_time))


def _answered_in(scope: Scope) -> QuerySet[Deadline]:
    """Handling clocks stopped in the period: only the delivery of the answer
    (approve_answer) stops one."""
    return Deadline.objects.filter(key="handling", replaced=False, stopped_on__range=(scope.start, scope.end))


def _answer_days(scope: Scope) -> Figure:
    count, days = _n(scope, "answered"), _total(scope, "answered")
    value = (Decimal(days) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if count else None
    return _figure("answer_days_avg", value=value, numerator=days, denominator=count)


indicator("answer_days_avg", "平均答复用时", "天",
          "期间内出具处理意见的事项，从收到之日到处理意见送达之日的平均自然日数；按承办单位统计。")(
    (_answer_days, lambda s, part: _handled(s).filter(pk__in=_answered_in(s).values("case_id"))))


def _extended(scope: Scope, part: str) -> QuerySet[Case]:
    qs = _handled(scope).filter(pk__in=_answered_in(scope).values("case_id"))
    return qs.filter(petition__extension_days__gt=0) if part == "numerator" else qs


indicator("extension_share", "延期办理占比", "%",
          "期间内出具处理意见的事项中，办理期限经批准延长的比例；按承办单位统计。")(
    (lambda s: _rate_of("extension_share", s, "answered_extended", "answered"), _extended))


# Intake quality ---------------------------------------------------------------------------

def _repeats(scope: Scope, part: str) -> QuerySet[Case]:
    qs = registered_in(scope)
    return qs.filter(repeat_of__isnull=False) if part == "numerator" else qs


indicator("repeat_share", "重复信访占比", "%",
          "期间内收到的事项中，被认定为此前同一事项的重复信访（并入原事项）的比例；按登记单位统计。")(
    (lambda s: _rate_of("repeat_share", s, "repeat", "intake"), _repeats))


def _skipped(scope: Scope, part: str) -> QuerySet[Case]:
    qs = registered_in(scope)
    return qs.filter(petition__is_skip_level=True) if part == "numerator" else qs


indicator("skip_level_share", "越级信访占比", "%",
          "期间内收到的事项中，越过有权处理的本级或上一级机关提出的比例；按登记单位统计。")(
    (lambda s: _rate_of("skip_level_share", s, "skip", "intake"), _skipped))


def _on_spot(scope: Scope, part: str) -> QuerySet[Case]:
    qs = registered_in(scope)
    return qs.filter(petition__resolved_on_spot=True) if part == "numerator" else qs


indicator("on_spot_share", "现场办结占比", "%",
          "期间内收到的事项中，登记当日在接待窗口或实地走访中当场解决、经信访人确认而一次性办结（现场办结）的比例；"
          "按登记单位统计。")(
    (lambda s: _rate_of("on_spot_share", s, "on_spot", "intake"), _on_spot))


def _backlog(scope: Scope, part: str) -> QuerySet[Case]:
    """Open at the start of the period: registered before it, not closed before it."""
    start = _start_of(scope.start)
    qs = _cases(scope, "owner_unit").filter(created_at__lt=start).filter(Q(closed_at__isnull=True)
                                                                         | Q(closed_at__gte=start))
    return qs.filter(closed_at__lt=_end_of(scope.end)) if part == "numerator" else qs


def _backlog_figure(scope: Scope) -> Figure:
    """Open at the start = created before it − closed before it (roll-ups since the first
    day); cleared = closed in the period among those created before it (the facts' index)."""
    from .facts import month_key, rollup_sums
    from .models import CaseFact
    before = rollup_sums(start=dt.date(1900, 1, 1), end=scope.start - dt.timedelta(days=1), unit_ids=_units(scope),
                         measures=("created", "closed"), by=("measure",))
    den = before.get(("created",), (0, 0))[0] - before.get(("closed",), (0, 0))[0]
    if scope.start.day == 1:
        # From the first of a month: created before the period ⇔ created in an earlier month.
        num = rollup_sums(start=scope.start, end=scope.end, unit_ids=_units(scope), measures=("closed_from",),
                          by=("measure",), where=Q(dim__lt=month_key(scope.start))).get(("closed_from",), (0, 0))[0]
    else:
        facts = CaseFact.objects.filter(kind=scope.kind, closed__range=(scope.start, scope.end),
                                        created__lt=scope.start)
        if scope.unit is not None:
            facts = facts.filter(owner_unit_id__in=_units(scope))
        num = facts.count()
    return _figure("backlog_cleared_rate", value=percent(num, den), numerator=num, denominator=den)


indicator("backlog_cleared_rate", "积案化解率", "%",
          "期初（期间第一日零时）仍未办结的事项中，到期末已办结（办结、终结、不予受理、转送办结或并案）的比例；"
          "按目前的责任单位统计。")(
    (_backlog_figure, _backlog))


# Satisfaction ---------------------------------------------------------------------------------

def ratings_in(scope: Scope) -> QuerySet[Event]:
    """The 评价 events of the period (a matter rated at the answer and again after 复查
    counts twice: each is an evaluation of a different answer), and the ratings taken on the
    spot when a matter was resolved there (现场办结)."""
    cases = _handled(scope)
    return Event.objects.filter(Q(action="rate") | Q(action="resolve_on_spot",
                                                     payload__satisfaction__in=Satisfaction.values),
                                at__gte=_start_of(scope.start), at__lt=_end_of(scope.end),
                                case__in=cases.values("pk"))


def satisfaction_counts(scope: Scope) -> dict[str, int]:
    return {level: _n(scope, "rating", level) for level in Satisfaction.values}


def _satisfaction(key: str, levels: tuple[str, ...]) -> Callable[[Scope], Figure]:
    def compute(scope: Scope) -> Figure:
        counts = satisfaction_counts(scope)
        total = sum(counts.values())
        part = sum(counts[level] for level in levels)
        figure = _figure(key, value=percent(part, total), numerator=part, denominator=total)
        figure.breakdown = [{"value": v, "label": label, "count": counts[v]} for v, label in Satisfaction.choices]
        return figure
    return compute


def _rated_cases(levels: tuple[str, ...]):
    def cases(scope: Scope, part: str) -> QuerySet[Case]:
        events = ratings_in(scope)
        if part == "numerator":
            events = events.filter(Q(action="rate", payload__level__in=levels)
                                   | Q(action="resolve_on_spot", payload__satisfaction__in=levels))
        return Case.objects.filter(pk__in=events.values("case_id"))
    return cases


for _key, _label, _levels, _text in [
    ("satisfaction_rate", "满意率", (Satisfaction.SATISFIED, Satisfaction.BASIC),
     "期间内信访人的评价（含现场办结时的当场评价）中，「满意」与「基本满意」之和所占比例；按承办单位统计。"),
    ("satisfied_rate", "非常满意率（满意）", (Satisfaction.SATISFIED,),
     "期间内信访人的评价中，「满意」所占比例。"),
    ("basic_rate", "基本满意率", (Satisfaction.BASIC,),
     "期间内信访人的评价中，「基本满意」所占比例。"),
    ("unsatisfied_rate", "不满意率", (Satisfaction.UNSATISFIED,),
     "期间内信访人的评价中，「不满意」所占比例。"),
]:
    indicator(_key, _label, "%", _text)((_satisfaction(_key, _levels), _rated_cases(_levels)))


def volume_trend(*, scope: Scope) -> list[dict]:
    """Batches and person-times per month of the period, beside the same month last year."""
    from .facts import rollup_sums

    def per_month(s: Scope) -> dict:
        out: dict = {}
        for (day,), (n, t) in rollup_sums(start=s.start, end=s.end, unit_ids=_units(s), measures=("intake",),
                                          by=("day",), where=Q(dim="")).items():
            b, p = out.get((day.year, day.month), (0, 0))
            out[(day.year, day.month)] = (b + n, p + t)
        return out

    now, before = per_month(scope), per_month(scope.last_year())
    out, year, month = [], scope.start.year, scope.start.month
    while (year, month) <= (scope.end.year, scope.end.month):
        b, p = now.get((year, month), (0, 0))
        lb, lp = before.get((year - 1, month), (0, 0))
        out.append({"month": f"{year}-{month:02d}", "batches": b, "persons": p,
                    "last_year_batches": lb, "last_year_persons": lp})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# --- reading them ------------------------------------------------------------------------

def _own_kind(ind: Indicator, scope: Scope) -> Scope:
    """An indicator always counts its own kind, whatever kind the scope was built for."""
    return scope if scope.kind == ind.kind else dataclasses.replace(scope, kind=ind.kind)


def _with_last_year(ind: Indicator, scope: Scope) -> Figure:
    figure = ind.compute(scope)
    if figure.unit_label == "%" and figure.previous is None:
        # A rate's 同比 is its change in percentage points on the same period last year
        # ("按期办结率同比提高 3.2 个百分点"), not a per cent of a per cent.
        figure.previous = ind.compute(scope.last_year()).value
        if figure.value is not None and figure.previous is not None:
            figure.change_points = figure.value - figure.previous
    return figure


def indicator_compute(*, key: str, scope: Scope, last_year: bool = True) -> Figure:
    """One indicator, with its 上年同期 and 同比 unless `last_year` is False (a reader that
    shows only the value: the home page, a circular — the period read once, not twice)."""
    if key not in INDICATORS:
        from xinfang.core.errors import NotFound
        raise NotFound(f"没有名为「{key}」的指标。")
    ind = INDICATORS[key]
    scope = _own_kind(ind, scope)
    return _with_last_year(ind, scope) if last_year else ind.compute(scope)


def indicators_of(kind: str) -> list[Indicator]:
    return [ind for ind in INDICATORS.values() if ind.kind == kind]


def indicators_compute(*, scope: Scope) -> list[Figure]:
    """Every indicator of the scope's kind, each with its 上年同期 and 同比 (the sums they
    share read once per period)."""
    token = _memo.set({})
    try:
        return [_with_last_year(ind, scope) for ind in indicators_of(scope.kind)]
    finally:
        _memo.reset(token)


def indicator_cases(*, key: str, scope: Scope, part: str = "numerator") -> QuerySet[Case]:
    if key not in INDICATORS or part not in ("numerator", "denominator") or INDICATORS[key].cases is None:
        from xinfang.core.errors import NotFound
        raise NotFound(f"没有名为「{key}」的指标，或该指标不对应案件。")
    ind = INDICATORS[key]
    return ind.cases(_own_kind(ind, scope), part)


# The indicators of the other kinds register themselves on import (they use the helpers above).
from . import ledger_indicators  # noqa: E402,F401
