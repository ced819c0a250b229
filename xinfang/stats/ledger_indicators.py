"""The figures of the other ledgers: 矛盾纠纷 (disputes), 安全隐患 (hazards) and 稳评
(assessments), each defined once here beside the petition figures (indicators.py) and read
by the same page, API, report and tests.

The counting rules are those of the apps' own statistics, so the ledgers' pages and these
figures agree:
- disputes count under the unit that resolved them, or — not yet resolved — the unit that
  holds them, and "resolved" is an agreement signed, bucketed by level with
  disputes.models.LEVEL_BUCKETS (as disputes.selectors.disputes_resolution_by_level);
- hazards count under the responsible unit (owner), and found / closed off / open at the end
  / rectification rate read as hazards.selectors.hazards_stats; ages use its AGE_BUCKETS;
- 稳评 count under the 承办单位 (owner), as the assessments ledger filters them.
The apps' selectors apply a user's data scope; these figures are aggregates over a unit
subtree, and the drill-down applies the user's scope (stats.selectors.indicator_cases_for).
"""
import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from xinfang.core import clock
from xinfang.core.models import Case, Event
from xinfang.orgs.selectors import unit_subtree_ids

from .indicators import Figure, Scope, _end_of, _figure, _rate, _start_of, indicator, percent

DISPUTE, HAZARD, ASSESSMENT = "dispute", "hazard", "assessment"


def _count(key: str, qs: QuerySet) -> Figure:
    n = qs.count()
    return _figure(key, value=n, numerator=n)


def _same(qs_for):
    """Cases of a count figure: numerator and denominator are the same set."""
    return lambda scope, part: qs_for(scope)


# --- 矛盾纠纷 ------------------------------------------------------------------------------

def _disputes(scope: Scope) -> QuerySet[Case]:
    """Disputes under the scope's unit: where resolved, else where held (the disputes app's rule)."""
    qs = Case.objects.filter(kind=DISPUTE)
    if scope.unit is not None:
        units = unit_subtree_ids(unit=scope.unit)
        qs = qs.filter(Q(dispute__resolved_unit_id__in=units)
                       | Q(dispute__resolved_unit__isnull=True, owner_unit_id__in=units))
    return qs


def disputes_found(scope: Scope) -> QuerySet[Case]:
    return _disputes(scope).filter(received_date__range=(scope.start, scope.end))


indicator("dispute_found", "发现（登记）矛盾纠纷", "件",
          "期间内登记（按登记日期）的矛盾纠纷件数；已化解的按化解单位、未化解的按目前责任单位统计。",
          kind=DISPUTE)((lambda s: _count("dispute_found", disputes_found(s)), _same(disputes_found)))


def disputes_screened(scope: Scope) -> QuerySet[Case]:
    from xinfang.disputes.models import ScreeningReport
    reported = ScreeningReport.objects.filter(disputes=OuterRef("pk"))
    return disputes_found(scope).filter(Exists(reported))


indicator("dispute_screened", "排查发现矛盾纠纷", "件",
          "期间内登记的矛盾纠纷中，列入某一单位矛盾纠纷排查报告（作为新发现纠纷报送）的件数。",
          kind=DISPUTE)((lambda s: _count("dispute_screened", disputes_screened(s)), _same(disputes_screened)))


def disputes_mediated(scope: Scope) -> QuerySet[Case]:
    accepted = Event.objects.filter(case=OuterRef("pk"), action="accept", at__gte=_start_of(scope.start),
                                    at__lt=_end_of(scope.end))
    return _disputes(scope).filter(Exists(accepted))


indicator("dispute_mediated", "受理调解矛盾纠纷", "件",
          "期间内受理调解（确定调解员，人民调解法第17、19条）的矛盾纠纷件数；同一纠纷期间内多次受理（如移交后）计一件。",
          kind=DISPUTE)((lambda s: _count("dispute_mediated", disputes_mediated(s)), _same(disputes_mediated)))


def disputes_agreed(scope: Scope) -> QuerySet[Case]:
    from xinfang.disputes.models import MediationAgreement
    signed = MediationAgreement.objects.filter(case=OuterRef("pk"), signed_on__range=(scope.start, scope.end))
    return _disputes(scope).filter(Exists(signed))


indicator("dispute_agreements", "达成调解协议", "件",
          "期间内签订（生效）调解协议（人民调解法第28、29条）的矛盾纠纷件数，含后来被新协议取代或重新调解的。",
          kind=DISPUTE)((lambda s: _count("dispute_agreements", disputes_agreed(s)), _same(disputes_agreed)))


