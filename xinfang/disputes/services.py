"""Dispute writes: registration (directly, or from a petition), screening reports, and the
effects of each workflow step (人民调解法 2010).

Every state change goes through `xinfang.core.services.case_transition`, which consults the
table in workflow.py; the `effect_*` functions below run inside its transaction.
"""
import datetime as dt
import re

from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.core import clock, deadlines
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case, Category
from xinfang.core.selectors import case_get_for, case_visible
from xinfang.core.services import case_create
from xinfang.core.validation import payload_parse
from xinfang.core.workflow import TransitionContext
from xinfang.orgs.models import Unit, UnitLevel, User

from .models import (
    ConfirmationResult,
    Dispute,
    DisputeParty,
    DisputePetitionLink,
    FollowUp,
    Handover,
    JudicialConfirmation,
    LinkDirection,
    MediationAgreement,
    MediationSession,
    Mediator,
    Track,
)
from .periods import period_of
from .schemas import DisputeIn, ScreeningReportIn

KIND = "dispute"
_NAME_SEPARATORS = re.compile(r"[、，,;；\s]+")


# --- registration ---------------------------------------------------------------------

def _resolve(model, pk, field: str, label: str):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed(f"{label}不存在。", field=field)
    return obj


def _level_found_default(unit: Unit) -> str:
    return unit.level if unit.level in (UnitLevel.GRID, UnitLevel.COMMUNITY, UnitLevel.STREET,
                                        UnitLevel.DEPARTMENT, UnitLevel.DISTRICT) else UnitLevel.DISTRICT


def dispute_register(*, actor: User, data: dict | DisputeIn, unit: Unit | None = None,
                     after_create=None) -> Case:
    """Register a dispute found in screening or brought by a party (人民调解法 Art 17: on a
    party's application, or on the committee's own initiative unless a party refuses).
    Bad input raises ValidationFailed, changing nothing. `after_create(case)` runs in the
    same transaction (e.g. linking the petition it came from)."""
    data = data if isinstance(data, DisputeIn) else payload_parse(DisputeIn, data)
    unit = unit or actor.unit
    if unit is None:
        raise ValidationFailed("登记人没有所属单位。", field="unit")
    category = _resolve(Category, data.category_id, "category_id", "分类")
    place = _resolve(Unit, data.place_unit_id, "place_unit_id", "发生地（单位）")
    received = data.received_date or clock.today()
    if received > clock.today():
        raise ValidationFailed("发现（受理）日期不能晚于今天。", field="received_date")

    def prepare(case: Case) -> None:
        Dispute.objects.create(
            case=case, dispute_type=data.dispute_type, place_text=data.place_text.strip(),
            level_found=data.level_found or _level_found_default(unit), person_count=data.person_count,
            amount=data.amount, escalation_risk=data.escalation_risk.strip(),
        )
        DisputeParty.objects.bulk_create([
            DisputeParty(case=case, order=i, kind=p.kind, side=p.side, name=p.name, id_number=p.id_number,
                         phone=p.phone, address=p.address.strip())
            for i, p in enumerate(data.parties)
        ])
        if after_create is not None:
            after_create(case)

    return case_create(
        kind=KIND, actor=actor, registered_unit=unit, prepare=prepare,
        fields=dict(title=data.title, content=data.content, category=category, place_unit=place,
                    received_date=received),
    )


def dispute_from_petition(*, actor: User, petition_number: str, data: dict) -> Case:
    """A petition becomes a dispute case (信访事项转人民调解): its title, content and
    petitioners (as parties) unless `data` says otherwise; linked both ways. The petition
    itself runs on in its own workflow."""
    petition = case_get_for(user=actor, number=petition_number)
    if petition.kind != "petition":
        raise ValidationFailed("只有信访事项可以转为矛盾纠纷调解。", field="petition_number")
    merged = {"title": petition.title, "content": petition.content, "place_unit_id": petition.place_unit_id,
              "received_date": clock.today().isoformat(), **{k: v for k, v in data.items() if k != "note"}}
    if not merged.get("parties"):
        merged["parties"] = [{"name": p.name, "id_number": p.id_number, "phone": p.phone, "address": p.address}
                             for p in petition.petitioners.order_by("order")]
        merged.setdefault("person_count", max(petition.petition.person_count, len(merged["parties"])))
    note = str(data.get("note") or "")

    def link(case: Case) -> None:
        DisputePetitionLink.objects.create(dispute=case, petition=petition,
                                           direction=LinkDirection.PETITION_TO_DISPUTE, note=note,
                                           created_by=actor, created_at=clock.now())

    case = dispute_register(actor=actor, data=merged, after_create=link)
    audit_record(actor=actor, action="dispute.from_petition", object_type="case", object_id=case.number,
                 detail={"petition": petition.number})
    return case


