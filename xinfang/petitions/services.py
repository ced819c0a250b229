"""Petition writes: registration, the effects of each workflow step, reception days.

Every state change goes through `xinfang.core.services.case_transition`, which consults
the table in workflow.py; the `effect_*` functions below run inside its transaction.
"""
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import Forbidden, GuardFailed, NotFound, ValidationFailed, XinfangError
from xinfang.core.models import Case, Category, Deadline
from xinfang.core.services import case_create, case_transition
from xinfang.core.validation import payload_parse
from xinfang.core.workflow import TransitionContext
from xinfang.orgs.models import Unit, User, UnitLevel

from .models import Answer, AnswerStage, OnSpotOccasion, Petition, Petitioner, ReceptionDay, Satisfaction
from .schemas import OnSpotIn, PetitionIn

KIND = "petition"


# --- registration ---------------------------------------------------------------------

def portal_unit() -> Unit:
    """The unit that registers what the public submits online: the configured 信访局, or
    else the lowest-level one (the district's, in a district deployment)."""
    code = settings.XINFANG_PORTAL_UNIT
    qs = Unit.objects.filter(short_code=code) if code else Unit.objects.filter(level=UnitLevel.BUREAU)
    unit = qs.order_by("-depth", "id").first()
    if unit is None:
        raise NotFound("尚未设置受理网上信访的单位。")
    return unit


def _resolve(model, pk, field: str, label: str):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed(f"{label}不存在。", field=field)
    return obj


def petitioners_matching(*, petitioners) -> Q:
    """The same person: the same ID number, or the same name and phone."""
    q = Q(pk__in=[])
    for p in petitioners:
        if p.id_number:
            q |= Q(id_number=p.id_number)
        if p.phone:
            q |= Q(name=p.name, phone=p.phone)
    return q


def petitioners_overlap(*, case_a: Case, case_b: Case) -> bool:
    return Petitioner.objects.filter(case=case_b).filter(
        petitioners_matching(petitioners=list(case_a.petitioners.all()))).exists()


def petition_register(*, actor: User | None, data: dict | PetitionIn, actor_kind: str = "staff",
                      unit: Unit | None = None) -> Case:
    """Register a petition from any channel (条例 Arts 17–21), starting the 15-day clock for
    acceptance and routing (Arts 22–23). With `on_spot` filled in, the matter is also resolved
    on the spot (现场办结) in the same transaction, through the workflow's `resolve_on_spot`
    step and its guards. Bad input raises ValidationFailed, a refused step GuardFailed or
    Forbidden, changing nothing (not even the number)."""
    data = data if isinstance(data, PetitionIn) else payload_parse(PetitionIn, data)
    if actor_kind == "public":
        unit = portal_unit()
        if len(data.petitioners) != 1 or not (data.petitioners[0].phone or data.petitioners[0].address):
            raise ValidationFailed("网上信访须填写信访人姓名及电话或住址（信访工作条例第19条）。",
                                   field="petitioners")
    else:
        unit = unit or (actor.unit if actor else None)
        if unit is None:
            raise ValidationFailed("登记人没有所属单位。", field="unit")
    category = _resolve(Category, data.category_id, "category_id", "分类")
    place = _resolve(Unit, data.place_unit_id, "place_unit_id", "发生地")
    accused = _resolve(Unit, data.accused_unit_id, "accused_unit_id", "被反映单位")
    received = data.received_date or clock.today()
    if received > clock.today():
        raise ValidationFailed("收到日期不能晚于今天。", field="received_date")
    earlier = Petitioner.objects.filter(petitioners_matching(petitioners=data.petitioners)).exists()

    def prepare(case: Case) -> None:
        Petition.objects.create(
            case=case, channel=data.channel, claim_type=data.claim_type, person_count=data.person_count,
            is_collective=data.person_count >= 5, reception_level=data.reception_level,
            is_skip_level=data.is_skip_level, is_first=not earlier,
        )
        Petitioner.objects.bulk_create([
            Petitioner(case=case, order=i, name=p.name, id_number=p.id_number, phone=p.phone,
                       address=p.address, is_representative=p.is_representative)
            for i, p in enumerate(data.petitioners)
        ])

    with transaction.atomic():
        case = case_create(
            kind=KIND, actor=actor, actor_kind=actor_kind, registered_unit=unit, prepare=prepare,
            fields=dict(title=data.title, content=data.content, category=category, place_unit=place,
                        accused_unit=accused, received_date=received),
        )
        if data.on_spot is not None:
            # 现场办结 in the same transaction: both steps on the timeline, or neither.
            if actor_kind != "staff":
                raise ValidationFailed("网上信访不能现场办结。", field="on_spot")
            try:
                case = case_transition(case=case, actor=actor, action="resolve_on_spot", version=case.version,
                                       payload=data.on_spot.model_dump(mode="json"))
            except XinfangError as exc:
                # A refusal about an on-the-spot input names it where the registration has it.
                if exc.field in OnSpotIn.model_fields:
                    exc.field = f"on_spot.{exc.field}"
                raise
    return case


