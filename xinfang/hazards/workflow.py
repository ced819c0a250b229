"""The hazard workflow, as one table covering both grades (安全生产法 2021 Art 41;
16号令 安全生产事故隐患排查治理暂行规定). docs/workflows/hazard.md is drawn from it by
`xinfang workflow-docs`; the engine enforces it on every write path.

Ordinary hazard (一般隐患): 当场整改 → 验收 → 销号, or 限期整改 (a clock to the date set)
→ 整改完成 → 验收 (a failed check sends it back to a new date) → 销号.
Major hazard (重大隐患): 治理方案 (五落实 + interim controls, a clock to its time limit) →
报告监管部门 → 挂牌督办 by the regulator → 申请复产/核销 → 现场审查 within 10 days
(16号令 Art 23) → 合格: 核销 (销号); 不合格: governance again to a new limit.
A major hazard is never closed off without a passed on-site review.

The two clocks that run to a date an order or a plan sets (hazard_rectification,
hazard_governance) are started by the effects, since their length is that date; the
transitions that end them declare the stop. Guards only read and raise GuardFailed.
"""
from xinfang.core.errors import GuardFailed
from xinfang.core.workflow import (
    ANY_OPEN,
    CREATE,
    State,
    Transition,
    TransitionContext,
    Who,
    Workflow,
    workflow_register,
)
from xinfang.orgs.models import Unit, UnitLevel

from . import schemas, services
from .models import CheckKind, CheckResult, Grade, HazardCheck

KIND = "hazard"

STATES = [
    State("registered", "已登记", public_label="隐患已登记"),
    State("rectifying", "限期整改中", public_label="限期整改中"),
    State("rectified", "已整改待验收", public_label="整改完成，待验收"),
    State("verified", "验收合格待销号", public_label="验收合格"),
    State("planned", "治理方案已制定", public_label="重大隐患治理方案已制定"),
    State("reported", "已报告监管部门", public_label="已报告监管部门"),
    State("governing", "挂牌督办治理中", public_label="挂牌督办，治理中"),
    State("review_pending", "待现场审查", public_label="已申请复产，待现场审查"),
    State("review_passed", "审查合格待核销", public_label="现场审查合格"),
    State("closed", "已销号", open=False, public_label="隐患已销号"),
]


# --- guards: read only, raise with the reason -------------------------------------------

def grade_ordinary(ctx: TransitionContext) -> None:
    if ctx.case.hazard.grade != Grade.ORDINARY:
        raise GuardFailed("重大隐患须制定治理方案、报告监管部门并经现场审查，不能按一般隐患整改。")


def grade_major(ctx: TransitionContext) -> None:
    if ctx.case.hazard.grade != Grade.MAJOR:
        raise GuardFailed("一般隐患直接整改即可；确需停产停业或外部力量治理的，请先升级为重大隐患。")


def major_closed_only_after_passed_review(ctx: TransitionContext) -> None:
    """16号令 Art 23: a major hazard is 核销 only once the regulator's on-site review after
    the application to resume has passed."""
    hazard = ctx.case.hazard
    if hazard.grade != Grade.MAJOR:
        return
    review = HazardCheck.objects.filter(case=ctx.case, kind=CheckKind.ONSITE).order_by("-checked_on", "-id").first()
    if review is None or review.result != CheckResult.PASSED or hazard.resume_applied_on is None \
            or review.checked_on < hazard.resume_applied_on:
        raise GuardFailed("重大隐患未经监管部门现场审查合格，不能销号。")


def actor_is_regulator(ctx: TransitionContext) -> None:
    """挂牌督办, the on-site review and 核销 are the regulator's: staff of the unit the hazard
    was reported to, or of a unit above it."""
    regulator = ctx.case.hazard.regulator_unit
    unit = getattr(ctx.actor, "unit", None)
    if regulator is None or unit is None or not regulator.is_within(unit):
        raise GuardFailed("只有接到报告的监管部门（或其上级）可以执行此操作。")


def regulator_covers_owner(ctx: TransitionContext) -> None:
    """The regulator stands above the responsible unit: a higher government, or a department
    of the government the unit belongs to (e.g. 区应急管理局 over a street)."""
    unit = Unit.objects.filter(pk=ctx.payload.unit_id, is_active=True).first()
    if unit is None:
        raise GuardFailed("监管部门不存在或已停用。", field="unit_id")
    area = unit.parent if unit.level in (UnitLevel.DEPARTMENT, UnitLevel.BUREAU) and unit.parent_id else unit
    owner = ctx.case.owner_unit
    if owner.pk == unit.pk or not owner.is_within(area):
        raise GuardFailed(f"「{unit.name}」不是「{owner.name}」的上级监管部门。", field="unit_id")


def _not_past(ctx: TransitionContext, value, field: str, label: str) -> None:
    if value is not None and value <= ctx.today:
        raise GuardFailed(f"{label}须晚于今天。", field=field)


def rectify_by_ahead(ctx: TransitionContext) -> None:
    _not_past(ctx, ctx.payload.rectify_by, "rectify_by", "整改期限")


def time_limit_ahead(ctx: TransitionContext) -> None:
    _not_past(ctx, ctx.payload.time_limit, "time_limit", "治理时限")


def completed_on_valid(ctx: TransitionContext) -> None:
    day = ctx.payload.completed_on
    if day is not None and (day > ctx.today or day < ctx.case.received_date):
        raise GuardFailed("整改完成日期须在发现日期与今天之间。", field="completed_on")


