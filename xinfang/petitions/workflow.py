"""The petition workflow (信访工作条例 2022), as one table. ../docs/workflows/petition.md is
drawn from it by `xinfang workflow-docs`; the engine enforces it on every write path.
Guards only read and raise GuardFailed with the reason; effects live in services.py."""
from django.utils import timezone

from xinfang.core.errors import GuardFailed
from xinfang.core.models import Case, Deadline
from xinfang.core.selectors import case_visible
from xinfang.core.workflow import ANY_OPEN, CREATE, State, Transition, TransitionContext, Who, Workflow, \
    workflow_register
from xinfang.orgs.models import Unit

from . import schemas, services
from .models import Channel, ClaimType, DeclineChannel, OnSpotOccasion, Satisfaction

KIND = "petition"

STATES = [
    State("registered", "已登记", public_label="已登记，待受理"),
    State("assigned", "已交办", public_label="已交办有关单位"),
    State("transferred", "已转送", public_label="已转送有权处理机关"),
    State("accepted", "已受理", public_label="已受理，正在办理"),
    State("extension_requested", "延期审批中", public_label="正在办理"),
    State("suspended", "中止（听证等）", public_label="中止办理（听证等）"),
    State("answer_pending", "答复待审核", public_label="正在办理"),
    State("answered", "已答复", public_label="已出具处理意见"),
    State("review_requested", "复查申请", public_label="已申请复查"),
    State("under_review", "复查中", public_label="复查中"),
    State("reviewed", "已复查", public_label="已出具复查意见"),
    State("rereview_requested", "复核申请", public_label="已申请复核"),
    State("under_rereview", "复核中", public_label="复核中"),
    State("rereview_suspended", "复核中止（听证）", public_label="复核听证中"),
    State("concluded", "已终结", open=False, public_label="复核完毕，事项终结"),
    State("closed", "已办结", open=False, public_label="已办结"),
    State("declined", "不予受理", open=False, public_label="不予受理"),
    State("merged", "并案", open=False, public_label="已并入此前同一事项办理"),
]


# --- guards: read only, raise with the reason -------------------------------------

def _target_unit(ctx: TransitionContext) -> Unit:
    unit = Unit.objects.filter(pk=ctx.payload.unit_id, is_active=True).first()
    if unit is None:
        raise GuardFailed("目标单位不存在或已停用。", field="unit_id")
    return unit


def target_below_owner(ctx: TransitionContext) -> None:
    """交办 goes down: only to a unit below the one that holds the case (条例 Art 22)."""
    unit = _target_unit(ctx)
    area = ctx.case.owner_unit.jurisdiction()
    if unit.pk in (area.pk, ctx.case.owner_unit_id) or not unit.is_within(area):
        raise GuardFailed(f"只能交办给「{area.name}」所属的下级单位。", field="unit_id")


def target_outside_owner(ctx: TransitionContext) -> None:
    """转送 goes across: to a competent organ outside the unit's own subtree."""
    unit = _target_unit(ctx)
    if unit.is_within(ctx.case.owner_unit.jurisdiction()):
        raise GuardFailed("转送只能送往本单位系统以外的有权处理机关；下级单位请用交办。", field="unit_id")


def target_not_accused(ctx: TransitionContext) -> None:
    """条例 Art 30, 46: an accusation is never passed to the unit it accuses."""
    accused = ctx.case.accused_unit
    if accused is not None and _target_unit(ctx).is_within(accused):
        raise GuardFailed("检举控告事项不得交由被检举控告的单位办理。", field="unit_id")


def extension_not_used(ctx: TransitionContext) -> None:
    """条例 Art 34: the handling limit may be extended once, by at most 30 days."""
    if ctx.case.petition.extension_days:
        raise GuardFailed("办理期限已延长过一次，不能再次延期。")


def _window_open(ctx: TransitionContext, key: str, label: str) -> None:
    window = Deadline.objects.filter(case=ctx.case, key=key, active=True).first()
    if window is None or ctx.today > window.due_date:
        due = f"（截止 {window.due_date:%Y年%m月%d日}）" if window else ""
        raise GuardFailed(f"{label}已过{due}，不能再申请。")


def review_window_open(ctx: TransitionContext) -> None:
    """条例 Art 35: 复查 within 30 days of receiving the answer."""
    _window_open(ctx, "review_window", "复查申请期限")


def rereview_window_open(ctx: TransitionContext) -> None:
    """条例 Art 36: 复核 within 30 days of receiving the 复查意见."""
    _window_open(ctx, "rereview_window", "复核申请期限")


