"""Notification writes. Two sources: the case-write hook (a step someone else must act on,
told inside the writing transaction, so a notification never outlives a rolled-back step),
and the deadline sweep (`xinfang notify-deadlines`), run daily by the scheduler.

Rules for every text: the case number, its title and the step — never a petitioner's name,
so a notification can go to anyone in the handling chain without ever telling the accused
unit who complained (信访工作条例 Art 30, Art 46). The actor is never told of their own step.
"""
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from xinfang.core import clock
from xinfang.core.errors import NotFound
from xinfang.core.models import Case, Event
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import User
from xinfang.petitions.selectors import case_approval_states, case_roles_to_act

from .models import Notification, NotificationKind

# Steps that send the matter back to the person who last moved it (rework).
RETURN_ACTIONS = {"return_answer"}
# A case sent back by the unit it was given to (退回): its registering unit must route it again.
OBJECT_ACTIONS = {"object"}
TITLE_CHARS = 40
SWEEP_BATCH = 500


def _title(case: Case) -> str:
    title = case.title if len(case.title) <= TITLE_CHARS else case.title[:TITLE_CHARS] + "…"
    return f"{case.number}「{title}」"


def _recipients(case: Case, ids) -> list[int]:
    """Active users among `ids`, never anyone in the unit an accusation accuses: even without
    names, being told of a 检举控告 step tells them too much (条例 Art 30, Art 46)."""
    qs = User.objects.filter(pk__in=ids, is_active=True)
    if case.accused_unit_id is not None:
        qs = qs.exclude(unit__path__startswith=case.accused_unit.path)
    return sorted(qs.values_list("pk", flat=True))


def _unit_users_to_act(*, case: Case, exclude_id: int | None) -> list[int]:
    """Active users of the owning unit whose roles may move the case on from its state."""
    roles = case_roles_to_act(kind=case.kind, status=case.status)
    if not roles:
        return []
    qs = User.objects.filter(unit_id=case.owner_unit_id, is_active=True, roles__code__in=roles)
    if case.accused_unit_id is not None:
        qs = qs.exclude(unit__path__startswith=case.accused_unit.path)
    return [pk for pk in qs.values_list("pk", flat=True).distinct() if pk != exclude_id]


def _requester_id(*, case: Case, event: Event) -> int | None:
    """Who put the case into the state this step leaves (the one who asked): told of the answer."""
    return (Event.objects.filter(case=case, seq__lt=event.seq, to_status=event.from_status)
            .exclude(from_status=event.from_status).order_by("-seq")
            .values_list("actor_id", flat=True).first())


