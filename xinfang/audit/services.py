"""Appending to and verifying the audit chain."""
import dataclasses
import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from xinfang.core import clock

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(*, prev_hash: str, seq: int, at: str, actor_id, actor_kind: str, action: str,
            object_type: str, object_id: str, detail: dict) -> str:
    body = json.dumps(
        [prev_hash, seq, at, actor_id, actor_kind, action, object_type, object_id, detail],
        cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat()


def _normalise(detail: dict) -> dict:
    # Store exactly what was hashed: round-trip through JSON so dates etc. become strings.
    return json.loads(json.dumps(detail, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_record(*, actor, action: str, object_type: str, object_id, detail: dict | None = None,
                 actor_kind: str = "staff") -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so the entry exists exactly
    when the change it records does (no savepoint of its own: nothing to undo separately)."""
    with transaction.atomic(savepoint=False):
        return _append(actor=actor, action=action, object_type=object_type, object_id=object_id,
                       detail=detail, actor_kind=actor_kind)


def _append(*, actor, action, object_type, object_id, detail, actor_kind) -> AuditEntry:
    rows = list(AuditHead.objects.select_for_update().filter(id=1))
    head = rows[0] if rows else None
    if head is None:
        AuditHead.objects.bulk_create([AuditHead(id=1)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(id=1)
    seq = head.seq + 1
    at = clock.now()
    detail = _normalise(detail or {})
    actor_id = actor.pk if actor is not None else None
    digest = _digest(prev_hash=head.hash, seq=seq, at=_utc(at), actor_id=actor_id,
                     actor_kind=actor_kind, action=action, object_type=object_type,
                     object_id=str(object_id), detail=detail)
    entry = AuditEntry.objects.create(
        seq=seq, at=at, actor_id=actor_id, actor_kind=actor_kind, action=action,
        object_type=object_type, object_id=str(object_id), detail=detail,
        prev_hash=head.hash, hash=digest,
    )
    head.seq, head.hash = seq, digest
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclasses.dataclass
class AuditVerdict:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def audit_verify() -> AuditVerdict:
    """Recompute the chain; report the first entry whose content, link or place is wrong."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if e.seq != expected_seq:
            return AuditVerdict(False, checked, expected_seq, f"第 {expected_seq} 条记录缺失")
        if e.prev_hash != prev:
            return AuditVerdict(False, checked, e.seq, "与上一条记录的链接不符")
        digest = _digest(prev_hash=e.prev_hash, seq=e.seq, at=_utc(e.at), actor_id=e.actor_id,
                         actor_kind=e.actor_kind, action=e.action, object_type=e.object_type,
                         object_id=e.object_id, detail=e.detail)
        if digest != e.hash:
            return AuditVerdict(False, checked, e.seq, "内容被改动")
        prev, expected_seq, checked = e.hash, e.seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and head.seq != checked:
        return AuditVerdict(False, checked, checked + 1, "链尾记录被删除")
    return AuditVerdict(True, checked)