def _performed(scope: Scope, part: str) -> QuerySet[Case]:
    from xinfang.disputes.models import FollowUp, Performance
    qs = disputes_agreed(scope)
    if part == "numerator":
        done = FollowUp.objects.filter(case=OuterRef("pk"), performance=Performance.PERFORMED,
                                       visited_on__lte=scope.end)
        qs = qs.filter(Exists(done))
    return qs


indicator("dispute_performed_rate", "调解协议履行率", "%",
          "期间内达成调解协议的矛盾纠纷中，到期末回访确认协议「已全部履行」（人民调解法第31条）的比例。",
          kind=DISPUTE)((lambda s: _rate("dispute_performed_rate", _performed(s, "numerator"),
                                         _performed(s, "denominator")), _performed))


def disputes_resolved(scope: Scope) -> QuerySet[Case]:
    """化解 as the disputes app counts it: the current agreement signed in the period."""
    return _disputes(scope).filter(dispute__resolved_on__range=(scope.start, scope.end))


def _levels_of(bucket_codes) -> list[str]:
    from xinfang.disputes.models import LEVEL_BUCKETS
    return [level for level, bucket in LEVEL_BUCKETS.items() if bucket in bucket_codes]


def _resolved_levels(scope: Scope) -> dict[str, int]:
    from xinfang.disputes.models import LEVEL_BUCKETS, LevelBucket
    counts = {b: 0 for b in LevelBucket.values}
    for level in disputes_resolved(scope).values_list("dispute__resolved_level", flat=True):
        counts[LEVEL_BUCKETS.get(level, LevelBucket.OUTSIDE)] += 1
    return counts


def _resolved(scope: Scope) -> Figure:
    from xinfang.disputes.models import LevelBucket
    counts = _resolved_levels(scope)
    total = sum(counts.values())
    figure = _figure("dispute_resolved", value=total, numerator=total)
    figure.breakdown = [{"value": b, "label": LevelBucket(b).label, "count": counts[b]} for b in LevelBucket.values]
    return figure


indicator("dispute_resolved", "化解矛盾纠纷", "件",
          "期间内化解（签订现行有效的调解协议，人民调解法第28条）的矛盾纠纷件数，按化解单位的层级分列："
          "村/社区级（含网格）、街道/乡镇级、区级（含部门）、区外。",
          kind=DISPUTE)((_resolved, _same(disputes_resolved)))


def _resolved_at(buckets: tuple[str, ...]):
    def cases(scope: Scope, part: str) -> QuerySet[Case]:
        qs = disputes_resolved(scope)
        if part == "numerator":
            qs = qs.filter(dispute__resolved_level__in=_levels_of(buckets))
        return qs
    return cases


def _level_share(key: str, buckets: tuple[str, ...]):
    def compute(scope: Scope) -> Figure:
        counts = _resolved_levels(scope)
        total, part = sum(counts.values()), sum(counts[b] for b in buckets)
        return _figure(key, value=percent(part, total), numerator=part, denominator=total)
    return compute


for _key, _label, _buckets, _text in [
    ("dispute_village_share", "村/社区级化解率（小事不出村）", ("village",),
     "期间内化解的矛盾纠纷中，由村/社区（含网格）化解的比例。"),
    ("dispute_town_level_share", "街道/乡镇级化解占比", ("town",),
     "期间内化解的矛盾纠纷中，由街道/乡镇化解的比例。"),
    ("dispute_town_share", "镇街以下化解率（大事不出镇）", ("village", "town"),
     "期间内化解的矛盾纠纷中，由村/社区或街道/乡镇化解的比例。"),
    ("dispute_district_share", "区级化解占比", ("district",),
     "期间内化解的矛盾纠纷中，由区及区级部门化解的比例。"),
]:
    indicator(_key, _label, "%", _text, kind=DISPUTE)((_level_share(_key, _buckets), _resolved_at(_buckets)))


def screening_due(scope: Scope) -> list[dict]:
    """The screening reports due in the period (due date — period end plus the grace days —
    in the period and already passed), for the reporting units under the scope's unit, each
    with the report filed for it (or None). Periods as disputes.periods, cadences as
    disputes.models.ScreeningCadence, like disputes.selectors.screening_reports_missing."""
    from xinfang.disputes.models import ScreeningCadence, ScreeningReport
    from xinfang.disputes.periods import periods_between
    from xinfang.orgs.models import Unit

    last_due = min(scope.end, clock.today() - dt.timedelta(days=1))
    rules = {r.level: r for r in ScreeningCadence.objects.filter(is_active=True)}
    units = Unit.objects.filter(is_active=True, level__in=list(rules))
    if scope.unit is not None:
        units = units.filter(pk__in=unit_subtree_ids(unit=scope.unit))
    units = list(units.order_by("path"))
    filed = {(r.unit_id, r.period_start): r for r in ScreeningReport.objects.filter(
        unit_id__in=[u.pk for u in units], period_end__gte=scope.start - dt.timedelta(days=62),
        period_end__lte=scope.end)}
    out = []
    for u in units:
        rule = rules[u.level]
        first = max(scope.start - dt.timedelta(days=rule.grace_days + 31), rule.effective_from)
        for start, end in periods_between(rule.cadence, first, last_due):
            due = end + dt.timedelta(days=rule.grace_days)
            if scope.start <= due <= last_due:
                out.append({"unit": u, "period_start": start, "period_end": end, "due_date": due,
                            "report": filed.get((u.pk, start))})
    return out


