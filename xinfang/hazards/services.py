"""Hazard writes: inspections, registration (with photos), and the effects of each step of
the table in workflow.py, which run inside `core.services.case_transition`'s transaction.

Rules: 安全生产法（2021）第41条 (record every hazard, report major ones to the regulator);
16号令 (安全生产事故隐患排查治理暂行规定) Arts 3, 14–16, 18, 23.
"""
import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.attachments import attachment_check, attachments_add
from xinfang.core.deadlines import deadline_start, due_date_compute
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case, CaseUnit, Deadline
from xinfang.core.services import case_create
from xinfang.core.validation import payload_parse
from xinfang.core.workflow import TransitionContext
from xinfang.orgs.models import Unit, UnitLevel, User

from .models import (
    CheckKind,
    CheckResult,
    Grade,
    Hazard,
    HazardCheck,
    HazardPlan,
    HazardViolation,
    Inspection,
    RectifyMode,
    Source,
)
from .schemas import HazardIn, InspectionIn

KIND = "hazard"
# A hazard registered by a grid worker or a community belongs, by default, to the first unit
# above that has staff to follow its rectification (属地管理).
_OWNING_LEVELS = (UnitLevel.STREET, UnitLevel.DISTRICT, UnitLevel.DEPARTMENT, UnitLevel.CITY)


