"""督办: putting a case under supervision, 催办, the owner's progress reports, lifting.

Each is an Event on the case's timeline (core.services.case_event_record), so the record of
who pressed whom, and when, is the same append-only history as the handling itself. A
supervision is lifted only when the case closes (the hook below) or when the supervising
side lifts it with a reason.
"""
import datetime as dt

from django.db import IntegrityError, transaction

from xinfang.core import clock
from xinfang.core.errors import Forbidden, GuardFailed, NotFound, ValidationFailed
from xinfang.core.models import Case, Event
from xinfang.core.selectors import case_visible
from xinfang.core.services import case_event_record
from xinfang.notifications.models import NotificationKind
from xinfang.notifications.services import notifications_send
from xinfang.orgs.models import User

from .models import Supervision, SupervisionLevel

SUPERVISOR_ROLES = ("supervisor", "leader")


def _active(case: Case) -> Supervision | None:
    return Supervision.objects.select_for_update().filter(case=case, lifted_at__isnull=True).first()


def _owner_staff(case: Case) -> list[int]:
    """Who answers for the case: its handler, the owning unit's reviewers (and handlers when
    nobody is designated)."""
    roles = ["reviewer"] if case.handler_id else ["reviewer", "handler"]
    ids = list(User.objects.filter(unit_id=case.owner_unit_id, is_active=True, roles__code__in=roles)
               .values_list("pk", flat=True).distinct())
    return ids + ([case.handler_id] if case.handler_id else [])


def _check_supervisor(*, actor: User, case: Case) -> None:
    if not actor.has_role(*SUPERVISOR_ROLES):
        raise Forbidden("只有督查人员或领导可以督办。")
    if not case_visible(user=actor, case=case):
        raise NotFound()


