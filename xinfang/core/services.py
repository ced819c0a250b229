"""Writes to cases. Every change goes through `case_transition` (or `case_create` for the
first one): one transaction, the row locked and version-checked, the workflow table
consulted, clocks moved, one Event, one audit entry."""
import json
import secrets
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Unit, User

from . import clock, deadlines
from .hooks import case_written
from .errors import Conflict, Forbidden, NotFound, TransitionNotAllowed
from .models import Case, CaseUnit, Event, NumberSequence
from .selectors import case_visible, transition_permitted
from .validation import payload_parse
from .workflow import CREATE, Transition, TransitionContext, Workflow, workflow_for

_QUERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud at a window


def query_code_new() -> str:
    return "".join(secrets.choice(_QUERY_ALPHABET) for _ in range(10))


def case_number_next(*, unit: Unit, kind: str, prefix: str, year: int) -> tuple[str, int]:
    """The next number for this unit, kind and year. Must run inside the registration's
    transaction: the counter row stays locked until it commits, so numbers are unique and,
    because a rolled-back registration rolls the counter back too, without gaps."""
    table = NumberSequence._meta.db_table
    bump = f"UPDATE {table} SET last = last + 1 WHERE unit_id = %s AND kind = %s AND year = %s RETURNING last"
    with connection.cursor() as cursor:
        cursor.execute(bump, [unit.pk, kind, year])
        row = cursor.fetchone()
    if row is None:
        # The year's first number here. A concurrent first registration may create the row
        # first: then the unique constraint refuses ours and we take the next number.
        try:
            with transaction.atomic():
                NumberSequence.objects.create(unit=unit, kind=kind, year=year, last=1)
            row = (1,)
        except IntegrityError:
            with connection.cursor() as cursor:
                cursor.execute(bump, [unit.pk, kind, year])
                row = cursor.fetchone()
    last = row[0]
    return f"{prefix}{year}-{unit.short_code}-{last:05d}", last


def _case_unit_link(case: Case, unit: Unit | None) -> None:
    if unit is not None:
        CaseUnit.objects.bulk_create([CaseUnit(case=case, unit=unit)], ignore_conflicts=True)


def _apply(*, workflow: Workflow, transition: Transition, case: Case, actor: User | None,
           actor_kind: str, payload: Any, before: dict) -> Event:
    """Guards, effect, state, clocks, event, audit — shared by creation and transitions."""
    ctx = TransitionContext(case=case, actor=actor, actor_kind=actor_kind, transition=transition,
                            payload=payload, today=clock.today(), now=clock.now())
    for guard in (*transition.guards, *transition.checks):
        guard(ctx)
    # The creating transition comes from nowhere (CREATE), as the table declares it.
    from_status = before.get("status", CREATE)
    if transition.effect:
        transition.effect(ctx)
    if transition.target is not None:
        case.status = transition.target
    state = workflow.state(case.status)
    case.is_open = state.open
    if not state.open and case.closed_at is None:
        case.closed_at = ctx.now
    for key in transition.stops:
        deadlines.deadline_stop(case=case, key=key, on=ctx.today)
    for key in transition.pauses:
        deadlines.deadline_pause(case=case, key=key, on=ctx.today)
    for key in transition.resumes:
        deadlines.deadline_resume(case=case, key=key, on=ctx.today)
    for key in transition.starts:
        deadlines.deadline_start(case=case, key=key, on=ctx.today, replace=CREATE not in transition.sources)
    deadlines.case_next_due_refresh(case=case)
    case.updated_at = ctx.now
    case.save()
    if case.owner_unit_id != before.get("owner_unit"):
        _case_unit_link(case, case.owner_unit)
    event = Event.objects.create(
        case=case, seq=case.version, action=transition.action, label=transition.label,
        from_status=from_status, to_status=case.status, actor=actor, actor_kind=actor_kind,
        actor_unit=actor.unit if actor is not None else None, at=ctx.now,
        payload=_jsonable(ctx.event_payload), is_public=transition.public,
        public_text=ctx.public_text or transition.public_label or transition.label,
    )
    case_written(case=case, event=event)
    after = {"status": case.status, "owner_unit": case.owner_unit_id, "version": case.version}
    audit_record(actor=actor, actor_kind=actor_kind, action=f"case.{transition.action}",
                 object_type="case", object_id=case.number,
                 detail={"old": before, "new": after, "event": event.seq})
    return event


def _jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def _check_who(transition: Transition, actor: User | None, actor_kind: str, case: Case | None) -> None:
    if not transition_permitted(transition=transition, actor=actor, actor_kind=actor_kind, case=case):
        raise Forbidden(f"您没有执行「{transition.label}」的权限（角色或所在单位不符）。")