def _unit(pk: int | None, *, field: str, label: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(f"{label}不存在或已停用。", field=field)
    return unit


def hazard_owner_default(*, actor: User) -> Unit:
    """The actor's unit, or for a grid or community the nearest unit above that owns hazards."""
    unit = actor.unit
    if unit.level in _OWNING_LEVELS:
        return unit
    for upper in reversed(unit.ancestors()):
        if upper.level in _OWNING_LEVELS:
            return upper
    return unit


def _owner_allowed(*, actor: User, owner: Unit) -> bool:
    """A hazard may be given to the actor's own unit, a unit below it, or a unit above it
    (a grid worker's street): never sideways into another street's ledger."""
    return owner.is_within(actor.unit) or actor.unit.is_within(owner)


# --- inspections -----------------------------------------------------------------------

@transaction.atomic
def inspection_create(*, actor: User, data: dict | InspectionIn) -> Inspection:
    """Start an inspection campaign (安全生产大检查): name, scope, period, inspecting unit."""
    data = data if isinstance(data, InspectionIn) else payload_parse(InspectionIn, data)
    if not actor.has_role("inspector", "supervisor", "leader"):
        from xinfang.core.errors import Forbidden
        raise Forbidden("只有安全检查员、督查员或领导可以组织安全检查。")
    if actor.unit is None:
        raise ValidationFailed("组织人没有所属单位。", field="inspecting_unit_id")
    unit = _unit(data.inspecting_unit_id, field="inspecting_unit_id", label="检查单位") or actor.unit
    if not unit.is_within(actor.unit):
        raise ValidationFailed("检查单位只能是本单位或下级单位。", field="inspecting_unit_id")
    scope = list(Unit.objects.filter(pk__in=set(data.scope_unit_ids), is_active=True))
    if len(scope) != len(set(data.scope_unit_ids)):
        raise ValidationFailed("检查范围中有单位不存在或已停用。", field="scope_unit_ids")
    inspection = Inspection.objects.create(
        name=data.name, inspecting_unit=unit, start_date=data.start_date, end_date=data.end_date,
        description=data.description, created_by=actor, created_at=clock.now())
    inspection.scope_units.set(scope)
    audit_record(actor=actor, action="hazard_inspection.create", object_type="hazard_inspection",
                 object_id=inspection.pk, detail={"name": inspection.name, "unit": unit.pk,
                                                  "scope": sorted(u.pk for u in scope),
                                                  "period": [data.start_date.isoformat(), data.end_date.isoformat()]})
    return inspection


# --- registration ----------------------------------------------------------------------

def _photos_check(photos: list[tuple[str, bytes]]) -> None:
    for name, content in photos:
        kind = attachment_check(name=name, data=content, public=False)
        if not kind.content_type.startswith("image/"):
            raise ValidationFailed(f"隐患照片「{name}」不是图片（可上传 JPEG、PNG、GIF、WebP）。", field="photos")


def hazard_register(*, actor: User, data: dict | HazardIn, photos: list[tuple[str, bytes]] = ()) -> Case:
    """Register a hazard found in an inspection or reported alone, with its photos and the
    violations found with it, in one transaction (安全生产法 Art 41: every hazard recorded).
    Bad input raises ValidationFailed naming the field, changing nothing."""
    from .selectors import inspections_visible_to

    data = data if isinstance(data, HazardIn) else payload_parse(HazardIn, data)
    if actor is None or actor.unit is None:
        raise ValidationFailed("登记人没有所属单位。", field="owner_unit_id")
    owner = _unit(data.owner_unit_id, field="owner_unit_id", label="责任单位") or hazard_owner_default(actor=actor)
    if not _owner_allowed(actor=actor, owner=owner):
        raise ValidationFailed("责任单位只能是本单位、上级属地单位或下级单位。", field="owner_unit_id")
    place = _unit(data.place_unit_id, field="place_unit_id", label="所在地")
    today = clock.today()
    found_on = data.found_on or today
    if found_on > today:
        raise ValidationFailed("发现日期不能晚于今天。", field="found_on")
    inspection = None
    if data.inspection_id is not None:
        inspection = inspections_visible_to(user=actor).filter(pk=data.inspection_id).first()
        if inspection is None:
            raise ValidationFailed("所属检查不存在或无权查看。", field="inspection_id")
        if not inspection.start_date <= found_on <= inspection.end_date:
            raise ValidationFailed(
                f"发现日期不在检查期间（{inspection.start_date:%Y-%m-%d} 至 {inspection.end_date:%Y-%m-%d}）内。",
                field="found_on")
    source = data.source or (Source.GRID if actor.unit.level == UnitLevel.GRID and not inspection
                             else Source.INSPECTION)
    photos = list(photos)
    _photos_check(photos)
    now = clock.now()
    found_at = now if found_on == today else timezone.make_aware(dt.datetime.combine(found_on, dt.time(9)))

    def prepare(case: Case) -> None:
        Hazard.objects.create(
            case=case, inspection=inspection, source=source, grade=data.grade, industry=data.industry,
            category=data.category, enterprise_name=data.enterprise_name, credit_code=data.credit_code,
            site=data.site, finder=data.finder or str(actor), found_at=found_at)
        HazardViolation.objects.bulk_create([
            HazardViolation(case=case, kind=v.kind, description=v.description, recorded_by=actor, recorded_at=now)
            for v in data.violations])

    with transaction.atomic():
        case = case_create(
            kind=KIND, actor=actor, registered_unit=actor.unit, prepare=prepare,
            payload=data,
            fields=dict(title=data.title, content=data.description, place_unit=place, owner_unit=owner,
                        received_date=found_on))
        if photos:
            attachments_add(case=case, actor=actor, files=photos, version=case.version)
    return case


# --- effects (run inside case_transition's transaction) -----------------------------------

def _hazard(ctx: TransitionContext) -> Hazard:
    return ctx.case.hazard


def _record(ctx: TransitionContext) -> None:
    if ctx.payload is not None:
        ctx.event_payload.update(ctx.payload.model_dump(mode="json"))


def _clock_until(ctx: TransitionContext, key: str, until: dt.date | None) -> Deadline:
    """Start (or restart) clock `key` running to the date an order or a plan set; with no
    date, the rule's default length. A date on a rest day runs to the next working day
    (民法典 Art 203), as every clock does."""
    deadline = deadline_start(case=ctx.case, key=key, on=ctx.today)
    if until is not None:
        deadline.length_days = (until - deadline.start_date).days
        deadline.due_date, deadline.provisional = due_date_compute(
            start=deadline.start_date, days=deadline.length_days, counting=deadline.counting)
        deadline.save(update_fields=["length_days", "due_date", "provisional"])
    return deadline


def effect_register(ctx: TransitionContext) -> None:
    hazard = _hazard(ctx)
    ctx.event_payload.update({"grade": hazard.grade, "enterprise": hazard.enterprise_name,
                              "violations": [v.kind for v in hazard.case.hazard_violations.all()]})


def effect_fix_on_spot(ctx: TransitionContext) -> None:
    """16号令 Art 15: an ordinary hazard is rectified at once by whoever is responsible."""
    _record(ctx)
    h, p = _hazard(ctx), ctx.payload
    h.rectify_mode, h.measures, h.responsible_person = RectifyMode.ON_SPOT, p.measures, p.responsible_person
    h.funds_yuan, h.rectify_by, h.rectified_on = p.funds_yuan, ctx.today, ctx.today
    h.save(update_fields=["rectify_mode", "measures", "responsible_person", "funds_yuan", "rectify_by",
                          "rectified_on"])


def effect_order_rectification(ctx: TransitionContext) -> None:
    """限期整改: the clock runs to the date set in the order."""
    _record(ctx)
    h, p = _hazard(ctx), ctx.payload
    deadline = _clock_until(ctx, "hazard_rectification", p.rectify_by)
    h.rectify_mode, h.measures, h.responsible_person = RectifyMode.DEADLINE, p.measures, p.responsible_person
    h.funds_yuan, h.interim_controls = p.funds_yuan, p.interim_controls
    h.rectify_by, h.rectified_on = p.rectify_by or deadline.due_date, None
    h.save(update_fields=["rectify_mode", "measures", "responsible_person", "funds_yuan", "interim_controls",
                          "rectify_by", "rectified_on"])
    ctx.event_payload["due_date"] = deadline.due_date.isoformat()
    ctx.public_text = f"责令限期整改，期限至{deadline.due_date:%Y年%m月%d日}"


def effect_rectified(ctx: TransitionContext) -> None:
    _record(ctx)
    h = _hazard(ctx)
    h.rectified_on = ctx.payload.completed_on or ctx.today
    h.save(update_fields=["rectified_on"])


def _check_add(ctx: TransitionContext, *, kind: str, result: str, notes: str) -> HazardCheck:
    return HazardCheck.objects.create(
        case=ctx.case, kind=kind, result=result, checker=ctx.payload.checker, checked_on=ctx.today, notes=notes,
        unit=ctx.actor.unit, recorded_by=ctx.actor)


def effect_verify(ctx: TransitionContext) -> None:
    _record(ctx)
    _check_add(ctx, kind=CheckKind.VERIFY, result=CheckResult.PASSED, notes=ctx.payload.notes)


def effect_verify_fail(ctx: TransitionContext) -> None:
    """验收不合格: rectification starts again, to a new date."""
    _record(ctx)
    _check_add(ctx, kind=CheckKind.VERIFY, result=CheckResult.FAILED, notes=ctx.payload.reason)
    h = _hazard(ctx)
    deadline = _clock_until(ctx, "hazard_rectification", ctx.payload.rectify_by)
    h.rectify_mode = RectifyMode.DEADLINE
    h.rectify_by, h.rectified_on = ctx.payload.rectify_by or deadline.due_date, None
    h.save(update_fields=["rectify_mode", "rectify_by", "rectified_on"])
    ctx.event_payload["due_date"] = deadline.due_date.isoformat()


def effect_upgrade(ctx: TransitionContext) -> None:
    """An ordinary hazard found to need a stop or outside help is major (16号令 Art 3)."""
    _record(ctx)
    h = _hazard(ctx)
    h.grade, h.rectify_mode, h.rectify_by, h.rectified_on = Grade.MAJOR, "", None, None
    h.save(update_fields=["grade", "rectify_mode", "rectify_by", "rectified_on"])


def effect_plan(ctx: TransitionContext) -> None:
    """16号令 Art 15 (the plan, 五落实) and Art 16 (interim controls); the governance clock
    runs to the plan's time limit."""
    _record(ctx)
    p, h = ctx.payload, _hazard(ctx)
    plan = HazardPlan.objects.create(
        case=ctx.case, goal=p.goal, measures=p.measures, funds_yuan=p.funds_yuan, materials=p.materials,
        organisation=p.organisation, responsible_person=p.responsible_person, time_limit=p.time_limit,
        safety_measures=p.safety_measures, emergency_plan=p.emergency_plan, interim_controls=p.interim_controls,
        created_by=ctx.actor, created_at=ctx.now)
    deadline = _clock_until(ctx, "hazard_governance", p.time_limit)
    h.rectify_mode, h.measures, h.responsible_person = RectifyMode.PLAN, p.measures, p.responsible_person
    h.funds_yuan, h.rectify_by, h.interim_controls = p.funds_yuan, p.time_limit, p.interim_controls
    h.stop_production = h.stop_production or p.stop_production
    h.save(update_fields=["rectify_mode", "measures", "responsible_person", "funds_yuan", "rectify_by",
                          "interim_controls", "stop_production"])
    ctx.event_payload.update({"plan_id": plan.pk, "due_date": deadline.due_date.isoformat()})


def effect_report(ctx: TransitionContext) -> None:
    """安全生产法 Art 41, 16号令 Art 14: a major hazard is reported to the regulator, which
    from then on sees it (its unit joins the case's scope)."""
    _record(ctx)
    unit = Unit.objects.get(pk=ctx.payload.unit_id)
    h = _hazard(ctx)
    h.regulator_unit, h.reported_on = unit, ctx.today
    h.save(update_fields=["regulator_unit", "reported_on"])
    CaseUnit.objects.bulk_create([CaseUnit(case=ctx.case, unit=unit)], ignore_conflicts=True)
    ctx.event_payload["unit"] = unit.name
    ctx.public_text = f"已报告{unit.name}"


def effect_supervise(ctx: TransitionContext) -> None:
    _record(ctx)
    h, p = _hazard(ctx), ctx.payload
    h.supervision_ref, h.supervised_on = p.supervision_ref, ctx.today
    h.stop_production = h.stop_production or p.stop_production
    h.save(update_fields=["supervision_ref", "supervised_on", "stop_production"])
    ctx.event_payload["note"] = f"挂牌督办（{p.supervision_ref}）：{p.requirements}"


def effect_note(ctx: TransitionContext) -> None:
    _record(ctx)


def effect_apply_resume(ctx: TransitionContext) -> None:
    """16号令 Art 18: the written application after the evaluation; Art 23: the regulator
    reviews on site within 10 days of receiving it."""
    _record(ctx)
    h = _hazard(ctx)
    h.resume_applied_on, h.rectified_on = ctx.today, ctx.today
    h.save(update_fields=["resume_applied_on", "rectified_on"])


def effect_review_pass(ctx: TransitionContext) -> None:
    _record(ctx)
    _check_add(ctx, kind=CheckKind.ONSITE, result=CheckResult.PASSED, notes=ctx.payload.notes)


def effect_review_fail(ctx: TransitionContext) -> None:
    """16号令 Art 23: 审查不合格 — ordered to correct; governance runs again to a new limit."""
    _record(ctx)
    _check_add(ctx, kind=CheckKind.ONSITE, result=CheckResult.FAILED, notes=ctx.payload.reason)
    h = _hazard(ctx)
    deadline = _clock_until(ctx, "hazard_governance", ctx.payload.time_limit)
    h.rectify_by, h.rectified_on = ctx.payload.time_limit, None
    h.save(update_fields=["rectify_by", "rectified_on"])
    ctx.event_payload["due_date"] = deadline.due_date.isoformat()


def effect_close_off(ctx: TransitionContext) -> None:
    _record(ctx)
    h = _hazard(ctx)
    h.closed_on = ctx.today
    h.save(update_fields=["closed_on"])
    ctx.public_text = "隐患已销号"


def effect_violation(ctx: TransitionContext) -> None:
    _record(ctx)
    HazardViolation.objects.create(case=ctx.case, kind=ctx.payload.kind, description=ctx.payload.description,
                                   recorded_by=ctx.actor, recorded_at=ctx.now)