def has_upper_organ(ctx: TransitionContext) -> None:
    upper = ctx.case.owner_unit.parent
    if upper is None:
        raise GuardFailed("没有上一级机关可受理复查/复核申请。")
    if ctx.case.accused_unit is not None and upper.is_within(ctx.case.accused_unit):
        # 条例 Art 30: the accused organ may not review an accusation against itself; the
        # 信访 office at the level above names the reviewing organ instead.
        raise GuardFailed("上一级机关即被检举控告单位，不能由其复查/复核，请由上级信访部门另行指定机关。")


def may_close(ctx: TransitionContext) -> None:
    """Closed when the appeal window lapsed unused, or the petitioner is satisfied."""
    petition = ctx.case.petition
    # Only a rating of the answer now standing counts: satisfaction with an earlier answer
    # says nothing about the 复查意见 that followed it.
    if petition.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASIC) \
            and petition.rated_stage == services.rating_stage(case=ctx.case):
        return
    key = "review_window" if ctx.case.status == "answered" else "rereview_window"
    window = Deadline.objects.filter(case=ctx.case, key=key, active=True).first()
    if window is not None and ctx.today <= window.due_date:
        raise GuardFailed(f"信访人申请期限未满（至 {window.due_date:%Y年%m月%d日}），且未表示满意，暂不能办结。")


def decline_channel_valid(ctx: TransitionContext) -> None:
    """A matter already concluded after 复核 is not accepted again (条例 Art 36)."""
    if ctx.payload.channel != DeclineChannel.CONCLUDED:
        return
    number = ctx.payload.concluded_case_number.strip()
    if not number:
        raise GuardFailed("以“已终结”为由不予受理时，须填写已终结事项的编号。", field="concluded_case_number")
    if not Case.objects.filter(number=number, kind=KIND, status="concluded").exists():
        raise GuardFailed(f"编号 {number} 不是已终结的信访事项。", field="concluded_case_number")


def merge_target_valid(ctx: TransitionContext) -> None:
    """重复访: the same person, the same matter, still open."""
    target = Case.objects.filter(number=ctx.payload.case_number, kind=KIND).first()
    if target is None or target.pk == ctx.case.pk or not case_visible(user=ctx.actor, case=target):
        raise GuardFailed("原事项编号不存在。", field="case_number")
    if not target.is_open:
        raise GuardFailed("原事项已经办结，不能并案；已终结的事项请以“已终结”为由不予受理。", field="case_number")
    if not services.petitioners_overlap(case_a=ctx.case, case_b=target):
        raise GuardFailed("两件事项的信访人不同，不属于重复信访。", field="case_number")


def not_rated_at_this_stage(ctx: TransitionContext) -> None:
    stage = services.rating_stage(case=ctx.case)
    if not stage:
        raise GuardFailed("本事项尚无送达的答复意见，无可评价。")
    if ctx.case.petition.rated_stage == stage:
        raise GuardFailed("本阶段的答复已经评价过。")


def leader_not_owner_yet(ctx: TransitionContext) -> None:
    if ctx.case.leader_id == getattr(ctx.actor, "pk", None):
        raise GuardFailed("您已是本事项的包案领导。")


def handler_in_owner_unit(ctx: TransitionContext) -> None:
    from xinfang.orgs.models import User
    user = User.objects.filter(pk=ctx.payload.user_id, unit=ctx.case.owner_unit, is_active=True,
                               roles__code="handler").first()
    if user is None:
        raise GuardFailed("承办人必须是本单位的承办人员。", field="user_id")


def on_spot_same_day(ctx: TransitionContext) -> None:
    """现场办结 is recorded on the day the matter is registered (at the window, or back from
    the field visit that received it): a matter left waiting is handled the ordinary way."""
    registered_on = timezone.localdate(ctx.case.created_at)
    if ctx.today != registered_on:
        raise GuardFailed(f"现场办结只能在登记当日（{registered_on:%Y年%m月%d日}）办理；"
                          "此后请按受理、办理、答复的程序办理。")


