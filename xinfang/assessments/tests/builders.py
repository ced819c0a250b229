"""Building 稳评 cases into any state of the table through the real services (the `tree`
fixture's units: 住建局 owns the assessment, its handler_h and reviewer_h do the work, the
district leader records the collective decision)."""
import datetime as dt

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.core.models import Attachment, Case, Deadline, Event
from xinfang.core.services import case_transition
from xinfang.petitions.tests.builders import BASE_DAY

from ..models import Analysis, Assessment, Consultation, DecisionMeeting, Monitoring, Plan, Rating, RiskPoint
from ..services import assessment_register

__all__ = ["BASE_DAY", "act", "assessment_data", "build", "build_on", "register", "snapshot"]


def assessment_data(tree, **overrides) -> dict:
    data = dict(title="老旧小区片区改造房屋征收", content="东片区 12 栋老旧住宅拟实施征收改造，涉及居民安置与补偿。",
                decision_type="expropriation", owner_unit_id=tree.housing.pk, place_unit_id=tree.street_a.pk,
                location="甲街道东片区", affected_people=860, affected_households=312, decision_body="示范区人民政府")
    data.update(overrides)
    return data


def register(tree, actor=None, files=(), **overrides) -> Case:
    return assessment_register(actor=actor or tree.handler_h, data=assessment_data(tree, **overrides), files=files)


def act(case: Case, actor, action: str, **payload) -> Case:
    case.refresh_from_db()
    return case_transition(case=case, actor=actor, action=action, version=case.version, payload=payload)


PLAN = dict(assessor_kind="third_party", assessor_name="示范市社会稳定风险评估中心",
            scope_and_methods="征收范围内全部住户；问卷、走访、座谈、听证相结合。",
            start_date="2026-03-02", end_date="2026-03-31")
ANALYSIS = dict(legality="符合《国有土地上房屋征收与补偿条例》。", reasonableness="补偿标准不低于市场价。",
                feasibility="资金已列入年度预算。", controllability="已制定分片包户工作机制。")
RISK = dict(description="部分住户对补偿标准有异议，可能集体上访。", measures="逐户走访解释政策，设立咨询点。",
            responsible="示范区住建局")
REPORT = dict(contingency_plan="发生聚集时由属地街道牵头现场劝导，住建局答复政策。", conclusion="风险总体可控。")
MEETING = dict(held_on="2026-03-02", body="区政府常务会议", attendees=11, minutes="会议研究了评估报告。")

# Questionnaire counts that the rule rates 低 / 中 / 高 (200 respondents each).
COUNTS = {
    "low": dict(participants=200, support=170, against=20, strongly_against=4),
    "medium": dict(participants=200, support=90, against=80, strongly_against=40),
    "high": dict(participants=200, support=20, against=170, strongly_against=150),
}


def questionnaire(level: str, held_on: str | None = None) -> dict:
    return dict(form="questionnaire", held_on=held_on or clock.today().isoformat(), summary="问卷结果汇总。",
                **COUNTS[level])


def meeting() -> dict:
    return dict(MEETING, held_on=clock.today().isoformat())


def rate(tree, case: Case, level: str) -> Case:
    """From consulting: one questionnaire giving `level`, analysis, a risk point, the report."""
    act(case, tree.handler_h, "consultation_add", **questionnaire(level))
    act(case, tree.handler_h, "consultation_close")
    act(case, tree.handler_h, "analysis_record", **ANALYSIS)
    act(case, tree.handler_h, "risk_point_add", **RISK)
    act(case, tree.reviewer_h, "report_submit", **REPORT)
    case.refresh_from_db()
    return case


def build(tree, state: str, level: str = "low") -> Case:
    """A fresh assessment in `state` (call inside clock.frozen); rated at `level` where it has one."""
    case = register(tree)
    if state == "registered":
        return case
    if state == "withdrawn":
        act(case, tree.reviewer_h, "withdraw", reason="项目已由上级调整，不再推进。")
        case.refresh_from_db()
        return case
    act(case, tree.handler_h, "plan_submit", **PLAN)
    if state == "consulting":
        case.refresh_from_db()
        return case
    if state == "analysing":
        act(case, tree.handler_h, "consultation_add", **questionnaire(level))
        act(case, tree.handler_h, "consultation_close")
        case.refresh_from_db()
        return case
    rate(tree, case, level if state in ("rated", "deferred", "rejected") else "low")
    if state == "rated":
        return case
    if state in ("deferred", "rejected"):
        act(case, tree.leader, "decide_defer" if state == "deferred" else "decide_reject", **meeting())
    elif state in ("implementing", "completed"):
        act(case, tree.leader, "decide_implement", **meeting(), conditions="落实逐户包保责任。")
        if state == "completed":
            act(case, tree.handler_h, "monitoring_add", checked_on=clock.today().isoformat(), situation="stable",
                findings="征收平稳推进。")
            act(case, tree.reviewer_h, "monitoring_close", note="征收完成，未发生不稳定事件。")
    case.refresh_from_db()
    assert case.status == state, (state, case.status)
    return case


def build_on(tree, state: str, day: dt.date = BASE_DAY, **kw) -> Case:
    with clock.frozen(day):
        return build(tree, state, **kw)


def snapshot(case: Case) -> dict:
    """Everything a refused action must leave exactly as it was."""
    rows = {m.__name__: list(m.objects.filter(case=case).order_by("pk").values())
            for m in (Plan, Consultation, Analysis, RiskPoint, Rating, DecisionMeeting, Monitoring)}
    return {
        "case": Case.objects.values().get(pk=case.pk),
        "assessment": Assessment.objects.values().get(case_id=case.pk),
        "rows": rows,
        "events": list(Event.objects.filter(case=case).values_list("seq", "action", "from_status", "to_status")),
        "deadlines": list(Deadline.objects.filter(case=case).order_by("id").values()),
        "attachments": Attachment.objects.filter(case=case).count(),
        "audit": AuditEntry.objects.count(),
    }