def _text(value: str, field: str, label: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if len(value) < 2:
        raise ValidationFailed(f"请填写{label}。", field=field)
    if len(value) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 字。", field=field)
    return value


def supervision_open(*, case: Case, actor: User, level: str, demand: str, due_date: dt.date,
                     version: int | None = None) -> Supervision:
    """Put a case under 督办 / 挂牌督办 with a demand and a date (信访工作条例 Art 48: 督查督办)."""
    _check_supervisor(actor=actor, case=case)
    if level not in SupervisionLevel.values:
        raise ValidationFailed("请选择督办级别（督办或挂牌督办）。", field="level")
    demand = _text(demand, "demand", "督办要求")
    if due_date is None or due_date < clock.today():
        raise ValidationFailed("办结时限不能早于今天。", field="due_date")
    if not case.is_open:
        raise GuardFailed("案件已办结，无需督办。")
    holder: dict = {}

    def record(locked: Case) -> dict:
        if _active(locked) is not None:
            raise GuardFailed("该案件已在督办中。")
        try:
            with transaction.atomic():
                holder["s"] = Supervision.objects.create(
                    case=locked, level=level, supervising_unit=actor.unit, demand=demand, due_date=due_date,
                    opened_by=actor, opened_at=clock.now())
        except IntegrityError:
            raise GuardFailed("该案件已在督办中。") from None
        return {"level": level, "demand": demand, "due_date": due_date.isoformat(),
                "supervising_unit": actor.unit.name if actor.unit else ""}

    label = SupervisionLevel(level).label
    with transaction.atomic():
        event = case_event_record(case=case, actor=actor, action="supervision_open", label=label, version=version,
                                  before_record=record)
        notifications_send(case=case, kind=NotificationKind.SUPERVISION, recipient_ids=_owner_staff(case),
                           key=f"event:{event.pk}", at=event.at,
                           text=f"{label}：{case.number}「{case.title[:40]}」，要求于{due_date:%Y年%m月%d日}前办结。{demand}")
    return holder["s"]


def supervision_remind(*, case: Case, actor: User, text: str, version: int | None = None) -> Event:
    """催办: the supervising side presses the owner; counted on the supervision."""
    _check_supervisor(actor=actor, case=case)
    text = _text(text, "text", "催办内容", 500)

    def record(locked: Case) -> dict:
        s = _active(locked)
        if s is None:
            raise GuardFailed("该案件不在督办中，无法催办。")
        s.reminders += 1
        s.save(update_fields=["reminders"])
        return {"text": text, "reminder": s.reminders}

    with transaction.atomic():
        event = case_event_record(case=case, actor=actor, action="supervision_remind", label="催办",
                                  version=version, before_record=record)
        notifications_send(case=case, kind=NotificationKind.SUPERVISION, recipient_ids=_owner_staff(case),
                           key=f"event:{event.pk}", at=event.at, text=f"催办：{case.number}「{case.title[:40]}」。{text}")
    return event


def supervision_report(*, case: Case, actor: User, text: str, version: int | None = None) -> Event:
    """The owning unit reports progress to the supervising side."""
    if actor.unit_id != case.owner_unit_id or not actor.has_role("handler", "reviewer"):
        raise Forbidden("只有责任单位的承办或审核人员可以报告进展。")
    text = _text(text, "text", "进展情况")
    holder: dict = {}

    def record(locked: Case) -> dict:
        s = _active(locked)
        if s is None:
            raise GuardFailed("该案件不在督办中。")
        s.reports += 1
        s.save(update_fields=["reports"])
        holder["s"] = s
        return {"text": text, "report": s.reports}

    with transaction.atomic():
        event = case_event_record(case=case, actor=actor, action="supervision_report", label="报告督办进展",
                                  version=version, before_record=record)
        s = holder["s"]
        notifications_send(case=case, kind=NotificationKind.SUPERVISION, recipient_ids=[s.opened_by_id],
                           key=f"event:{event.pk}", at=event.at,
                           text=f"督办进展：{case.number}「{case.title[:40]}」。{text}")
    return event


def supervision_lift(*, case: Case, actor: User, reason: str, version: int | None = None) -> Supervision:
    """Lift a supervision before the case closes: only the supervising side, with a reason."""
    _check_supervisor(actor=actor, case=case)
    reason = _text(reason, "reason", "解除理由", 1000)
    holder: dict = {}

    def record(locked: Case) -> dict:
        s = _active(locked)
        if s is None:
            raise GuardFailed("该案件不在督办中。")
        if actor.unit is None or (not actor.unit.is_within(s.supervising_unit)
                                  and not s.supervising_unit.is_within(actor.unit)):
            raise Forbidden("只有督办单位可以解除督办。")
        s.lifted_at, s.lifted_by, s.lifted_reason = clock.now(), actor, reason
        s.save(update_fields=["lifted_at", "lifted_by", "lifted_reason"])
        holder["s"] = s
        return {"reason": reason}

    with transaction.atomic():
        case_event_record(case=case, actor=actor, action="supervision_lift", label="解除督办", version=version,
                          before_record=record)
    return holder["s"]


def supervisions_lift_on_close(*, case: Case, event: Event) -> None:
    """Case-write hook: a case that closes ends its supervision (the closing step is the
    record; no second event)."""
    if case.is_open:
        return
    Supervision.objects.filter(case=case, lifted_at__isnull=True).update(
        lifted_at=event.at, lifted_reason=f"案件已{event.label}")


def supervisions_remind_due(*, today: dt.date | None = None) -> int:
    """Daily: tell the owner of each active supervision due within 3 days or past due. One
    reminder per supervision, kind and day reached (idempotent)."""
    today = today or clock.today()
    sent = 0
    for s in (Supervision.objects.filter(lifted_at__isnull=True, due_date__lte=today + dt.timedelta(days=3))
              .select_related("case")):
        overdue = s.due_date < today
        point = "overdue" if overdue else "due_soon"
        text = (f"督办超期：{s.case.number}「{s.case.title[:40]}」督办时限{s.due_date:%Y年%m月%d日}已过，请立即办理并报告。"
                if overdue else
                f"督办临期：{s.case.number}「{s.case.title[:40]}」须于{s.due_date:%Y年%m月%d日}前办结。")
        sent += notifications_send(case=s.case, kind=NotificationKind.SUPERVISION,
                                   recipient_ids=_owner_staff(s.case), text=text,
                                   key=f"supervision:{s.pk}:{point}:{s.due_date.isoformat()}")
    return sent