def _event_plan(*, case: Case, event: Event) -> tuple[str, list[int], str]:
    """(kind, recipient ids, text) for one workflow step; no recipients when nobody need hear."""
    workflow = workflow_for(case.kind)
    actor_id = event.actor_id
    payload = event.payload or {}
    title = _title(case)
    owner_changed = payload.get("unit_id") == case.owner_unit_id or event.action in OBJECT_ACTIONS
    approval = case_approval_states(kind=case.kind)
    moved = event.from_status != event.to_status

    if event.action == workflow.creating().action:
        if event.actor_kind == "staff":
            return "", [], ""  # the registrar who typed it knows; the worklist shows it
        return (NotificationKind.RECEIVED, _unit_users_to_act(case=case, exclude_id=actor_id),
                f"新收网上信访 {title}，请在受理告知期限内作出处理。")
    if event.action == "designate_handler":
        handler_id = payload.get("handler_id")
        ids = _recipients(case, [handler_id]) if handler_id and handler_id != actor_id else []
        return NotificationKind.ASSIGNED, ids, f"您被指定为 {title} 的承办人。"
    if event.action in OBJECT_ACTIONS:
        reason = payload.get("reason", "")
        return (NotificationKind.RETURNED, _unit_users_to_act(case=case, exclude_id=actor_id),
                f"{title} 被{payload.get('from_unit', '承办单位')}退回：{reason}"[:300])
    if owner_changed and event.action != workflow.creating().action:
        return (NotificationKind.ASSIGNED, _unit_users_to_act(case=case, exclude_id=actor_id),
                f"{event.label}：{title} 已至本单位，请及时处理。")
    if event.action in RETURN_ACTIONS:
        requester = _requester_id(case=case, event=event) or case.handler_id
        ids = _recipients(case, [requester]) if requester and requester != actor_id else []
        return (NotificationKind.RETURNED, ids,
                f"{event.label}：{title}，理由：{payload.get('reason', '')}"[:300])
    if moved and event.to_status in approval and event.actor_kind == "staff" and not (
            event.actor is not None and event.actor.has_role("reviewer")):
        reviewers = _recipients(case, User.objects.filter(unit_id=case.owner_unit_id, roles__code="reviewer")
                                .exclude(pk=actor_id).values("pk"))
        return NotificationKind.APPROVAL_WAITING, reviewers, f"待审批：{title} {event.label}。"
    if moved and event.from_status in approval:
        requester = _requester_id(case=case, event=event)
        ids = _recipients(case, [requester]) if requester and requester != actor_id else []
        return NotificationKind.DECIDED, ids, f"{event.label}：{title}。"
    return "", [], ""


def notifications_for_case_write(*, case: Case, event: Event) -> None:
    """The case-write hook (core.hooks): tell whoever must now act. Runs inside the writing
    transaction; idempotent per event (key "event:<id>")."""
    kind, recipients, text = _event_plan(case=case, event=event)
    if not recipients:
        return
    key = f"event:{event.pk}"
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, case=case, kind=kind, text=text, key=key, created_at=event.at)
         for pk in dict.fromkeys(recipients)],
        ignore_conflicts=True)


def notifications_send(*, case: Case, kind: str, recipient_ids, text: str, key: str,
                       at: dt.datetime | None = None) -> int:
    """Tell these users about a case (from another app's service: a 督办, a 催办). Accused-unit
    users are left out (条例 Art 30, 46); idempotent per (recipient, key). Returns how many were new."""
    ids = _recipients(case, list(recipient_ids))
    if not ids:
        return 0
    existing = set(Notification.objects.filter(key=key, recipient_id__in=ids).values_list("recipient_id", flat=True))
    fresh = [Notification(recipient_id=pk, case=case, kind=kind, text=text[:300], key=key,
                          created_at=at or clock.now()) for pk in ids if pk not in existing]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


# --- deadline reminders -----------------------------------------------------------------

def _deadline_text(*, case: Case, kind: str, today: dt.date) -> str:
    due = case.next_due_date
    if kind == NotificationKind.OVERDUE:
        return f"超期：{_title(case)} 的期限已于{due:%Y年%m月%d日}届满，已超期{(today - due).days}天。"
    left = (due - today).days
    when = "今天到期" if left == 0 else f"剩{left}天"
    return f"临期：{_title(case)} 将于{due:%Y年%m月%d日}到期（{when}）。"


def reminder_points() -> list[int]:
    """The days before a due date on which owners are reminded (XINFANG_REMINDER_DAYS, e.g.
    "3,0": three days before and on the day), largest first; past the date, daily overdue
    reminders are not repeated: one per due date."""
    return sorted({int(x) for x in str(settings.XINFANG_REMINDER_DAYS).split(",") if x.strip()}, reverse=True)


def _point_reached(days_left: int, points: list[int]) -> int | None:
    """The reminder point a case has reached: the smallest configured point not below the
    days left (3 days left with points 3,0 → 3; today → 0); -1 once overdue."""
    if days_left < 0:
        return -1
    reached = [p for p in points if days_left <= p]
    return min(reached) if reached else None


