"""The 稳评 workflow (重大行政决策程序暂行条例 2019 Arts 22–24, 30; 发改投资〔2012〕2492号), as one
table. ../docs/workflows/assessment.md is drawn from it by `xinfang workflow-docs`; the
engine enforces it on every write path. Guards only read and raise GuardFailed with the
reason; effects live in services.py.

The path: 立项 → 评估方案 → 征求意见 → 分析评估（合法性、合理性、可行性、可控性；风险点与措施）
→ 评估报告（等级 高/中/低，按规则评定）→ 集体讨论决定（实施 / 暂缓实施 / 不实施）→ 跟踪监测.
A 高 or 中 rating cannot lead to 实施: the plan must be changed and assessed again (a new
round) until the new rating is 低.
"""
from xinfang.core.errors import GuardFailed
from xinfang.core.workflow import CREATE, State, Transition, TransitionContext, Who, Workflow, workflow_register

from . import schemas, services
from .models import Analysis, ConsultationForm, Consultation, Monitoring, RiskLevel, RiskPoint

KIND = "assessment"

STATES = [
    State("registered", "已立项（待制定评估方案）"),
    State("consulting", "征求意见"),
    State("analysing", "分析评估"),
    State("rated", "已评估（待集体决策）"),
    State("deferred", "暂缓实施"),
    State("implementing", "实施中（跟踪监测）"),
    State("completed", "跟踪监测结束", open=False),
    State("rejected", "决定不实施", open=False),
    State("withdrawn", "已撤回", open=False),
]


# --- guards and checks: read only, raise with the reason ----------------------------------

def _not_future(ctx: TransitionContext, field: str, label: str) -> None:
    value = getattr(ctx.payload, field)
    if value > ctx.today:
        raise GuardFailed(f"{label}不能晚于今天。", field=field)
    if value < ctx.case.received_date:
        raise GuardFailed(f"{label}不能早于立项日期（{ctx.case.received_date:%Y-%m-%d}）。", field=field)


def consultation_date_valid(ctx: TransitionContext) -> None:
    _not_future(ctx, "held_on", "征求意见日期")


def meeting_date_valid(ctx: TransitionContext) -> None:
    _not_future(ctx, "held_on", "会议日期")


def monitoring_date_valid(ctx: TransitionContext) -> None:
    _not_future(ctx, "checked_on", "监测日期")


def questionnaire_recorded(ctx: TransitionContext) -> None:
    """The rating is read from the round's questionnaires: without one there is nothing to rate."""
    round_no = ctx.case.assessment.round
    if not Consultation.objects.filter(case=ctx.case, round=round_no, form=ConsultationForm.QUESTIONNAIRE,
                                       participants__gt=0).exists():
        raise GuardFailed("本轮尚无问卷调查记录（含支持、反对人数），不能结束征求意见；风险等级须据此评定。")


def report_ready(ctx: TransitionContext) -> None:
    """2492号: the report states the four analyses, the risk points with their measures, and a
    contingency plan (the plan is in the report's own input)."""
    round_no = ctx.case.assessment.round
    if not Analysis.objects.filter(case=ctx.case, round=round_no).exists():
        raise GuardFailed("尚未录入本轮的合法性、合理性、可行性、可控性分析。")
    if not RiskPoint.objects.filter(case=ctx.case, round=round_no).exists():
        raise GuardFailed("尚未录入本轮的风险点及防范化解措施。")


def level_adjustment_valid(ctx: TransitionContext) -> None:
    """The rule's level stands unless the report rates more strictly, with a reason."""
    computed = services.round_rating_compute(case=ctx.case, round_no=ctx.case.assessment.round)
    adjusted = ctx.payload.adjusted_level
    services.level_adjustment_check(computed=computed.level.value, adjusted=adjusted.value if adjusted else None,
                                    reason=ctx.payload.adjustment_reason)


def rating_permits_implementation(ctx: TransitionContext) -> None:
    """2492号 / DOMAIN.md: 高 or 中 — not approved until the plan is changed and re-rated; only
    a 低 rating of the current round may lead to 实施 (with conditions)."""
    level = ctx.case.assessment.level
    if level != RiskLevel.LOW:
        label = RiskLevel(level).label if level else "未评定"
        raise GuardFailed(f"本轮评估等级为「{label}」，不能决定实施；须修改决策方案、重新评估，"
                          "新的评估等级为低风险后方可决定实施。")