# --- screening reports ----------------------------------------------------------------

def screening_may_file(*, user: User, unit: Unit) -> bool:
    """A unit's own staff file its report; a grid worker files for the 村/社区 above the grid."""
    if not user.has_role("mediator", "handler", "registrar", "reviewer") or user.unit is None:
        return False
    if user.unit_id == unit.pk:
        return True
    return user.unit.level == UnitLevel.GRID and user.unit.parent_id == unit.pk


@transaction.atomic
def screening_report_file(*, actor: User, data: dict | ScreeningReportIn):
    """File one unit's screening report (矛盾纠纷排查) for one period: the new disputes found
    in it, or "none found". One report per unit and period; late filing is allowed and shows
    as late. Bad input raises ValidationFailed, changing nothing."""
    from .models import ScreeningReport
    from .selectors import screening_cadence_for

    data = data if isinstance(data, ScreeningReportIn) else payload_parse(ScreeningReportIn, data)
    unit = Unit.objects.filter(pk=data.unit_id, is_active=True).first()
    if unit is None:
        raise ValidationFailed("报送单位不存在或已停用。", field="unit_id")
    if not screening_may_file(user=actor, unit=unit):
        raise ValidationFailed(f"您不能代「{unit.name}」报送排查报告。", field="unit_id")
    rule = screening_cadence_for(level=unit.level)
    if rule is None:
        raise ValidationFailed(f"{unit.get_level_display()}单位无需报送排查报告（未设排查周期）。", field="unit_id")
    today = clock.today()
    start, end = period_of(rule.cadence, data.period_start)
    if start > today:
        raise ValidationFailed("该排查周期尚未开始。", field="period_start")
    if end < period_of(rule.cadence, rule.effective_from)[0]:
        raise ValidationFailed(f"排查报告自{rule.effective_from:%Y年%m月%d日}起报送。", field="period_start")
    if ScreeningReport.objects.filter(unit=unit, period_start=start).exists():
        raise ValidationFailed(f"「{unit.name}」{start:%m月%d日}—{end:%m月%d日}的排查报告已报送。",
                               field="period_start")
    found = []
    for number in dict.fromkeys(data.dispute_numbers):
        case = Case.objects.filter(number=number, kind=KIND).select_related("registered_unit", "place_unit").first()
        if case is None or not case_visible(user=actor, case=case):
            raise ValidationFailed(f"纠纷编号 {number} 不存在。", field="dispute_numbers")
        where = [u for u in (case.registered_unit, case.place_unit) if u is not None]
        if not any(u.is_within(unit) for u in where):
            raise ValidationFailed(f"纠纷 {number} 不在「{unit.name}」辖区内。", field="dispute_numbers")
        if not start <= case.received_date <= end:
            raise ValidationFailed(f"纠纷 {number} 的发现日期（{case.received_date:%Y-%m-%d}）不在本排查周期内。",
                                   field="dispute_numbers")
        found.append(case)
    report = ScreeningReport.objects.create(
        unit=unit, cadence=rule.cadence, period_start=start, period_end=end,
        due_date=end + dt.timedelta(days=rule.grace_days), none_found=data.none_found, note=data.note.strip(),
        filed_by=actor, filed_at=clock.now(), filed_on=today)
    report.disputes.set(found)
    audit_record(actor=actor, action="screening_report.file", object_type="screening_report", object_id=report.pk,
                 detail={"unit": unit.pk, "period_start": start.isoformat(), "none_found": data.none_found,
                         "disputes": [c.number for c in found]})
    return report


# --- helpers the guards read ----------------------------------------------------------

def names_split(text: str) -> list[str]:
    return list(dict.fromkeys(n for n in _NAME_SEPARATORS.split(text or "") if n))


def mediators_active(*, case: Case) -> list[str]:
    return list(case.mediators.filter(refused=False).values_list("name", flat=True))


def agreement_current(*, case: Case) -> MediationAgreement | None:
    return case.mediation_agreements.filter(superseded=False).order_by("-signed_on", "-id").first()


def confirmation_pending(*, case: Case) -> JudicialConfirmation | None:
    return case.judicial_confirmations.filter(result=ConfirmationResult.PENDING).order_by("-id").first()


