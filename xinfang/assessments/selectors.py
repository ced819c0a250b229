"""稳评 reads. Every read goes through the caller's data scope (cases_visible_to /
case_get_for): a case outside it is "not found", like one that does not exist."""
import dataclasses
import datetime as dt

from django.db.models import Q, QuerySet

from xinfang.core.models import Case
from xinfang.core.errors import NotFound
from xinfang.core.selectors import case_deadline_state, case_visible, cases_visible_to
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit, User
from xinfang.orgs.selectors import unit_subtree_ids

from .models import (Analysis, Assessment, Consultation, ConsultationForm, DecisionMeeting, DecisionOutcome,
                     DecisionType, Monitoring, Plan, Rating, RiskLevel, RiskPoint)
from .services import KIND, round_rating_compute, round_tally, some_percent


@dataclasses.dataclass
class LedgerFilters:
    status: str = ""
    level: str = ""            # a RiskLevel, or "none" for not yet rated
    decision_type: str = ""
    outcome: str = ""
    unit: Unit | None = None   # the 承办单位 and the units below it
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""


def assessments_for(*, user: User, filters: LedgerFilters | None = None) -> QuerySet[Case]:
    """The 稳评 cases in the user's scope, newest first, narrowed by the ledger's filters."""
    f = filters or LedgerFilters()
    qs = cases_visible_to(user=user).filter(kind=KIND)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.level == "none":
        qs = qs.filter(assessment__level="")
    elif f.level:
        qs = qs.filter(assessment__level=f.level)
    if f.decision_type:
        qs = qs.filter(assessment__decision_type=f.decision_type)
    if f.outcome:
        qs = qs.filter(assessment__outcome=f.outcome)
    if f.unit is not None:
        qs = qs.filter(owner_unit_id__in=unit_subtree_ids(unit=f.unit))
    if f.received_from:
        qs = qs.filter(received_date__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_date__lte=f.received_to)
    if f.text:
        qs = qs.filter(Q(title__icontains=f.text) | Q(number__icontains=f.text)
                       | Q(assessment__location__icontains=f.text))
    return qs.select_related("assessment", "owner_unit", "place_unit").order_by("-received_date", "-id")


def _by_case(model, cases: list[Case]) -> dict[int, list]:
    out: dict[int, list] = {c.pk: [] for c in cases}
    for row in model.objects.filter(case__in=[c.pk for c in cases]).order_by("case_id", "round", "id"):
        out[row.case_id].append(row)
    return out