def monitoring_recorded(ctx: TransitionContext) -> None:
    if not Monitoring.objects.filter(case=ctx.case).exists():
        raise GuardFailed("尚无跟踪监测记录，不能结束跟踪监测。")


# --- the table ----------------------------------------------------------------------------

HANDLER = Who("handler")          # 承办单位的评估人员
REVIEWER = Who("reviewer")        # 承办单位负责人（审核）
OWNER_STAFF = (HANDLER, REVIEWER)
DECIDER = (Who("leader", at="scope"), REVIEWER)   # records the 决策机关's collective decision

TRANSITIONS = [
    Transition("register", "稳评立项", (CREATE,), "registered",
               (Who("handler", at="scope"), Who("reviewer", at="scope"), Who("leader", at="scope"))),
    Transition("plan_submit", "制定评估方案", ("registered",), "consulting", OWNER_STAFF,
               payload=schemas.PlanIn, effect=services.effect_plan, starts=("assessment_report",)),
    Transition("consultation_add", "记录征求意见", ("consulting",), None, OWNER_STAFF,
               payload=schemas.ConsultationIn, checks=(consultation_date_valid,),
               effect=services.effect_consultation),
    Transition("consultation_close", "结束征求意见，进入分析评估", ("consulting",), "analysing", OWNER_STAFF,
               payload=schemas.NoteIn, checks=(questionnaire_recorded,), effect=services.effect_note),
    Transition("analysis_record", "记录四性分析", ("analysing",), None, OWNER_STAFF,
               payload=schemas.AnalysisIn, effect=services.effect_analysis),
    Transition("risk_point_add", "记录风险点及措施", ("analysing",), None, OWNER_STAFF,
               payload=schemas.RiskPointIn, effect=services.effect_risk_point),
    Transition("report_submit", "提交评估报告（评定风险等级）", ("analysing",), "rated", OWNER_STAFF,
               payload=schemas.ReportIn, checks=(report_ready, level_adjustment_valid),
               effect=services.effect_report, stops=("assessment_report",), document="社会稳定风险评估报告"),
    Transition("plan_revise", "修改决策方案并重新评估", ("rated", "deferred"), "consulting", OWNER_STAFF,
               payload=schemas.PlanRevisionIn, effect=services.effect_plan, starts=("assessment_report",)),
    Transition("decide_implement", "集体决策：实施", ("rated", "deferred"), "implementing", DECIDER,
               payload=schemas.ImplementIn, guards=(rating_permits_implementation,), checks=(meeting_date_valid,),
               effect=services.effect_implement, starts=("assessment_monitoring",)),
    Transition("decide_defer", "集体决策：暂缓实施", ("rated",), "deferred", DECIDER,
               payload=schemas.MeetingIn, checks=(meeting_date_valid,), effect=services.effect_defer),
    Transition("decide_reject", "集体决策：不实施", ("rated", "deferred"), "rejected", DECIDER,
               payload=schemas.MeetingIn, checks=(meeting_date_valid,), effect=services.effect_reject),
    Transition("monitoring_add", "记录跟踪监测", ("implementing",), None, OWNER_STAFF,
               payload=schemas.MonitoringIn, checks=(monitoring_date_valid,), effect=services.effect_monitoring,
               stops=("assessment_monitoring",), starts=("assessment_monitoring",)),
    Transition("monitoring_close", "结束跟踪监测", ("implementing",), "completed", (REVIEWER,),
               payload=schemas.MonitoringCloseIn, checks=(monitoring_recorded,), effect=services.effect_note,
               stops=("assessment_monitoring",)),
    Transition("withdraw", "撤回（决策事项不再推进）", ("registered", "consulting", "analysing"), "withdrawn",
               (REVIEWER, Who("leader", at="scope")), payload=schemas.ReasonIn, effect=services.effect_note,
               stops=("assessment_report",)),
]

ASSESSMENT_WORKFLOW = workflow_register(Workflow(
    kind=KIND, label="社会稳定风险评估", number_prefix="WP", states=STATES, transitions=TRANSITIONS))