def on_spot_resolvable(ctx: TransitionContext) -> None:
    """Only a simple matter the registering unit can settle itself is resolved on the spot
    (条例 Art 4: problems solved where they arise). Not: a collective visit (Art 20), an
    accusation against a unit (Arts 30, 46: never settled by the window that took it, and the
    accused must not handle it), a skip-level visit or a matter assigned from above (the
    higher organ expects it handled and answered in the ordinary way)."""
    petition = ctx.case.petition
    if petition.is_collective:
        raise GuardFailed("集体访（5人及以上）不适用现场办结。", field="person_count")
    if petition.claim_type == ClaimType.ACCUSATION and ctx.case.accused_unit_id:
        raise GuardFailed("有被反映单位的检举控告事项不适用现场办结。", field="accused_unit_id")
    if petition.is_skip_level:
        raise GuardFailed("越级信访事项不适用现场办结。", field="is_skip_level")
    if petition.channel == Channel.HIGHER:
        raise GuardFailed("上级交办的事项不适用现场办结，须按交办要求办理并报告结果。", field="channel")
    if ctx.case.owner_unit_id != ctx.case.registered_unit_id:
        raise GuardFailed("只有登记单位自己能够办结的事项才适用现场办结。")


def on_spot_window_received_today(ctx: TransitionContext) -> None:
    """At the window the matter is received, registered and resolved on one day."""
    if ctx.payload.occasion == OnSpotOccasion.WINDOW and ctx.case.received_date != ctx.today:
        raise GuardFailed("接待窗口当场办结的事项，收到日期应为当日；事后补录的请选“实地走访现场办结”或按一般程序办理。",
                          field="occasion")


# --- the table ----------------------------------------------------------------------

REGISTRAR = Who("registrar")
HANDLER = Who("handler")
REVIEWER = Who("reviewer")
PUBLIC = Who("public")
SYSTEM = Who("system")
REGISTRY = Who("registrar", at="registered")