def ledger_rows(*, cases: list[Case]) -> list[dict]:
    """One 台账 row per case (the columns of the ledger page and the xlsx). A fixed number
    of queries for any number of cases."""
    plans, consults = _by_case(Plan, cases), _by_case(Consultation, cases)
    risks, ratings = _by_case(RiskPoint, cases), _by_case(Rating, cases)
    meetings, monitors = _by_case(DecisionMeeting, cases), _by_case(Monitoring, cases)
    out = []
    for case in cases:
        a = case.assessment
        plan = plans[case.pk][-1] if plans[case.pk] else None
        current = [c for c in consults[case.pk] if c.round == a.round]
        by_form = {}
        for c in current:
            by_form.setdefault(c.form, []).append(c)
        consult_text = "；".join(
            f"{ConsultationForm(form).label} {len(rows)} 次 {sum(r.participants for r in rows)} 人"
            for form, rows in by_form.items())
        q = [c for c in current if c.form == ConsultationForm.QUESTIONNAIRE]
        rating_rows = ratings[case.pk]
        rating = rating_rows[-1] if rating_rows and rating_rows[-1].round == a.round else None
        meeting = meetings[case.pk][-1] if meetings[case.pk] else None
        round_risks = [r for r in risks[case.pk] if r.round == a.round]
        out.append({
            "case": case, "assessment": a, "status_label": workflow_for(KIND).state(case.status).label,
            "type_label": DecisionType(a.decision_type).label,
            "assessor": f"{plan.get_assessor_kind_display()}：{plan.assessor_name}" if plan else "",
            "period": f"{plan.start_date:%Y-%m-%d} 至 {plan.end_date:%Y-%m-%d}" if plan else "",
            "consultation": consult_text,
            "respondents": sum(c.participants for c in q), "support": sum(c.support for c in q),
            "against": sum(c.against for c in q), "strongly_against": sum(c.strongly_against for c in q),
            "risk_points": "\n".join(f"{i}. {r.description}" for i, r in enumerate(round_risks, 1)),
            "measures": "\n".join(f"{i}. {r.measures}（{r.responsible}）" for i, r in enumerate(round_risks, 1)),
            "contingency": rating.contingency_plan if rating else "",
            "computed_level": RiskLevel(rating.computed_level).label if rating else "",
            "level": RiskLevel(a.level).label if a.level else "",
            "rating_history": " → ".join(RiskLevel(r.level).label for r in rating_rows),
            "rounds": a.round,
            "meeting": f"{meeting.held_on:%Y-%m-%d} {meeting.body}（出席 {meeting.attendees} 人）" if meeting else "",
            "outcome": DecisionOutcome(a.outcome).label if a.outcome else "",
            "monitoring": (f"{len(monitors[case.pk])} 次，最近 {monitors[case.pk][-1].checked_on:%Y-%m-%d}："
                           f"{monitors[case.pk][-1].get_situation_display()}") if monitors[case.pk] else "",
            "deadline_state": case_deadline_state(case=case),
        })
    return out


def assessment_facts_for(*, user: User, case: Case) -> dict:
    """Everything the case page shows about a 稳评, round by round: plan, consultations,
    analysis, risk points, rating (the rule's level and reason beside the stated one),
    decisions and monitoring. Not found alike for a case out of scope or of another kind."""
    a = Assessment.objects.filter(case=case).first()
    if a is None or not case_visible(user=user, case=case):
        raise NotFound()
    rounds = []
    plans = {p.round: p for p in Plan.objects.filter(case=case)}
    analyses = {x.round: x for x in Analysis.objects.filter(case=case)}
    ratings = {r.round: r for r in Rating.objects.filter(case=case)}
    consults, risks = {}, {}
    for c in Consultation.objects.filter(case=case):
        consults.setdefault(c.round, []).append(c)
    for r in RiskPoint.objects.filter(case=case):
        risks.setdefault(r.round, []).append(r)
    for n in range(a.round, 0, -1):   # the current round first
        rating = ratings.get(n)
        rounds.append({
            "number": n, "is_current": n == a.round, "plan": plans.get(n), "consultations": consults.get(n, []),
            "tally": round_tally(case=case, round_no=n), "analysis": analyses.get(n), "risk_points": risks.get(n, []),
            "rating": rating,
            "adjusted": rating is not None and rating.level != rating.computed_level,
        })
    # What the rule would say now, while the current round is still collecting views.
    preview = None
    if a.round and a.round not in ratings and round_tally(case=case, round_no=a.round)["respondents"]:
        preview = round_rating_compute(case=case, round_no=a.round)
    blocked = ""
    if case.status in ("rated", "deferred") and a.level != RiskLevel.LOW:
        blocked = (f"本轮评估等级为{RiskLevel(a.level).label if a.level else '未评定'}：不能决定实施。"
                   "须修改决策方案、重新征求意见并重新评估；新的评估等级为低风险后方可决定实施。")
    return {
        "assessment": a, "type_label": DecisionType(a.decision_type).label,
        "level_label": RiskLevel(a.level).label if a.level else "", "rounds": rounds, "preview": preview,
        "meetings": list(DecisionMeeting.objects.filter(case=case).select_related("recorded_by")),
        "monitoring": list(Monitoring.objects.filter(case=case).select_related("recorded_by")),
        "implementation_blocked": blocked, "some_percent": some_percent(),
    }