def notifications_deadlines_send(*, today: dt.date | None = None) -> int:
    """Remind of every open case whose nearest organ deadline has reached a reminder point
    (XINFANG_REMINDER_DAYS) or passed (超期), as of `today`. Told: the designated handler (or
    else whoever in the owning unit may act) and the owning unit's reviewers. Idempotent:
    one reminder per (recipient, case, due date, point), so a second run the same day adds
    nothing. Returns how many were created. A deadline moved by an extension is a new due
    date, reminded again."""
    today = today or clock.today()
    points = reminder_points()
    soon = today + dt.timedelta(days=max(points + [0]))
    now = clock.now()
    cases = (Case.objects.filter(is_open=True, next_due_date__isnull=False, next_due_date__lte=soon)
             .select_related("handler", "accused_unit").order_by("pk"))
    created = 0
    batch: list[Case] = []
    for case in cases.iterator(chunk_size=SWEEP_BATCH):
        batch.append(case)
        if len(batch) == SWEEP_BATCH:
            created += _deadline_batch_send(cases=batch, today=today, now=now, points=points)
            batch = []
    if batch:
        created += _deadline_batch_send(cases=batch, today=today, now=now, points=points)
    return created


def _deadline_batch_send(*, cases: list[Case], today: dt.date, now: dt.datetime, points: list[int]) -> int:
    # Everyone who may act in the owning units, in one query: (user, unit, role) rows.
    by_unit_role: dict[tuple[int, str], set[int]] = {}
    rows = (User.objects.filter(unit_id__in={c.owner_unit_id for c in cases}, is_active=True)
            .values_list("pk", "unit_id", "roles__code"))
    for pk, unit_id, role in rows:
        if role:
            by_unit_role.setdefault((unit_id, role), set()).add(pk)
    wanted: list[Notification] = []
    for case in cases:
        point = _point_reached((case.next_due_date - today).days, points)
        if point is None:
            continue
        kind = NotificationKind.OVERDUE if point < 0 else NotificationKind.DUE_SOON
        if case.handler is not None and case.handler.is_active:
            recipients = {case.handler_id}
        else:
            recipients = set()
            for role in case_roles_to_act(kind=case.kind, status=case.status):
                recipients |= by_unit_role.get((case.owner_unit_id, role), set())
        # The owner's reviewer hears too: a reminder the handler alone ignores changes nothing.
        recipients |= by_unit_role.get((case.owner_unit_id, "reviewer"), set())
        if case.accused_unit_id is not None:
            recipients = set(_recipients(case, recipients))
        key = f"{kind}:{case.pk}:{case.next_due_date.isoformat()}:{point}"
        text = _deadline_text(case=case, kind=kind, today=today)
        wanted += [Notification(recipient_id=pk, case=case, kind=kind, text=text, key=key,
                                due_date=case.next_due_date, created_at=now) for pk in sorted(recipients)]
    if not wanted:
        return 0
    existing = set(Notification.objects.filter(key__in={n.key for n in wanted})
                   .values_list("recipient_id", "key"))
    fresh = [n for n in wanted if (n.recipient_id, n.key) not in existing]
    # ignore_conflicts: a sweep running at the same moment elsewhere loses nothing and doubles nothing.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


# --- reading ------------------------------------------------------------------------------

@transaction.atomic
def notification_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (someone else's answers "not found")."""
    notification = (Notification.objects.select_for_update().select_related("case")
                    .filter(pk=notification_id, recipient=user).first())
    if notification is None:
        raise NotFound("未找到该通知。")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    """Mark all of the user's unread notifications read; returns how many were."""
    return Notification.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).update(read_at=clock.now())


def notifications_history_settle(*, before: dt.datetime) -> int:
    """Mark read every notification created before `before`: for a history loaded in bulk
    (the demo, a migration from an older system) whose steps were dealt with long ago, so the
    unread count means what is new. Returns how many were marked."""
    return Notification.objects.filter(read_at__isnull=True, created_at__lt=before).update(read_at=clock.now())