TRANSITIONS = [
    Transition("register", "登记", (CREATE,), "registered", (Who("registrar", at="scope"), PUBLIC),
               starts=("acceptance_notice",), public=True, public_label="信访事项已登记"),
    Transition("assign", "交办", ("registered",), "assigned", (REGISTRAR,),
               payload=schemas.UnitTargetIn, checks=(target_below_owner, target_not_accused),
               effect=services.effect_hand_over, starts=("objection_window",), public=True),
    Transition("transfer", "转送", ("registered",), "transferred", (REGISTRAR,),
               payload=schemas.UnitTargetIn, checks=(target_outside_owner, target_not_accused),
               effect=services.effect_hand_over, stops=("acceptance_notice",), starts=("objection_window",),
               public=True),
    Transition("object", "退回（不属本单位职责）", ("assigned", "transferred"), "registered", (REGISTRAR, HANDLER),
               payload=schemas.ReasonIn, effect=services.effect_object,
               stops=("objection_window",), starts=("acceptance_notice",)),
    Transition("record_receipt", "确认对方机关已收到（转送办结）", ("transferred",), "closed", (REGISTRY,),
               payload=schemas.NoteIn, effect=services.effect_note, stops=("objection_window",), public=True),
    Transition("accept", "受理", ("registered", "assigned", "transferred"), "accepted", (REGISTRAR, HANDLER),
               payload=schemas.NoteIn, effect=services.effect_accept,
               stops=("acceptance_notice", "objection_window"), starts=("handling",), public=True,
               public_label="信访事项已受理", document="受理告知书"),
    Transition("decline", "不予受理", ("registered",), "declined", (REGISTRAR,),
               payload=schemas.DeclineIn, checks=(decline_channel_valid,), effect=services.effect_decline,
               stops=("acceptance_notice",), public=True, document="不予受理告知书"),
    Transition("resolve_on_spot", "现场办结", ("registered",), "closed", (REGISTRY, Who("handler", at="registered")),
               payload=schemas.OnSpotIn, guards=(on_spot_same_day, on_spot_resolvable),
               checks=(on_spot_window_received_today,), effect=services.effect_resolve_on_spot,
               stops=("acceptance_notice",), public=True, public_label="已现场办结"),
    Transition("merge_as_repeat", "并入原事项（重复信访）", ("registered",), "merged", (REGISTRAR,),
               payload=schemas.MergeIn, checks=(merge_target_valid,), effect=services.effect_merge,
               stops=("acceptance_notice",), public=True),
    Transition("designate_handler", "指定承办人", (ANY_OPEN,), None, (REGISTRAR, REVIEWER, Who("leader")),
               payload=schemas.HandlerIn, checks=(handler_in_owner_unit,), effect=services.effect_designate),
    Transition("request_extension", "申请延期", ("accepted",), "extension_requested", (HANDLER,),
               payload=schemas.ExtensionRequestIn, guards=(extension_not_used,), effect=services.effect_note),
    Transition("approve_extension", "批准延期", ("extension_requested",), "accepted", (REVIEWER,),
               payload=schemas.ExtensionApproveIn, guards=(extension_not_used,),
               effect=services.effect_extend, public=True, document="延期告知书"),
    Transition("refuse_extension", "不批准延期", ("extension_requested",), "accepted", (REVIEWER,),
               payload=schemas.ReasonIn, effect=services.effect_note),
    Transition("suspend", "中止办理（听证等）", ("accepted",), "suspended", (REVIEWER,),
               payload=schemas.ReasonIn, effect=services.effect_note, pauses=("handling",), public=True),
    Transition("resume", "恢复办理", ("suspended",), "accepted", (HANDLER, REVIEWER),
               payload=schemas.NoteIn, effect=services.effect_note, resumes=("handling",), public=True),
    Transition("submit_answer", "提交处理意见", ("accepted",), "answer_pending", (HANDLER,),
               payload=schemas.AnswerIn, effect=services.effect_answer_submit),
    Transition("return_answer", "退回处理意见", ("answer_pending",), "accepted", (REVIEWER,),
               payload=schemas.ReasonIn, effect=services.effect_answer_return),
    Transition("approve_answer", "审核通过并送达处理意见", ("answer_pending",), "answered", (REVIEWER,),
               payload=schemas.NoteIn, effect=services.effect_answer_approve,
               stops=("handling",), starts=("review_window",), public=True, document="处理意见书"),
    Transition("request_review", "申请复查", ("answered",), "review_requested", (PUBLIC, REGISTRY, REGISTRAR),
               payload=schemas.ReasonIn, guards=(review_window_open, has_upper_organ),
               effect=services.effect_escalate, stops=("review_window",), public=True),
    Transition("accept_review", "受理复查", ("review_requested",), "under_review", (REGISTRAR, REVIEWER),
               payload=schemas.NoteIn, effect=services.effect_note, starts=("review_answer",), public=True),
    Transition("answer_review", "出具复查意见", ("under_review",), "reviewed", (REVIEWER,),
               payload=schemas.ReviewAnswerIn, effect=services.effect_review_answer,
               stops=("review_answer",), starts=("rereview_window",), public=True, document="复查意见书"),
    Transition("request_rereview", "申请复核", ("reviewed",), "rereview_requested", (PUBLIC, REGISTRY, REGISTRAR),
               payload=schemas.ReasonIn, guards=(rereview_window_open, has_upper_organ),
               effect=services.effect_escalate, stops=("rereview_window",), public=True),
    Transition("accept_rereview", "受理复核", ("rereview_requested",), "under_rereview", (REGISTRAR, REVIEWER),
               payload=schemas.NoteIn, effect=services.effect_note, starts=("rereview_answer",), public=True),
    Transition("suspend_rereview", "复核听证（期间不计入期限）", ("under_rereview",), "rereview_suspended", (REVIEWER,),
               payload=schemas.ReasonIn, effect=services.effect_note, pauses=("rereview_answer",), public=True),
    Transition("resume_rereview", "听证结束，恢复复核", ("rereview_suspended",), "under_rereview", (REVIEWER,),
               payload=schemas.NoteIn, effect=services.effect_note, resumes=("rereview_answer",), public=True),
    Transition("answer_rereview", "出具复核意见（终结）", ("under_rereview",), "concluded", (REVIEWER,),
               payload=schemas.ReviewAnswerIn, effect=services.effect_review_answer,
               stops=("rereview_answer",), public=True, document="复核意见书"),
    Transition("close", "办结", ("answered", "reviewed"), "closed", (SYSTEM, REGISTRY, REGISTRAR),
               payload=schemas.NoteIn, guards=(may_close,), effect=services.effect_note,
               stops=("review_window", "rereview_window"), public=True),
    Transition("rate", "评价", ("answered", "reviewed", "closed", "concluded"), None, (PUBLIC, REGISTRY),
               payload=schemas.RateIn, guards=(not_rated_at_this_stage,), effect=services.effect_rate,
               public=True),
    Transition("own", "领导包案", (ANY_OPEN,), None, (Who("leader", at="scope"),),
               payload=schemas.NoteIn, guards=(leader_not_owner_yet,), effect=services.effect_own),
]

PETITION_WORKFLOW = workflow_register(Workflow(
    kind=KIND, label="信访事项", number_prefix="XF", states=STATES, transitions=TRANSITIONS))