# --- effects (run inside case_transition's transaction) -------------------------------

def effect_note(ctx: TransitionContext) -> None:
    if ctx.payload is not None:
        ctx.event_payload.update(ctx.payload.model_dump(mode="json"))


def effect_decline(ctx: TransitionContext) -> None:
    effect_note(ctx)
    petition = ctx.case.petition
    petition.decline_channel = ctx.payload.channel
    petition.decline_reason = ctx.payload.reason
    petition.save(update_fields=["decline_channel", "decline_reason"])
    ctx.public_text = f"不予受理，请通过{petition.get_decline_channel_display()}途径解决"


def effect_merge(ctx: TransitionContext) -> None:
    target = Case.objects.get(number=ctx.payload.case_number, kind=KIND)
    ctx.case.repeat_of = target
    ctx.event_payload.update({"repeat_of": target.number})


def effect_resolve_on_spot(ctx: TransitionContext) -> None:
    """现场办结: the registering unit resolved the matter itself, at once. What was done and how
    the petitioner acknowledged it are kept on the petition; a rating given on the spot counts
    as the rating of this resolution."""
    effect_note(ctx)
    p = ctx.payload
    petition = ctx.case.petition
    petition.resolved_on_spot = True
    petition.on_spot_occasion = p.occasion
    petition.on_spot_outcome = p.outcome
    petition.on_spot_acknowledgement = p.acknowledgement
    petition.handling_unit = ctx.case.owner_unit
    fields = ["resolved_on_spot", "on_spot_occasion", "on_spot_outcome", "on_spot_acknowledgement", "handling_unit"]
    if p.satisfaction:
        petition.satisfaction, petition.rated_stage = p.satisfaction, ON_SPOT_STAGE
        fields += ["satisfaction", "rated_stage"]
    petition.save(update_fields=fields)
    where = "在接待窗口当场办结" if p.occasion == OnSpotOccasion.WINDOW else "在实地走访中现场办结"
    ctx.public_text = f"{ctx.case.owner_unit.name}{where}，信访人已确认"
    if p.satisfaction:
        ctx.public_text += f"（评价：{Satisfaction(p.satisfaction).label}）"


def effect_hand_over(ctx: TransitionContext) -> None:
    unit = Unit.objects.get(pk=ctx.payload.unit_id)
    ctx.case.owner_unit = unit
    ctx.case.handler = None
    ctx.event_payload.update({"unit_id": unit.pk, "unit": unit.name, "note": ctx.payload.note})
    ctx.public_text = f"{ctx.transition.label}至{unit.name}"


def effect_object(ctx: TransitionContext) -> None:
    ctx.event_payload.update({"reason": ctx.payload.reason, "from_unit": ctx.case.owner_unit.name})
    ctx.case.owner_unit = ctx.case.registered_unit
    ctx.case.handler = None


def effect_accept(ctx: TransitionContext) -> None:
    effect_note(ctx)
    petition = ctx.case.petition
    petition.handling_unit = ctx.case.owner_unit
    petition.save(update_fields=["handling_unit"])
    ctx.public_text = f"{ctx.case.owner_unit.name}已受理"


def effect_designate(ctx: TransitionContext) -> None:
    user = User.objects.get(pk=ctx.payload.user_id)
    ctx.case.handler = user
    ctx.event_payload.update({"handler_id": user.pk, "handler": str(user)})


