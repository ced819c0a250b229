"""Emergency writes: registration on learning of an event (知悉), and the effects of each
report in the table of workflow.py, which run inside `core.services.case_transition`'s
transaction.

Rules: 突发事件应对法（2024修订）第61条 — information is reported at once, truthfully and
completely, with no late, false, hidden or missed report (迟报、谎报、瞒报、漏报); the
first report's time limit is a rule row (FirstReportRule), its due time stored on the
event, and "overdue" a query. A report goes UP: the reporting unit's ancestors are linked
to the case at the first report, so each of them sees it in its own data scope.
"""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case, CaseUnit
from xinfang.core.services import case_create, case_transition
from xinfang.core.validation import payload_parse
from xinfang.core.workflow import TransitionContext
from xinfang.orgs.models import Unit, UnitLevel, User

from .models import (
    FIGURE_NAMES,
    Emergency,
    EmergencyReceipt,
    EmergencyReport,
    FirstReportRule,
    ReportKind,
    figures_text,
    type_category,
)
from .schemas import EmergencyIn

KIND = "emergency"
# The units an event can happen in: an area of the tree, not an office.
PLACE_LEVELS = (UnitLevel.CITY, UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY, UnitLevel.GRID)
# Which transition files each kind of report.
REPORT_ACTIONS = {ReportKind.FIRST: "first_report", ReportKind.FOLLOWUP: "followup",
                  ReportKind.RESPONSE: "response", ReportKind.FINAL: "final_report"}


def first_report_rule_for(*, grade: str, event_type: str) -> FirstReportRule:
    """The time limit that applies: the row for this type and grade, else the grade's row."""
    rules = {r.event_type: r for r in FirstReportRule.objects.filter(grade=grade, event_type__in=["", event_type])}
    rule = rules.get(event_type) or rules.get("")
    if rule is None:
        raise ValidationFailed("该事件等级尚未配置首报时限，请管理员在「首报时限」中补充。", field="grade")
    return rule


def reporter_area(*, actor: User) -> Unit:
    """The area whose events the actor's unit reports: the unit itself, or for a 信访局 or a
    department (e.g. 区应急管理局) the government it belongs to."""
    unit = actor.unit
    if unit.level in (UnitLevel.BUREAU, UnitLevel.DEPARTMENT) and unit.parent_id:
        return unit.parent
    return unit


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def emergency_register(*, actor: User, data: dict | EmergencyIn) -> Case:
    """知悉: register an event where it happened, in the unit's own area (its community, its
    street, its district). The first report's due time is fixed now from the rule table.
    Bad input raises ValidationFailed naming the field, changing nothing."""
    data = data if isinstance(data, EmergencyIn) else payload_parse(EmergencyIn, data)
    if actor is None or actor.unit is None:
        raise ValidationFailed("登记人没有所属单位。", field="place_unit_id")
    place = Unit.objects.filter(pk=data.place_unit_id, is_active=True).first()
    if place is None:
        raise ValidationFailed("发生地不存在或已停用。", field="place_unit_id")
    if place.level not in PLACE_LEVELS:
        raise ValidationFailed("发生地须为区域（区、街道、社区/村或网格），不能是机关部门。", field="place_unit_id")
    area = reporter_area(actor=actor)
    if not place.is_within(area):
        raise ValidationFailed(f"「{place.name}」不在本单位（{actor.unit.name}）辖区内：突发事件由事发地或其上级"
                               "属地单位登记报送。", field="place_unit_id")
    now = clock.now()
    occurred_at = _aware(data.occurred_at)
    learned_at = _aware(data.learned_at) if data.learned_at is not None else now
    if occurred_at > now:
        raise ValidationFailed("发生时间不能晚于现在。", field="occurred_at")
    if learned_at > now:
        raise ValidationFailed("知悉时间不能晚于现在。", field="learned_at")
    if now - occurred_at > dt.timedelta(days=366):
        raise ValidationFailed("发生时间早于一年前，请核对。", field="occurred_at")
    rule = first_report_rule_for(grade=data.grade, event_type=data.event_type)

    def prepare(case: Case) -> None:
        Emergency.objects.create(
            case=case, event_type=data.event_type, category=type_category(data.event_type), grade=data.grade,
            occurred_at=occurred_at, learned_at=learned_at, site=data.site, enterprise_name=data.enterprise_name,
            first_report_hours=rule.hours, first_report_source=rule.legal_source,
            first_report_due=learned_at + dt.timedelta(hours=rule.hours))

    return case_create(
        kind=KIND, actor=actor, registered_unit=actor.unit, prepare=prepare, payload=data,
        fields=dict(title=data.title, content=data.description, place_unit=place, owner_unit=actor.unit,
                    received_date=timezone.localdate(learned_at)))


def emergency_report_submit(*, case: Case, actor: User, kind: str, version: int, data: dict) -> Case:
    """File a report of `kind` (首报、续报、应急处置、终报): the workflow step of that kind."""
    action = REPORT_ACTIONS.get(kind)
    if action is None:
        raise ValidationFailed("报告类型无效，可选：首报、续报、应急处置、终报。", field="kind")
    return case_transition(case=case, actor=actor, action=action, version=version, payload=data)