def followup_latest(*, case: Case) -> FollowUp | None:
    agreement = agreement_current(case=case)
    qs = case.dispute_followups.order_by("-visited_on", "-id")
    if agreement is not None:
        qs = qs.filter(visited_on__gte=agreement.signed_on)
    return qs.first()


# --- effects (run inside case_transition's transaction) -------------------------------

def effect_note(ctx: TransitionContext) -> None:
    if ctx.payload is not None:
        ctx.event_payload.update(ctx.payload.model_dump(mode="json"))


def _mediators_add(ctx: TransitionContext, names: list[str], how: str) -> None:
    existing = set(ctx.case.mediators.filter(refused=False).values_list("name", flat=True))
    Mediator.objects.bulk_create([Mediator(case=ctx.case, name=n[:40], chosen_how=how, added_on=ctx.today)
                                  for n in names if n not in existing])


def effect_accept(ctx: TransitionContext) -> None:
    """人民调解法 Art 19: the committee designates mediators, or the parties choose them."""
    names = names_split(ctx.payload.mediators)
    _mediators_add(ctx, names, ctx.payload.chosen_how)
    ctx.event_payload.update({"mediators": "、".join(names), "chosen_how": ctx.payload.chosen_how,
                              "note": ctx.payload.note, "unit": ctx.case.owner_unit.name})


def effect_mediators_change(ctx: TransitionContext) -> None:
    """人民调解法 Art 23: the parties' choice or refusal of a mediator, recorded."""
    refused = names_split(ctx.payload.refused)
    ctx.case.mediators.filter(refused=False, name__in=refused).update(
        refused=True, refused_reason=ctx.payload.reason[:300], refused_on=ctx.today)
    added = names_split(ctx.payload.added)
    _mediators_add(ctx, added, ctx.payload.chosen_how)
    ctx.event_payload.update({"refused": "、".join(refused), "added": "、".join(added),
                              "reason": ctx.payload.reason})


def effect_session(ctx: TransitionContext) -> None:
    p = ctx.payload
    session = MediationSession.objects.create(case=ctx.case, held_on=p.held_on, place=p.place,
                                              participants=p.participants, record=p.record, recorded_by=ctx.actor)
    ctx.event_payload.update({"session_id": session.pk, "held_on": p.held_on.isoformat(), "place": p.place})


def _parties_line(case: Case) -> str:
    return "；".join(f"{p.get_side_display()}：{p.name}" for p in case.dispute_parties.order_by("order"))


def effect_agreement_sign(ctx: TransitionContext) -> None:
    """人民调解法 Arts 28–29: the written agreement takes effect when signed; the 30-day window
    for 司法确认 (Art 33) runs from that day — the signing date, which may precede the day it
    is recorded, so this clock is started here rather than from the table's `starts`."""
    p = ctx.payload
    ctx.case.mediation_agreements.filter(superseded=False).update(superseded=True)
    agreement = MediationAgreement.objects.create(
        case=ctx.case, form=p.form, parties=_parties_line(ctx.case), facts=p.facts, terms=p.terms,
        performance_method=p.performance_method, performance_by=p.performance_by, signed_on=p.signed_on,
        unit=ctx.case.owner_unit)
    window = deadlines.deadline_start(case=ctx.case, key="dispute_confirmation_window", on=p.signed_on)
    dispute = ctx.case.dispute
    dispute.resolved_unit = ctx.case.owner_unit
    dispute.resolved_level = ctx.case.owner_unit.level
    dispute.resolved_on = p.signed_on
    dispute.save(update_fields=["resolved_unit", "resolved_level", "resolved_on"])
    ctx.event_payload.update({"agreement_id": agreement.pk, "form": p.form, "signed_on": p.signed_on.isoformat(),
                              "performance_by": p.performance_by.isoformat(),
                              "confirmation_due": window.due_date.isoformat()})


def effect_followup(ctx: TransitionContext) -> None:
    p = ctx.payload
    followup = FollowUp.objects.create(case=ctx.case, visited_on=p.visited_on, performance=p.performance,
                                       note=p.note, by=ctx.actor)
    ctx.event_payload.update({"followup_id": followup.pk, "visited_on": p.visited_on.isoformat(),
                              "performance": p.performance, "note": p.note})