def effect_extend(ctx: TransitionContext) -> None:
    """条例 Art 34: extended by at most 30 days, the petitioner told why (延期告知)."""
    from xinfang.core.deadlines import deadline_extend

    deadline = deadline_extend(case=ctx.case, key="handling", days=ctx.payload.days)
    petition = ctx.case.petition
    petition.extension_days = ctx.payload.days
    petition.save(update_fields=["extension_days"])
    ctx.event_payload.update({"days": ctx.payload.days, "note": ctx.payload.note,
                              "new_due_date": deadline.due_date.isoformat()})
    ctx.public_text = f"办理期限延长{ctx.payload.days}日，至{deadline.due_date:%Y年%m月%d日}"


def effect_answer_submit(ctx: TransitionContext) -> None:
    p = ctx.payload
    answer = Answer.objects.create(
        case=ctx.case, stage=AnswerStage.ANSWER, decision=p.decision, facts=p.facts, legal_basis=p.legal_basis,
        text=p.text, unit=ctx.case.owner_unit, submitted_by=ctx.actor, submitted_at=ctx.now)
    ctx.event_payload.update({"answer_id": answer.pk, "decision": p.decision})


def _pending_answer(case: Case) -> Answer:
    answer = Answer.objects.filter(case=case, stage=AnswerStage.ANSWER, status="pending").last()
    if answer is None:
        raise GuardFailed("没有待审核的处理意见。")
    return answer


def effect_answer_return(ctx: TransitionContext) -> None:
    answer = _pending_answer(ctx.case)
    answer.status, answer.return_reason = "returned", ctx.payload.reason
    answer.decided_by, answer.decided_at = ctx.actor, ctx.now
    answer.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    ctx.event_payload.update({"answer_id": answer.pk, "reason": ctx.payload.reason})


def effect_answer_approve(ctx: TransitionContext) -> None:
    answer = _pending_answer(ctx.case)
    answer.status, answer.decided_by, answer.decided_at = "approved", ctx.actor, ctx.now
    answer.save(update_fields=["status", "decided_by", "decided_at"])
    ctx.event_payload.update({"answer_id": answer.pk, "decision": answer.decision})
    ctx.public_text = f"已出具处理意见（{answer.get_decision_label()}）"


def effect_escalate(ctx: TransitionContext) -> None:
    """复查 at the organ one level up (Art 35); 复核 one level above that (Art 36)."""
    upper = ctx.case.owner_unit.parent
    petition = ctx.case.petition
    if ctx.transition.action == "request_review":
        petition.review_unit = upper
        petition.save(update_fields=["review_unit"])
    else:
        petition.rereview_unit = upper
        petition.save(update_fields=["rereview_unit"])
    ctx.case.owner_unit = upper
    ctx.case.handler = None
    ctx.event_payload.update({"reason": ctx.payload.reason, "unit_id": upper.pk, "unit": upper.name})
    ctx.public_text = f"{ctx.transition.label}，由{upper.name}办理"


def effect_review_answer(ctx: TransitionContext) -> None:
    p = ctx.payload
    stage = AnswerStage.REVIEW if ctx.transition.action == "answer_review" else AnswerStage.REREVIEW
    answer = Answer.objects.create(
        case=ctx.case, stage=stage, decision=p.decision, facts=p.facts, legal_basis=p.legal_basis, text=p.text,
        unit=ctx.case.owner_unit, submitted_by=ctx.actor, submitted_at=ctx.now, status="approved",
        decided_by=ctx.actor, decided_at=ctx.now)
    ctx.event_payload.update({"answer_id": answer.pk, "decision": p.decision})


# The "stage" a rating of an on-the-spot resolution is about: there is no written answer.
ON_SPOT_STAGE = "on_spot"


def rating_stage(*, case: Case) -> str:
    """Which answer a rating is about: the latest delivered one, or the on-the-spot
    resolution of a matter closed at once (现场办结)."""
    latest = Answer.objects.filter(case=case, status="approved").order_by("-decided_at", "-id").first()
    if latest is not None:
        return latest.stage
    petition = Petition.objects.filter(case=case).only("resolved_on_spot").first()
    return ON_SPOT_STAGE if petition is not None and petition.resolved_on_spot else ""