def _screening(scope: Scope) -> Figure:
    due = screening_due(scope)
    on_time = sum(1 for d in due if d["report"] is not None and d["report"].filed_on <= d["due_date"])
    late = sum(1 for d in due if d["report"] is not None) - on_time
    figure = _figure("screening_on_time_rate", value=percent(on_time, len(due)), numerator=on_time,
                     denominator=len(due))
    figure.breakdown = [{"value": "on_time", "label": "按时报送", "count": on_time},
                        {"value": "late", "label": "逾期报送", "count": late},
                        {"value": "missing", "label": "未报送", "count": len(due) - on_time - late}]
    return figure


indicator("screening_on_time_rate", "排查报告按时报送率", "%",
          "报送期限（排查周期末日加宽限日数）在期间内且已届满的矛盾纠纷排查报告中，在期限内报送的比例；"
          "按报送单位统计（村/社区每周、街道与部门每半月、区每月，以排查周期设置为准）。分子分母为报告份数。",
          kind=DISPUTE)((_screening, None))


# --- 安全隐患 ------------------------------------------------------------------------------

def _hazards(scope: Scope) -> QuerySet[Case]:
    qs = Case.objects.filter(kind=HAZARD)
    if scope.unit is not None:
        qs = qs.filter(owner_unit_id__in=unit_subtree_ids(unit=scope.unit))
    return qs


def hazards_found(scope: Scope) -> QuerySet[Case]:
    return _hazards(scope).filter(received_date__range=(scope.start, scope.end))


def hazards_major_found(scope: Scope) -> QuerySet[Case]:
    from xinfang.hazards.models import Grade
    return hazards_found(scope).filter(hazard__grade=Grade.MAJOR)


indicator("hazard_found", "排查发现安全隐患", "项",
          "期间内发现（按发现日期）的安全生产事故隐患项数；按责任（属地）单位统计。", kind=HAZARD)(
    (lambda s: _count("hazard_found", hazards_found(s)), _same(hazards_found)))

indicator("hazard_major_found", "其中重大隐患", "项",
          "期间内发现的隐患中，目前定为重大事故隐患（16号令第3条；含由一般隐患升级的）的项数。", kind=HAZARD)(
    (lambda s: _count("hazard_major_found", hazards_major_found(s)), _same(hazards_major_found)))


def _rectified_on_time(scope: Scope, part: str) -> QuerySet[Case]:
    qs = _hazards(scope).filter(hazard__rectify_by__range=(scope.start, scope.end))
    if part == "numerator":
        qs = qs.filter(hazard__rectified_on__isnull=False, hazard__rectified_on__lte=F("hazard__rectify_by"))
    return qs


indicator("hazard_rectified_on_time_rate", "隐患按期整改率", "%",
          "整改期限（当场整改为当日；限期整改为责令的期限；重大隐患为治理方案的治理时限）落在期间内的隐患中，"
          "在期限当日或之前完成整改的比例（16号令第14、15条）。", kind=HAZARD)(
    (lambda s: _rate("hazard_rectified_on_time_rate", _rectified_on_time(s, "numerator"),
                     _rectified_on_time(s, "denominator")), _rectified_on_time))


def _rectification(scope: Scope, part: str) -> QuerySet[Case]:
    qs = hazards_found(scope)
    return qs.filter(hazard__closed_on__lte=scope.end) if part == "numerator" else qs


indicator("hazard_rectification_rate", "隐患整改率（销号率）", "%",
          "期间内发现的隐患中，到期末已验收销号的比例（与隐患统计表的整改率同一口径）。", kind=HAZARD)(
    (lambda s: _rate("hazard_rectification_rate", _rectification(s, "numerator"), _rectification(s, "denominator")),
     _rectification))


def hazards_closed(scope: Scope) -> QuerySet[Case]:
    return _hazards(scope).filter(hazard__closed_on__range=(scope.start, scope.end))