def case_create(*, kind: str, actor: User | None, actor_kind: str = "staff", registered_unit: Unit,
                fields: dict, payload: Any = None, prepare=None) -> Case:
    """Create a case through its workflow's creating transition.

    `fields` are Case columns; `prepare(case)` may save kind-specific rows once the case
    has its primary key (inside the same transaction).
    """
    workflow = workflow_for(kind)
    transition = workflow.creating()
    _check_who(transition, actor, actor_kind, None)
    with transaction.atomic():
        now = clock.now()
        year = clock.today().year
        number, seq = case_number_next(unit=registered_unit, kind=kind, prefix=workflow.number_prefix, year=year)
        case = Case(kind=kind, number=number, year=year, seq=seq, registered_unit=registered_unit,
                    owner_unit=fields.pop("owner_unit", registered_unit), status=transition.target,
                    version=1, query_code=query_code_new(), created_at=now, updated_at=now, **fields)
        case.save()
        _case_unit_link(case, registered_unit)
        if prepare is not None:
            prepare(case)
        _apply(workflow=workflow, transition=transition, case=case, actor=actor, actor_kind=actor_kind,
               payload=payload, before={})
    return case


def case_transition(*, case: Case, actor: User | None, action: str, version: int,
                    payload: dict | None = None, actor_kind: str = "staff") -> Case:
    """Take one workflow action on a case.

    Refuses, changing nothing: an action the table does not have for this state
    (TransitionNotAllowed), an actor of the wrong role or unit (Forbidden), a stale
    version (Conflict), bad input (ValidationFailed), a failed guard (GuardFailed).
    """
    workflow = workflow_for(case.kind)
    transition = workflow.transitions.get(action)
    if transition is None or CREATE in transition.sources and len(transition.sources) == 1:
        raise TransitionNotAllowed(f"没有名为「{action}」的操作。", field="action")
    if actor_kind == "staff" and (actor is None or not case_visible(user=actor, case=case)):
        raise NotFound()
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("owner_unit", "registered_unit").get(pk=case.pk)
        if version != locked.version:
            raise Conflict(f"该案件已被他人修改（您看到的是第 {version} 版，当前为第 {locked.version} 版），"
                           "请刷新后重试。", field="version")
        if locked.status not in workflow.sources_of(transition):
            state = workflow.state(locked.status)
            raise TransitionNotAllowed(f"案件当前状态为「{state.label}」，不能执行「{transition.label}」。",
                                       field="action")
        _check_who(transition, actor, actor_kind, locked)
        # Input is judged only for someone allowed to act: others learn nothing from it.
        parsed = payload_parse(transition.payload, payload) if transition.payload else None
        before = {"status": locked.status, "owner_unit": locked.owner_unit_id, "version": locked.version}
        locked.version += 1
        _apply(workflow=workflow, transition=transition, case=locked, actor=actor, actor_kind=actor_kind,
               payload=parsed, before=before)
    return locked



def case_event_record(*, case: Case, actor: User | None, action: str, label: str, payload: dict | None = None,
                      version: int | None = None, actor_kind: str = "staff", is_public: bool = False,
                      public_text: str = "", before_record=None) -> Event:
    """Record on a case's timeline something that is not a step of its workflow (an
    attachment, a 督办, a 催办, a progress report): the same lock, version check, Event,
    hooks and audit entry as a transition, the status unchanged. Must run inside the
    caller's transaction. `before_record(locked_case)` may save rows of the caller's own
    (inside the lock) and return extra payload. Raises Conflict on a stale `version`."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and version != locked.version:
        raise Conflict(f"该案件已被他人修改（您看到的是第 {version} 版，当前为第 {locked.version} 版），"
                       "请刷新后重试。", field="version")
    payload = dict(payload or {})
    if before_record is not None:
        payload.update(before_record(locked) or {})
    now = clock.now()
    locked.version += 1
    locked.updated_at = now
    locked.save(update_fields=["version", "updated_at"])
    staff = actor if actor_kind == "staff" else None
    event = Event.objects.create(
        case=locked, seq=locked.version, action=action, label=label, from_status=locked.status,
        to_status=locked.status, actor=staff, actor_kind=actor_kind,
        actor_unit=staff.unit if staff is not None else None, at=now, payload=_jsonable(payload),
        is_public=is_public, public_text=public_text)
    case_written(case=locked, event=event)
    audit_record(actor=staff, actor_kind=actor_kind, action=f"case.{action}", object_type="case",
                 object_id=locked.number, detail={"event": event.seq, **{k: v for k, v in event.payload.items()
                                                                       if k not in ("text",)}})
    case.version = locked.version
    return event