def effect_rate(ctx: TransitionContext) -> None:
    petition = ctx.case.petition
    petition.satisfaction = ctx.payload.level
    petition.satisfaction_comment = ctx.payload.comment
    petition.rated_stage = rating_stage(case=ctx.case)
    petition.save(update_fields=["satisfaction", "satisfaction_comment", "rated_stage"])
    ctx.event_payload.update({"level": ctx.payload.level, "comment": ctx.payload.comment,
                              "stage": petition.rated_stage})
    text = f"信访人评价：{Satisfaction(ctx.payload.level).label}"
    if ctx.payload.level == Satisfaction.UNSATISFIED:
        hint = appeal_hint(case=ctx.case, today=ctx.today)
        if hint:
            text += f"。{hint}"
    ctx.public_text = text[:300]


def appeal_hint(*, case: Case, today: dt.date) -> str:
    """What a dissatisfied petitioner may do next, and until when (条例 Arts 35–36)."""
    for key, what in (("review_window", "复查"), ("rereview_window", "复核")):
        window = Deadline.objects.filter(case=case, key=key, active=True).first()
        if window is not None and today <= window.due_date:
            organ = case.owner_unit.parent
            where = f"向{organ.name}" if organ else "向上一级机关"
            return f"如不服，可于{window.due_date:%Y年%m月%d日}前{where}申请{what}"
    return ""


def effect_own(ctx: TransitionContext) -> None:
    ctx.case.leader = ctx.actor
    ctx.event_payload.update({"leader_id": ctx.actor.pk, "leader": str(ctx.actor), "note": ctx.payload.note})


# --- scheduled work -------------------------------------------------------------------

def petitions_close_lapsed(*, today: dt.date | None = None) -> list[str]:
    """Close answered/reviewed matters whose appeal window lapsed unused. Idempotent:
    a second run finds nothing more to close."""
    if today is not None and today != clock.today():
        # The guard judges by the clock: run the whole job as of the day it was given.
        with clock.frozen(today):
            return petitions_close_lapsed()
    today = clock.today()
    lapsed = (Case.objects.filter(kind=KIND, status__in=["answered", "reviewed"],
                                  deadlines__key__in=["review_window", "rereview_window"],
                                  deadlines__active=True, deadlines__due_date__lt=today)
              .distinct().values_list("pk", "version"))
    closed = []
    for pk, version in lapsed:
        case = Case.objects.get(pk=pk)
        case_transition(case=case, actor=None, actor_kind="system", action="close", version=version,
                        payload={"note": "申请期限届满，未申请复查/复核，自动办结"})
        closed.append(case.number)
    return closed


# --- leader reception days -------------------------------------------------------------

@transaction.atomic
def reception_day_create(*, actor: User, leader: User, date: dt.date, place: str, topic: str = "") -> ReceptionDay:
    if not leader.has_role("leader"):
        raise ValidationFailed("接访人必须是领导。", field="leader")
    if not place.strip():
        raise ValidationFailed("地点为必填项。", field="place")
    if ReceptionDay.objects.filter(leader=leader, date=date).exists():
        raise ValidationFailed("该领导当天已安排接访。", field="date")
    day = ReceptionDay.objects.create(leader=leader, unit=leader.unit, date=date, place=place.strip(), topic=topic)
    audit_record(actor=actor, action="reception_day.create", object_type="reception_day", object_id=day.pk,
                 detail={"leader": leader.pk, "date": date.isoformat(), "place": place})
    return day


@transaction.atomic
def reception_case_link(*, actor: User, day: ReceptionDay, case: Case) -> None:
    """A case received by a leader on a reception day (领导接访); counted as leader-received."""
    if actor.pk != day.leader_id and not actor.has_role("registrar"):
        raise Forbidden("只有接访领导或登记员可以登记接访事项。")
    if case.kind != KIND:
        raise ValidationFailed("只有信访事项可以登记为领导接访事项。", field="case")
    day.cases.add(case)
    audit_record(actor=actor, action="reception_day.link_case", object_type="reception_day", object_id=day.pk,
                 detail={"case": case.number})