def effect_confirmation_apply(ctx: TransitionContext) -> None:
    p = ctx.payload
    applied = p.applied_on or ctx.today
    confirmation = JudicialConfirmation.objects.create(case=ctx.case, agreement=agreement_current(case=ctx.case),
                                                       court=p.court, applied_on=applied)
    ctx.event_payload.update({"confirmation_id": confirmation.pk, "court": p.court, "applied_on": applied.isoformat(),
                              "joint": True})


def effect_confirmation_record(ctx: TransitionContext) -> None:
    """民事诉讼法 Art 206: confirmed, the agreement is enforceable; rejected, the parties may
    mediate again or go to court."""
    p = ctx.payload
    pending = confirmation_pending(case=ctx.case)
    if pending is not None:
        pending.result, pending.ruling_on, pending.document_no = p.result, p.ruling_on, p.document_no
        pending.save(update_fields=["result", "ruling_on", "document_no"])
    ctx.event_payload.update({"result": p.result, "ruling_on": p.ruling_on.isoformat(),
                              "document_no": p.document_no, "note": p.note})


def effect_resume(ctx: TransitionContext) -> None:
    ctx.case.mediation_agreements.filter(superseded=False).update(superseded=True)
    _resolution_clear(ctx.case)
    effect_note(ctx)


def _resolution_clear(case: Case) -> None:
    dispute = case.dispute
    dispute.resolved_unit, dispute.resolved_level, dispute.resolved_on = None, "", None
    dispute.save(update_fields=["resolved_unit", "resolved_level", "resolved_on"])


def effect_end(ctx: TransitionContext) -> None:
    """人民调解法 Art 26: a failed mediation is ended and the parties told of the other routes."""
    dispute = ctx.case.dispute
    dispute.end_reason = ctx.payload.reason
    dispute.other_routes = ctx.payload.other_routes
    dispute.save(update_fields=["end_reason", "other_routes"])
    _resolution_clear(ctx.case)
    effect_note(ctx)


def effect_hand_over(ctx: TransitionContext) -> None:
    """三调对接: the dispute goes to another kind of mediation at another unit, which then
    decides whether to take it (the case returns to 已登记 there)."""
    unit = Unit.objects.get(pk=ctx.payload.unit_id)
    dispute = ctx.case.dispute
    Handover.objects.create(case=ctx.case, from_track=dispute.track, to_track=ctx.payload.track,
                            from_unit=ctx.case.owner_unit, to_unit=unit, reason=ctx.payload.reason, on=ctx.today)
    ctx.event_payload.update({"from_track": dispute.track, "track": ctx.payload.track,
                              "from_unit": ctx.case.owner_unit.name, "unit_id": unit.pk, "unit": unit.name,
                              "reason": ctx.payload.reason})
    dispute.track = ctx.payload.track
    dispute.save(update_fields=["track"])
    ctx.case.owner_unit = unit
    ctx.case.handler = None
    ctx.public_text = f"移交{unit.name}（{Track(ctx.payload.track).label}）"


def effect_refer_police(ctx: TransitionContext) -> None:
    """人民调解法 Art 25: reported to the police as a dispute that may lead to a public-order
    or criminal case."""
    dispute = ctx.case.dispute
    dispute.police_organ = ctx.payload.police_organ
    dispute.police_referred_on = ctx.today
    dispute.save(update_fields=["police_organ", "police_referred_on"])
    _resolution_clear(ctx.case)
    effect_note(ctx)


def effect_to_petition(ctx: TransitionContext) -> None:
    """The dispute goes (back) to the petition route: linked to the petition it came from or
    named, or registered as a new petition by the acting registrar."""
    from xinfang.petitions.services import petition_register

    number = ctx.payload.petition_number.strip()
    if number:
        petition = Case.objects.get(number=number, kind="petition")
    else:
        people = [p for p in ctx.case.dispute_parties.order_by("order")]
        petition = petition_register(actor=ctx.actor, data={
            "title": ctx.case.title, "content": ctx.case.content, "channel": "visit",
            "place_unit_id": ctx.case.place_unit_id,
            "person_count": max(1, len(people)),
            "petitioners": [{"name": p.name[:40], "phone": p.phone, "address": p.address,
                             "id_number": p.id_number if p.kind == "person" else ""} for p in people[:200]],
        })
    DisputePetitionLink.objects.get_or_create(
        dispute=ctx.case, petition=petition, direction=LinkDirection.DISPUTE_TO_PETITION,
        defaults={"note": ctx.payload.reason, "created_by": ctx.actor, "created_at": ctx.now})
    ctx.event_payload.update({"petition": petition.number, "reason": ctx.payload.reason})