def emergency_acknowledge(*, case: Case, actor: User, version: int) -> Case:
    """An upper unit signs for the reports it has received (签收)."""
    return case_transition(case=case, actor=actor, action="acknowledge", version=version)


# --- effects (run inside case_transition's transaction) -----------------------------------

def effect_register(ctx: TransitionContext) -> None:
    e = ctx.case.emergency
    ctx.event_payload.update({
        "note": f"{e.get_event_type_display()}，{e.get_grade_display()}；发生于"
                f"{timezone.localtime(e.occurred_at):%Y-%m-%d %H:%M}，知悉于{timezone.localtime(e.learned_at):%Y-%m-%d %H:%M}；"
                f"首报时限{e.first_report_hours}小时，须于{timezone.localtime(e.first_report_due):%Y-%m-%d %H:%M}前首报",
        "due_date": timezone.localtime(e.first_report_due).strftime("%Y-%m-%d %H:%M"),
    })


def _report_add(ctx: TransitionContext, *, kind: str, extra: str = "") -> EmergencyReport:
    """Save the report with the figures as of it (those it leaves out carried over from the
    current ones), make them the event's current figures, and describe it on the event."""
    e: Emergency = ctx.case.emergency
    p = ctx.payload
    given = p.figures()
    figures = {name: given.get(name, getattr(e, name)) for name in FIGURE_NAMES}
    figures["economic_loss"] = Decimal(figures["economic_loss"]).quantize(Decimal("0.01"))
    grade = getattr(p, "grade", None) or e.grade
    seq = (EmergencyReport.objects.filter(case=ctx.case).count()) + 1
    report = EmergencyReport.objects.create(
        case=ctx.case, kind=kind, seq=seq, reported_at=ctx.now, text=p.text, extra=extra, grade=grade,
        signer=p.signer, unit=ctx.case.owner_unit, reported_by=ctx.actor, event_seq=ctx.case.version, **figures)
    changed = ["figures_at", *FIGURE_NAMES]
    for name, value in figures.items():
        setattr(e, name, value)
    e.figures_at = ctx.now
    if grade != e.grade:
        ctx.event_payload["from_grade"] = e.get_grade_display()
        e.grade = grade
        changed.append("grade")
    e.save(update_fields=changed)
    ctx.event_payload.update({
        "text": p.text, "note": f"{e.get_grade_display()}；{figures_text(figures)}；签发人：{p.signer}",
        "report": seq, "kind": kind, "grade": grade,
        **{name: str(value) if isinstance(value, Decimal) else value for name, value in figures.items()},
    })
    if extra:
        ctx.event_payload["reason"] = extra
    return report


def _link_upwards(case: Case) -> None:
    """The report goes up the tree: every unit above the reporting unit holds the case."""
    units = case.owner_unit.ancestors()
    CaseUnit.objects.bulk_create([CaseUnit(case=case, unit=u) for u in units], ignore_conflicts=True)


def effect_first_report(ctx: TransitionContext) -> None:
    """首报 (突发事件应对法 Art 61; 总体应急预案 4.2). A first report after its time limit is 迟报:
    it still goes up, with the reason (the `late_reason_given` check asks for it) and the
    minutes it came late on the record."""
    e = ctx.case.emergency
    late = ctx.now > e.first_report_due
    report = _report_add(ctx, kind=ReportKind.FIRST, extra=ctx.payload.late_reason if late else "")
    e.first_reported_at = report.reported_at
    e.save(update_fields=["first_reported_at"])
    if e.first_report_late:
        ctx.event_payload["late_minutes"] = int((e.first_reported_at - e.first_report_due).total_seconds() // 60)
    _link_upwards(ctx.case)


def effect_followup(ctx: TransitionContext) -> None:
    _report_add(ctx, kind=ReportKind.FOLLOWUP)


def effect_response(ctx: TransitionContext) -> None:
    _report_add(ctx, kind=ReportKind.RESPONSE, extra=ctx.payload.forces)


def effect_final_report(ctx: TransitionContext) -> None:
    e = ctx.case.emergency
    report = _report_add(ctx, kind=ReportKind.FINAL, extra=ctx.payload.cause)
    e.final_reported_at = report.reported_at
    e.save(update_fields=["final_reported_at"])


def effect_acknowledge(ctx: TransitionContext) -> None:
    """签收: the actor's unit signs for every report it has not signed for yet."""
    unit = ctx.actor.unit
    pending = list(EmergencyReport.objects.filter(case=ctx.case).exclude(receipts__unit=unit).order_by("seq"))
    EmergencyReceipt.objects.bulk_create([
        EmergencyReceipt(report=r, unit=unit, received_by=ctx.actor, received_at=ctx.now) for r in pending])
    ctx.event_payload.update({"unit": unit.name, "note": "签收" + "、".join(
        f"第{r.seq}次报告（{r.get_kind_display()}）" for r in pending)})