indicator("hazard_closed", "验收销号隐患", "项",
          "期间内验收合格销号（16号令第23条；一般隐患整改验收后、重大隐患现场审查合格后）的隐患项数，不论何时发现。",
          kind=HAZARD)((lambda s: _count("hazard_closed", hazards_closed(s)), _same(hazards_closed)))


def hazards_open_at_end(scope: Scope) -> QuerySet[Case]:
    return _hazards(scope).filter(received_date__lte=scope.end).filter(
        Q(hazard__closed_on__isnull=True) | Q(hazard__closed_on__gt=scope.end))


def _open_at_end(scope: Scope) -> Figure:
    from xinfang.hazards.selectors import AGE_BUCKETS
    found = list(hazards_open_at_end(scope).values_list("received_date", flat=True))
    figure = _figure("hazard_open_at_end", value=len(found), numerator=len(found))
    ages = [(scope.end - day).days for day in found]
    figure.breakdown = [{"value": label, "label": label,
                         "count": sum(1 for a in ages if a >= lo and (hi is None or a <= hi))}
                        for lo, hi, label in AGE_BUCKETS]
    return figure


indicator("hazard_open_at_end", "期末未销号隐患", "项",
          "期末（期间最后一日）已发现、尚未销号的隐患项数，按发现至期末的天数分列（与隐患统计表同一分段）。",
          kind=HAZARD)((_open_at_end, _same(hazards_open_at_end)))


# --- 稳评 --------------------------------------------------------------------------------

def _assessments(scope: Scope) -> QuerySet[Case]:
    qs = Case.objects.filter(kind=ASSESSMENT)
    if scope.unit is not None:
        qs = qs.filter(owner_unit_id__in=unit_subtree_ids(unit=scope.unit))
    return qs


def assessments_rated(scope: Scope) -> QuerySet[Case]:
    """稳评 rated in the period, each with `period_level`: its last rating of the period (a
    plan revised after a 高/中 rating is rated again in a new round)."""
    from xinfang.assessments.models import Rating
    ratings = Rating.objects.filter(case=OuterRef("pk"), recorded_at__gte=_start_of(scope.start),
                                    recorded_at__lt=_end_of(scope.end))
    return _assessments(scope).filter(Exists(ratings)).annotate(
        period_level=Subquery(ratings.order_by("-round").values("level")[:1]))


def assessments_decided(scope: Scope) -> QuerySet[Case]:
    """稳评 decided in the period (集体讨论决定, 条例 Art 30), each with `period_outcome`: the
    last decision of the period (a deferral may be followed by another decision)."""
    from xinfang.assessments.models import DecisionMeeting
    meetings = DecisionMeeting.objects.filter(case=OuterRef("pk"), held_on__range=(scope.start, scope.end))
    return _assessments(scope).filter(Exists(meetings)).annotate(
        period_outcome=Subquery(meetings.order_by("-held_on", "-id").values("outcome")[:1]))


def _by(qs: QuerySet, column: str, choices) -> list[dict]:
    values = list(qs.values_list(column, flat=True))
    return [{"value": v, "label": label, "count": values.count(v)} for v, label in choices]


def _rated(scope: Scope) -> Figure:
    from xinfang.assessments.models import RiskLevel
    qs = assessments_rated(scope)
    figure = _count("assessment_rated", qs)
    figure.breakdown = _by(qs, "period_level", reversed(RiskLevel.choices))
    return figure


def _decided(scope: Scope) -> Figure:
    from xinfang.assessments.models import DecisionOutcome
    qs = assessments_decided(scope)
    figure = _count("assessment_decided", qs)
    figure.breakdown = _by(qs, "period_outcome", DecisionOutcome.choices)
    return figure


indicator("assessment_rated", "完成风险评估（稳评）", "件",
          "期间内作出风险等级评定（评估报告）的稳评事项件数，按承办单位统计；按期间内最后一次评定的等级分列"
          "（发改投资〔2012〕2492号：高、中、低风险）。", kind=ASSESSMENT)((_rated, _same(assessments_rated)))


def _level_cases(level: str):
    def cases(scope: Scope, part: str) -> QuerySet[Case]:
        qs = assessments_rated(scope)
        return qs.filter(period_level=level) if part == "numerator" else qs
    return cases


def _outcome_cases(outcome: str):
    def cases(scope: Scope, part: str) -> QuerySet[Case]:
        qs = assessments_decided(scope)
        return qs.filter(period_outcome=outcome) if part == "numerator" else qs
    return cases


def _share(key: str, cases):
    return lambda s: _rate(key, cases(s, "numerator"), cases(s, "denominator"))


