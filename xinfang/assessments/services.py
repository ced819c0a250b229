"""稳评 writes: registration, and the effects of each workflow step.

Every state change goes through `xinfang.core.services.case_transition`, which consults the
table in workflow.py; the `effect_*` functions below run inside its transaction, after the
table's guards and checks have passed.
"""
from django.conf import settings
from django.db import transaction

from xinfang.core import clock
from xinfang.core.attachments import attachments_add
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case
from xinfang.core.services import case_create
from xinfang.core.validation import payload_parse
from xinfang.core.workflow import TransitionContext
from xinfang.orgs.models import Unit, User

from .models import (Analysis, Assessment, Consultation, ConsultationForm, DecisionMeeting, DecisionOutcome,
                     Monitoring, Plan, Rating, RiskLevel, RiskPoint)
from .rating import DEFAULT_SOME_PERCENT, RatingResult, level_severity, rating_compute
from .schemas import AssessmentIn

KIND = "assessment"


def some_percent() -> int:
    """The share of strong objection that counts as "some" (see rating.py)."""
    return int(getattr(settings, "XINFANG_ASSESSMENT_SOME_PERCENT", DEFAULT_SOME_PERCENT))


# --- registration ---------------------------------------------------------------------

def _unit_resolve(pk: int | None, field: str, label: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(f"{label}不存在或已停用。", field=field)
    return unit


def assessment_register(*, actor: User, data: dict | AssessmentIn,
                        files: list[tuple[str, bytes]] = ()) -> Case:
    """Enter a major decision or project for assessment (条例 Art 22; 2492号): the decision,
    its 承办单位 (the owner of the case), place, the number of people it touches, and its
    documents as attachments. All or nothing: a refused file leaves no case behind."""
    data = data if isinstance(data, AssessmentIn) else payload_parse(AssessmentIn, data)
    unit = actor.unit
    if unit is None:
        raise ValidationFailed("登记人没有所属单位。", field="owner_unit_id")
    owner = _unit_resolve(data.owner_unit_id, "owner_unit_id", "决策承办单位") or unit
    place = _unit_resolve(data.place_unit_id, "place_unit_id", "所在街道/社区")
    received = data.received_date or clock.today()
    if received > clock.today():
        raise ValidationFailed("立项日期不能晚于今天。", field="received_date")

    def prepare(case: Case) -> None:
        Assessment.objects.create(
            case=case, decision_type=data.decision_type, sponsor=data.sponsor.strip(), location=data.location,
            affected_people=data.affected_people, affected_households=data.affected_households,
            decision_body=data.decision_body)

    with transaction.atomic():
        case = case_create(kind=KIND, actor=actor, registered_unit=unit, prepare=prepare,
                           fields=dict(title=data.title, content=data.content, place_unit=place,
                                       owner_unit=owner, received_date=received))
        if files:
            attachments_add(case=case, actor=actor, files=list(files))
            case.refresh_from_db()
    return case


# --- reads the effects and checks share ------------------------------------------------

def round_tally(*, case: Case, round_no: int) -> dict:
    """The questionnaires' counts of one round, summed."""
    tally = {"questionnaires": 0, "respondents": 0, "support": 0, "against": 0, "strongly_against": 0}
    for c in Consultation.objects.filter(case=case, round=round_no, form=ConsultationForm.QUESTIONNAIRE):
        tally["questionnaires"] += 1
        tally["respondents"] += c.participants
        tally["support"] += c.support
        tally["against"] += c.against
        tally["strongly_against"] += c.strongly_against
    return tally


def round_rating_compute(*, case: Case, round_no: int) -> RatingResult:
    """The rule applied to one round's questionnaires (raises when there are none)."""
    t = round_tally(case=case, round_no=round_no)
    return rating_compute(respondents=t["respondents"], support=t["support"], against=t["against"],
                          strongly_against=t["strongly_against"], some_percent=some_percent())


def level_adjustment_check(*, computed: str, adjusted: str | None, reason: str) -> None:
    """The assessor may rate more strictly than the rule, with a written reason, but never
    more leniently: a lower level would let a decision through that the rule stops
    (2492号: 高/中 may not be approved until the plan is changed and re-rated)."""
    reason = (reason or "").strip()
    if adjusted is None:
        if reason:
            raise ValidationFailed("填写了调整理由，但没有选择调整后的等级。", field="adjusted_level")
        return
    if level_severity(adjusted) < level_severity(computed):
        raise ValidationFailed(
            f"评估等级不得低于按规则评定的「{RiskLevel(computed).label}」；如认为统计有误，请更正问卷记录"
            "（修改方案后重新征求意见）。", field="adjusted_level")
    if adjusted != computed and len(reason) < 5:
        raise ValidationFailed("从严调整评估等级须写明理由（至少 5 个字）。", field="adjustment_reason")


# --- effects (run inside case_transition's transaction) -------------------------------

def _row_base(ctx: TransitionContext) -> dict:
    return {"case": ctx.case, "round": ctx.case.assessment.round, "recorded_by": ctx.actor, "recorded_at": ctx.now}


def effect_plan(ctx: TransitionContext) -> None:
    """制定（或修改后重新制定）评估方案: opens the next round; a new round has no rating yet."""
    assessment = ctx.case.assessment
    assessment.round += 1
    assessment.level = ""
    assessment.save(update_fields=["round", "level"])
    data = ctx.payload.model_dump()
    Plan.objects.create(**_row_base(ctx), **data)
    ctx.event_payload.update(ctx.payload.model_dump(mode="json"), round=assessment.round)


def effect_consultation(ctx: TransitionContext) -> None:
    row = Consultation.objects.create(**_row_base(ctx), **ctx.payload.model_dump())
    ctx.event_payload.update(ctx.payload.model_dump(mode="json"), round=row.round, consultation_id=row.pk)


def effect_analysis(ctx: TransitionContext) -> None:
    base = _row_base(ctx)
    Analysis.objects.update_or_create(case=base.pop("case"), round=base.pop("round"),
                                      defaults={**base, **ctx.payload.model_dump()})
    ctx.event_payload.update(ctx.payload.model_dump(mode="json"), round=ctx.case.assessment.round)


def effect_risk_point(ctx: TransitionContext) -> None:
    row = RiskPoint.objects.create(**_row_base(ctx), **ctx.payload.model_dump())
    ctx.event_payload.update(ctx.payload.model_dump(mode="json"), round=row.round)


def effect_report(ctx: TransitionContext) -> None:
    """评估报告: the rule's level and reason are stored beside the stated level, so an
    adjustment is never silent."""
    assessment = ctx.case.assessment
    tally = round_tally(case=ctx.case, round_no=assessment.round)
    result = round_rating_compute(case=ctx.case, round_no=assessment.round)
    p = ctx.payload
    level = p.adjusted_level.value if p.adjusted_level is not None else result.level.value
    Rating.objects.create(
        **_row_base(ctx), respondents=tally["respondents"], support=tally["support"], against=tally["against"],
        strongly_against=tally["strongly_against"], computed_level=result.level.value,
        computed_reason=result.reason, level=level,
        adjustment_reason=p.adjustment_reason.strip() if level != result.level.value else "",
        contingency_plan=p.contingency_plan, conclusion=p.conclusion)
    assessment.level = level
    assessment.save(update_fields=["level"])
    ctx.event_payload.update(
        # "risk_level", not "level": the timeline already reads "level" as a satisfaction rating.
        round=assessment.round, computed_risk_level=result.level.value, computed_reason=result.reason,
        risk_level=level,
        note=f"按规则评定为{result.level.label}" + (
            f"，评估人从严调整为{RiskLevel(level).label}（理由：{p.adjustment_reason.strip()}）"
            if level != result.level.value else ""),
        conclusion=p.conclusion)


def _effect_decision(ctx: TransitionContext, outcome: DecisionOutcome) -> None:
    assessment = ctx.case.assessment
    p = ctx.payload
    DecisionMeeting.objects.create(
        **_row_base(ctx), outcome=outcome, held_on=p.held_on, body=p.body, attendees=p.attendees,
        minutes=p.minutes, conditions=getattr(p, "conditions", ""), level=assessment.level)
    assessment.outcome = outcome
    assessment.decided_on = p.held_on
    assessment.save(update_fields=["outcome", "decided_on"])
    ctx.event_payload.update(p.model_dump(mode="json"), outcome=outcome.value, risk_level=assessment.level,
                             note=f"集体决策：{outcome.label}（决策时风险等级："
                                  f"{RiskLevel(assessment.level).label if assessment.level else '未评定'}）")


def effect_implement(ctx: TransitionContext) -> None:
    _effect_decision(ctx, DecisionOutcome.IMPLEMENT)


def effect_defer(ctx: TransitionContext) -> None:
    _effect_decision(ctx, DecisionOutcome.DEFER)


def effect_reject(ctx: TransitionContext) -> None:
    _effect_decision(ctx, DecisionOutcome.REJECT)


def effect_monitoring(ctx: TransitionContext) -> None:
    Monitoring.objects.create(**_row_base(ctx), **ctx.payload.model_dump())
    ctx.event_payload.update(ctx.payload.model_dump(mode="json"))


def effect_note(ctx: TransitionContext) -> None:
    if ctx.payload is not None:
        ctx.event_payload.update(ctx.payload.model_dump(mode="json"))
