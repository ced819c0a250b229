"""The dispute workflow (人民调解法 2010, with 三调对接), as one table. docs/workflows/dispute.md
is drawn from it by `xinfang workflow-docs`; the engine enforces it on every write path.
Guards only read and raise GuardFailed with the reason; effects live in services.py."""
from xinfang.core.errors import GuardFailed
from xinfang.core.models import Case, Deadline
from xinfang.core.selectors import case_visible
from xinfang.core.workflow import (
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
from .models import ConfirmationResult, EndReason, Performance, Track

KIND = "dispute"

STATES = [
    State("registered", "已登记（待受理调解）"),
    State("mediating", "调解中"),
    State("agreed", "已达成协议（履行中）"),
    State("confirmation_applied", "司法确认审查中"),
    State("resolved", "已化解（协议已履行）", open=False),
    State("ended", "调解终止（已告知其他途径）", open=False),
    State("referred_police", "已报告公安机关", open=False),
    State("to_petition", "转入信访渠道", open=False),
]


# --- guards: read only, raise with the reason -------------------------------------

def _not_after_today(ctx: TransitionContext, day, field: str, label: str) -> None:
    if day > ctx.today:
        raise GuardFailed(f"{label}不能晚于今天。", field=field)
    if day < ctx.case.received_date:
        raise GuardFailed(f"{label}不能早于纠纷发现日期（{ctx.case.received_date:%Y年%m月%d日}）。", field=field)


def session_dates_valid(ctx: TransitionContext) -> None:
    _not_after_today(ctx, ctx.payload.held_on, "held_on", "调解日期")


def mediators_named(ctx: TransitionContext) -> None:
    """人民调解法 Art 19: at least one mediator conducts the mediation."""
    if not services.names_split(ctx.payload.mediators):
        raise GuardFailed("请填写至少一名调解员。", field="mediators")


def mediators_change_valid(ctx: TransitionContext) -> None:
    """Art 23: a party may refuse a mediator; someone must still mediate afterwards."""
    active = set(services.mediators_active(case=ctx.case))
    refused = services.names_split(ctx.payload.refused)
    unknown = [n for n in refused if n not in active]
    if unknown:
        raise GuardFailed(f"「{'、'.join(unknown)}」不是本纠纷当前的调解员。", field="refused")
    left = (active - set(refused)) | set(services.names_split(ctx.payload.added))
    if not left:
        raise GuardFailed("拒绝后没有调解员了，请同时新增当事人认可的调解员。", field="added")


def session_recorded(ctx: TransitionContext) -> None:
    """人民调解法 Art 27: mediation is recorded; an agreement follows at least one recorded session."""
    if not ctx.case.mediation_sessions.exists():
        raise GuardFailed("尚无调解记录，请先记录调解过程。")


def agreement_dates_valid(ctx: TransitionContext) -> None:
    _not_after_today(ctx, ctx.payload.signed_on, "signed_on", "协议签订日期")


def _confirmation_window(case: Case) -> Deadline | None:
    return Deadline.objects.filter(case=case, key="dispute_confirmation_window", active=True).first()


def confirmation_window_running(ctx: TransitionContext) -> None:
    """人民调解法 Art 33: there must be an agreement whose 30-day window has not been used."""
    if _confirmation_window(ctx.case) is None:
        raise GuardFailed("没有可申请司法确认的调解协议（或已申请过）。")


def confirmation_applied_in_time(ctx: TransitionContext) -> None:
    """人民调解法 Art 33: applied for within 30 days of the agreement taking effect."""
    window = _confirmation_window(ctx.case)
    applied = ctx.payload.applied_on or ctx.today
    if applied > ctx.today:
        raise GuardFailed("申请日期不能晚于今天。", field="applied_on")
    agreement = services.agreement_current(case=ctx.case)
    if agreement is not None and applied < agreement.signed_on:
        raise GuardFailed("申请日期不能早于调解协议生效日期。", field="applied_on")
    if window is not None and applied > window.due_date:
        raise GuardFailed(
            f"司法确认须自调解协议生效之日起30日内由双方共同申请（人民调解法第33条），"
            f"本协议的申请期限已于{window.due_date:%Y年%m月%d日}届满。", field="applied_on")


def ruling_dates_valid(ctx: TransitionContext) -> None:
    pending = services.confirmation_pending(case=ctx.case)
    if ctx.payload.ruling_on > ctx.today:
        raise GuardFailed("裁定日期不能晚于今天。", field="ruling_on")
    if pending is not None and ctx.payload.ruling_on < pending.applied_on:
        raise GuardFailed("裁定日期不能早于申请日期。", field="ruling_on")


def followup_dates_valid(ctx: TransitionContext) -> None:
    agreement = services.agreement_current(case=ctx.case)
    if ctx.payload.visited_on > ctx.today:
        raise GuardFailed("回访日期不能晚于今天。", field="visited_on")
    if agreement is not None and ctx.payload.visited_on < agreement.signed_on:
        raise GuardFailed("回访日期不能早于协议签订日期。", field="visited_on")


def performed_in_full(ctx: TransitionContext) -> None:
    """人民调解法 Art 31: closed as resolved once a follow-up found the agreement performed."""
    last = services.followup_latest(case=ctx.case)
    if last is None or last.performance != Performance.PERFORMED:
        raise GuardFailed("回访尚未确认协议已全部履行，不能以“已化解”办结。")


def end_reason_fits(ctx: TransitionContext) -> None:
    """Before an agreement: refusal (Art 17), a party ending it (Art 23) or failure (Art 26);
    after one: only its non-performance (Art 32)."""
    after_agreement = ctx.case.status == "agreed"
    if after_agreement != (ctx.payload.reason == EndReason.NOT_PERFORMED):
        allowed = "协议未履行" if after_agreement else "拒绝调解、要求终止或调解不成"
        raise GuardFailed(f"当前状态下终止原因只能是：{allowed}。", field="reason")


def confirmation_decided(ctx: TransitionContext) -> None:
    if ctx.payload.result == ConfirmationResult.PENDING:
        raise GuardFailed("请选择法院的裁定结果。", field="result")


# Which unit levels may take each kind of mediation (三调对接): people's mediation by the
# committees of villages, communities, streets (and trade committees); administrative
# mediation by government organs; judicial mediation by a court (an organ outside the tree).
_TRACK_LEVELS = {
    Track.PEOPLE: {UnitLevel.GRID, UnitLevel.COMMUNITY, UnitLevel.STREET, UnitLevel.DEPARTMENT},
    Track.ADMINISTRATIVE: {UnitLevel.STREET, UnitLevel.DEPARTMENT, UnitLevel.DISTRICT, UnitLevel.BUREAU,
                           UnitLevel.CITY},
    Track.JUDICIAL: {UnitLevel.ORGAN},
}


def hand_over_target_valid(ctx: TransitionContext) -> None:
    unit = Unit.objects.filter(pk=ctx.payload.unit_id, is_active=True).first()
    if unit is None:
        raise GuardFailed("接收单位不存在或已停用。", field="unit_id")
    if unit.pk == ctx.case.owner_unit_id:
        raise GuardFailed("接收单位与当前责任单位相同。", field="unit_id")
    track = Track(ctx.payload.track)
    if unit.level not in _TRACK_LEVELS[track]:
        raise GuardFailed(f"「{unit.name}」（{unit.get_level_display()}）不能开展{track.label}。", field="unit_id")


def petition_target_valid(ctx: TransitionContext) -> None:
    number = ctx.payload.petition_number.strip()
    if number:
        target = Case.objects.filter(number=number, kind="petition").first()
        if target is None or not case_visible(user=ctx.actor, case=target):
            raise GuardFailed("信访事项编号不存在。", field="petition_number")
    elif not ctx.actor.has_role("registrar"):
        raise GuardFailed("登记新的信访事项须由登记员操作；或填写已有信访事项的编号。", field="petition_number")


# --- the table ----------------------------------------------------------------------

MEDIATOR = Who("mediator")
HANDLER = Who("handler")
REGISTRAR_SCOPE = Who("registrar", at="scope")
WORKERS = (MEDIATOR, HANDLER)
ALL_CLOCKS = ("dispute_mediation", "dispute_followup", "dispute_confirmation_window", "dispute_confirmation_ruling")

TRANSITIONS = [
    Transition("register", "登记纠纷", (CREATE,), "registered",
               (Who("mediator", at="scope"), Who("handler", at="scope"), REGISTRAR_SCOPE)),
    Transition("accept", "受理调解（确定调解员）", ("registered",), "mediating", WORKERS,
               payload=schemas.AcceptIn, checks=(mediators_named,), effect=services.effect_accept,
               starts=("dispute_mediation",), document="人民调解受理登记表"),
    Transition("change_mediators", "当事人选择或拒绝调解员", ("mediating",), None, WORKERS,
               payload=schemas.MediatorChangeIn, checks=(mediators_change_valid,),
               effect=services.effect_mediators_change),
    Transition("record_session", "记录调解过程", ("mediating",), None, WORKERS,
               payload=schemas.SessionIn, checks=(session_dates_valid,), effect=services.effect_session,
               document="人民调解记录"),
    Transition("sign_agreement", "达成调解协议", ("mediating",), "agreed", WORKERS,
               payload=schemas.AgreementIn, guards=(session_recorded,), checks=(agreement_dates_valid,),
               effect=services.effect_agreement_sign, stops=("dispute_mediation",),
               starts=("dispute_followup",), document="人民调解协议书"),
    Transition("record_followup", "履行回访", ("agreed", "confirmation_applied"), None, WORKERS,
               payload=schemas.FollowUpIn, checks=(followup_dates_valid,), effect=services.effect_followup,
               stops=("dispute_followup",), document="人民调解回访记录"),
    Transition("apply_confirmation", "双方共同申请司法确认", ("agreed",), "confirmation_applied", WORKERS,
               payload=schemas.ConfirmationApplyIn, guards=(confirmation_window_running,),
               checks=(confirmation_applied_in_time,), effect=services.effect_confirmation_apply,
               stops=("dispute_confirmation_window",), starts=("dispute_confirmation_ruling",)),
    Transition("record_confirmation", "登记司法确认结果", ("confirmation_applied",), "agreed", WORKERS,
               payload=schemas.ConfirmationResultIn, checks=(confirmation_decided, ruling_dates_valid),
               effect=services.effect_confirmation_record, stops=("dispute_confirmation_ruling",)),
    Transition("close_resolved", "协议履行完毕，化解办结", ("agreed",), "resolved", WORKERS,
               payload=schemas.NoteIn, guards=(performed_in_full,), effect=services.effect_note,
               stops=("dispute_followup", "dispute_confirmation_window")),
    Transition("resume_mediation", "重新调解", ("agreed",), "mediating", WORKERS,
               payload=schemas.NoteIn, effect=services.effect_resume,
               stops=("dispute_followup", "dispute_confirmation_window"), starts=("dispute_mediation",)),
    Transition("end_mediation", "终止调解并告知其他途径", ("registered", "mediating", "agreed"), "ended", WORKERS,
               payload=schemas.EndIn, checks=(end_reason_fits,), effect=services.effect_end,
               stops=ALL_CLOCKS, document="终止调解告知书"),
    Transition("hand_over", "移交（三调对接）", ("registered", "mediating"), "registered", WORKERS,
               payload=schemas.HandOverIn, checks=(hand_over_target_valid,), effect=services.effect_hand_over,
               stops=("dispute_mediation",), document="纠纷移交函"),
    Transition("refer_police", "报告公安机关（可能引发治安、刑事案件）", ("registered", "mediating", "agreed"),
               "referred_police", WORKERS, payload=schemas.PoliceReferralIn,
               effect=services.effect_refer_police, stops=ALL_CLOCKS),
    Transition("to_petition", "转入信访渠道", ("registered", "mediating"), "to_petition",
               (*WORKERS, REGISTRAR_SCOPE), payload=schemas.ToPetitionIn, checks=(petition_target_valid,),
               effect=services.effect_to_petition, stops=ALL_CLOCKS),
]

DISPUTE_WORKFLOW = workflow_register(Workflow(
    kind=KIND, label="矛盾纠纷调解", number_prefix="TJ", states=STATES, transitions=TRANSITIONS))