for _level, _label in (("high", "高风险"), ("medium", "中风险"), ("low", "低风险")):
    _key = f"assessment_{_level}_share"
    indicator(_key, f"评定为{_label}占比", "%",
              f"期间内作出风险等级评定的稳评事项中，期间内最后一次评定为{_label}的比例。", kind=ASSESSMENT)(
        (_share(_key, _level_cases(_level)), _level_cases(_level)))

indicator("assessment_decided", "作出决策（稳评）", "件",
          "期间内经集体讨论作出决策（重大行政决策程序暂行条例第30条）的稳评事项件数，按期间内最后一次决策结果"
          "（实施、暂缓实施、不实施）分列。", kind=ASSESSMENT)((_decided, _same(assessments_decided)))

for _outcome, _label in (("implement", "实施"), ("defer", "暂缓实施"), ("reject", "不实施")):
    _key = f"assessment_{_outcome}_share"
    indicator(_key, f"决策{_label}占比", "%",
              f"期间内作出决策的稳评事项中，期间内最后一次决策为「{_label}」的比例。", kind=ASSESSMENT)(
        (_share(_key, _outcome_cases(_outcome)), _outcome_cases(_outcome)))


# --- 突发事件 --------------------------------------------------------------------------------
# Events count where they happened (the place's unit subtree), by when they happened; the
# casualty and loss figures are each event's current ones (its latest report's).

EMERGENCY = "emergency"


def emergencies_occurred(scope: Scope) -> QuerySet[Case]:
    qs = Case.objects.filter(kind=EMERGENCY, emergency__occurred_at__gte=_start_of(scope.start),
                             emergency__occurred_at__lt=_end_of(scope.end))
    if scope.unit is not None:
        qs = qs.filter(place_unit_id__in=unit_subtree_ids(unit=scope.unit))
    return qs


indicator("emergency_events", "发生突发事件", "起",
          "期间内发生（按发生时间）的突发事件起数，按事发地统计。", kind=EMERGENCY)(
    (lambda s: _count("emergency_events", emergencies_occurred(s)), _same(emergencies_occurred)))


def emergencies_large(scope: Scope) -> QuerySet[Case]:
    return emergencies_occurred(scope).filter(emergency__grade__in=("large", "major", "extraordinary"))


indicator("emergency_large_events", "较大及以上突发事件", "起",
          "期间内发生的突发事件中，目前等级为较大（Ⅲ级）、重大（Ⅱ级）或特别重大（Ⅰ级）的起数（突发事件应对法第3条）。",
          kind=EMERGENCY)((lambda s: _count("emergency_large_events", emergencies_large(s)), _same(emergencies_large)))


def _first_report_due(scope: Scope, part: str) -> QuerySet[Case]:
    """Events of the period whose first report was made or is past its time limit."""
    qs = emergencies_occurred(scope).filter(Q(emergency__first_reported_at__isnull=False)
                                            | Q(emergency__first_report_due__lt=clock.now()))
    if part == "numerator":
        qs = qs.filter(emergency__first_reported_at__isnull=False,
                       emergency__first_reported_at__lte=F("emergency__first_report_due"))
    return qs


indicator("emergency_first_report_on_time_rate", "首报及时率", "%",
          "期间内发生的突发事件中（已首报或已过首报时限的），在首报时限内（按事件等级、类型配置的小时数，"
          "自知悉时起）完成首报的比例；迟报、超时未报均计为不及时。", kind=EMERGENCY)(
    (lambda s: _rate("emergency_first_report_on_time_rate", _first_report_due(s, "numerator"),
                     _first_report_due(s, "denominator")), _first_report_due))


def _casualty(key: str, column: str):
    def compute(scope: Scope) -> Figure:
        from django.db.models import Sum
        total = emergencies_occurred(scope).aggregate(n=Sum(f"emergency__{column}"))["n"] or 0
        return _figure(key, value=total)

    def cases(scope: Scope, part: str) -> QuerySet[Case]:
        return emergencies_occurred(scope).filter(**{f"emergency__{column}__gt": 0})
    return compute, cases


for _key, _label, _unit, _column in [("emergency_deaths", "突发事件死亡人数", "人", "deaths"),
                                     ("emergency_injured", "突发事件受伤人数", "人", "injured"),
                                     ("emergency_loss", "突发事件直接经济损失", "万元", "economic_loss")]:
    indicator(_key, _label, _unit, f"期间内发生的突发事件的{_label.removeprefix('突发事件')}合计（各事件以最新一次报告的数字为准）；"
              "明细为该数字大于零的事件。", kind=EMERGENCY)(_casualty(_key, _column))