# --- the table ----------------------------------------------------------------------------

INSPECTOR = Who("inspector")                  # of the responsible unit
REVIEWER = Who("reviewer")
REGULATOR = Who("supervisor", at="scope")     # with actor_is_regulator
REGULATOR_INSPECTOR = Who("inspector", at="scope")

TRANSITIONS = [
    Transition("register", "登记隐患", (CREATE,), "registered",
               (Who("inspector", at="scope"), Who("mediator", at="scope"), Who("supervisor", at="scope")),
               effect=services.effect_register, public=True),
    # 一般隐患
    Transition("fix_on_spot", "当场整改", ("registered",), "rectified", (INSPECTOR,),
               payload=schemas.FixOnSpotIn, guards=(grade_ordinary,), effect=services.effect_fix_on_spot,
               public=True),
    Transition("order_rectification", "责令限期整改", ("registered",), "rectifying", (INSPECTOR,),
               payload=schemas.OrderRectificationIn, guards=(grade_ordinary,), checks=(rectify_by_ahead,),
               effect=services.effect_order_rectification, public=True, document="责令限期整改指令书"),
    Transition("report_rectified", "整改完成", ("rectifying",), "rectified", (INSPECTOR,),
               payload=schemas.RectifiedIn, checks=(completed_on_valid,), effect=services.effect_rectified,
               stops=("hazard_rectification",), public=True),
    Transition("verify", "验收合格", ("rectified",), "verified", (INSPECTOR, REVIEWER),
               payload=schemas.CheckPassIn, guards=(grade_ordinary,), effect=services.effect_verify, public=True),
    Transition("verify_fail", "验收不合格，重新整改", ("rectified",), "rectifying", (INSPECTOR, REVIEWER),
               payload=schemas.CheckFailIn, guards=(grade_ordinary,), checks=(rectify_by_ahead,),
               effect=services.effect_verify_fail, public=True),
    Transition("close_off", "销号", ("verified",), "closed", (REVIEWER, INSPECTOR),
               payload=schemas.CloseOffIn, guards=(grade_ordinary, major_closed_only_after_passed_review),
               effect=services.effect_close_off, public=True),
    Transition("upgrade_major", "升级为重大隐患", ("registered", "rectifying", "rectified"), "registered",
               (INSPECTOR, REVIEWER), payload=schemas.UpgradeIn, guards=(grade_ordinary,),
               effect=services.effect_upgrade, stops=("hazard_rectification",), public=True),
    # 重大隐患
    Transition("record_plan", "制定治理方案（五落实）", ("registered", "planned"), "planned", (INSPECTOR,),
               payload=schemas.PlanIn, guards=(grade_major,), checks=(time_limit_ahead,),
               effect=services.effect_plan, public=True, document="重大事故隐患治理方案"),
    Transition("report_to_regulator", "报告监管部门", ("planned",), "reported", (INSPECTOR, REVIEWER),
               payload=schemas.ReportIn, guards=(grade_major,), checks=(regulator_covers_owner,),
               effect=services.effect_report, public=True, document="重大事故隐患报告"),
    Transition("supervise", "挂牌督办", ("reported",), "governing", (REGULATOR,),
               payload=schemas.SuperviseIn, guards=(grade_major, actor_is_regulator),
               effect=services.effect_supervise, public=True, document="重大事故隐患挂牌督办通知书"),
    Transition("record_progress", "记录治理进展", ("governing",), None, (INSPECTOR, REGULATOR),
               payload=schemas.ProgressIn, effect=services.effect_note),
    Transition("apply_resume", "申请复产/核销", ("governing",), "review_pending", (INSPECTOR,),
               payload=schemas.ApplyResumeIn, guards=(grade_major,), effect=services.effect_apply_resume,
               stops=("hazard_governance",), starts=("hazard_resume_review",), public=True,
               document="恢复生产申请报告"),
    Transition("review_pass", "现场审查合格", ("review_pending",), "review_passed",
               (REGULATOR, REGULATOR_INSPECTOR), payload=schemas.ReviewPassIn, guards=(actor_is_regulator,),
               effect=services.effect_review_pass, stops=("hazard_resume_review",), public=True),
    Transition("review_fail", "现场审查不合格，重新治理", ("review_pending",), "governing",
               (REGULATOR, REGULATOR_INSPECTOR), payload=schemas.ReviewFailIn, guards=(actor_is_regulator,),
               checks=(time_limit_ahead,), effect=services.effect_review_fail, stops=("hazard_resume_review",),
               public=True, document="整改指令书"),
    Transition("close_off_major", "核销（重大隐患销号）", ("review_passed",), "closed", (REGULATOR,),
               payload=schemas.CloseOffIn, guards=(grade_major, actor_is_regulator,
                                                   major_closed_only_after_passed_review),
               effect=services.effect_close_off, public=True),
    # 三非、三违、三超, found at any time while the hazard is open
    Transition("record_violation", "记录违法违规行为", (ANY_OPEN,), None, (INSPECTOR, REGULATOR),
               payload=schemas.ViolationRecordIn, effect=services.effect_violation),
]

HAZARD_WORKFLOW = workflow_register(Workflow(
    kind=KIND, label="安全隐患", number_prefix="YH", states=STATES, transitions=TRANSITIONS))
