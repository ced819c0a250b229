"""责任倒查与问责: opening a record on a mishandled case, correcting it while the facts are
being established, recording the decision, closing it once carried out.

信访工作条例 (2022) Arts 45–46 name the failings (not registering, transferring or assigning
as required; 推诿、敷衍、拖延; answers that are wrong or late) for which the organ above
orders correction and the officials answer for it; 信访工作责任制实施办法 and 中国共产党问责
条例 Art 8 give the measures (通报、诫勉、组织处理、纪律处分 …).

A record is NOT an Event on the case: the case's timeline is read by handlers, reviewers and
(its public part) the petitioner, and a record names officials and what was decided about
them. Every write is in the audit chain instead, in the same transaction.
"""
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    NotFound,
    ValidationFailed,
)
from xinfang.core.models import Case
from xinfang.core.validation import payload_parse
from xinfang.orgs.models import Unit, User

from .models import AccountabilityRecord, ResponsibleOfficial, Status
from .schemas import CloseIn, DecideIn, RecordIn
from .selectors import (
    WRITER_ROLE,
    accountability_records_for,
    case_in_reach,
    responsible_unit_choices,
)


def _writer_check(actor: User) -> None:
    # Leaders read; the supervisor who keeps the file writes it.
    if not actor.has_role(WRITER_ROLE):
        raise Forbidden("只有督查人员可以开立、修改问责记录。")


def _locked(*, actor: User, record_id: int, version: int | None) -> AccountabilityRecord:
    """The record, locked, if the actor may see it (else NotFound) and write it (else
    Forbidden), at the version the actor read (else Conflict)."""
    if not accountability_records_for(user=actor).filter(pk=record_id).exists():
        raise NotFound("未找到该问责记录，或无权查看。")
    _writer_check(actor)
    record = AccountabilityRecord.objects.select_for_update().select_related("case").get(pk=record_id)
    if version is not None and version != record.version:
        raise Conflict(f"该问责记录已被他人修改（您看到的是第 {version} 版，当前为第 {record.version} 版），请刷新后重试。",
                       field="version")
    return record


def _facts_save(*, record: AccountabilityRecord, case: Case, data: RecordIn) -> None:
    """Grounds, finding, units and officials. The units must be ones that held the case; an
    official's unit, one of those named responsible."""
    held = {u.pk: u for u in responsible_unit_choices(case=case)}
    for pk in data.unit_ids:
        if pk not in held:
            unit = Unit.objects.filter(pk=pk).first()
            name = f"「{unit.name}」" if unit else f"编号 {pk} 的单位"
            raise ValidationFailed(f"{name}没有办理过本案，不能列为责任单位。", field="unit_ids")
    for i, official in enumerate(data.officials):
        if official.unit_id is not None and official.unit_id not in data.unit_ids:
            raise ValidationFailed("责任人所在单位须是所列责任单位之一。", field=f"officials.{i}.unit_id")
    record.grounds = [g.value for g in data.grounds]
    record.other_ground = data.other_ground
    record.finding = data.finding
    record.save()
    record.units.set([held[pk] for pk in data.unit_ids])
    record.officials.all().delete()
    ResponsibleOfficial.objects.bulk_create([
        ResponsibleOfficial(record=record, name=o.name, post=o.post, unit_id=o.unit_id, order=i)
        for i, o in enumerate(data.officials)])


def _summary(record: AccountabilityRecord) -> dict:
    """What the audit entry keeps of a record: enough to follow it, no free text."""
    return {"case": record.case.number, "status": record.status, "grounds": record.grounds,
            "units": sorted(record.units.values_list("pk", flat=True)), "officials": record.officials.count(),
            "measures": record.measures, "version": record.version}


@transaction.atomic
def accountability_record_open(*, actor: User, case: Case, data: dict | RecordIn) -> AccountabilityRecord:
    """A supervisor opens 责任倒查 on a case in their scope (信访工作条例 Arts 45–46)."""
    if not case_in_reach(user=actor, case=case):
        raise NotFound()
    _writer_check(actor)
    data = data if isinstance(data, RecordIn) else payload_parse(RecordIn, data)
    if actor.unit_id is None:
        raise ValidationFailed("立项人没有所属单位。", field="unit")
    record = AccountabilityRecord(case=case, opening_unit=actor.unit, opened_by=actor, opened_at=clock.now())
    _facts_save(record=record, case=case, data=data)
    audit_record(actor=actor, action="accountability.open", object_type="accountability_record",
                 object_id=record.pk, detail=_summary(record))
    return record


@transaction.atomic
def accountability_record_update(*, actor: User, record_id: int, version: int | None,
                                 data: dict | RecordIn) -> AccountabilityRecord:
    """Correct grounds, finding, units and officials while the facts are being established."""
    record = _locked(actor=actor, record_id=record_id, version=version)
    data = data if isinstance(data, RecordIn) else payload_parse(RecordIn, data)
    if record.status != Status.OPENED:
        raise GuardFailed("已作出问责决定的记录不能再修改事实与责任人。")
    record.version += 1
    _facts_save(record=record, case=record.case, data=data)
    audit_record(actor=actor, action="accountability.update", object_type="accountability_record",
                 object_id=record.pk, detail=_summary(record))
    return record


@transaction.atomic
def accountability_record_decide(*, actor: User, record_id: int, version: int | None,
                                 data: dict | DecideIn) -> AccountabilityRecord:
    """Record the decision of the organ with authority over the officials: the measures, the
    decision's organ, number and date (信访工作条例 Art 45–46; 中国共产党问责条例 Art 8)."""
    record = _locked(actor=actor, record_id=record_id, version=version)
    data = data if isinstance(data, DecideIn) else payload_parse(DecideIn, data)
    if record.status != Status.OPENED:
        raise GuardFailed("该记录已作出问责决定。")
    opened_on = timezone.localdate(record.opened_at)
    if data.decided_on > clock.today():
        raise ValidationFailed("决定日期不能晚于今天。", field="decided_on")
    if data.decided_on < opened_on:
        raise ValidationFailed(f"决定日期不能早于立项日期（{opened_on:%Y-%m-%d}）。", field="decided_on")
    record.measures = [m.value for m in data.measures]
    record.measure_note = data.measure_note
    record.decision_organ = data.decision_organ
    record.decision_number = data.decision_number
    record.decided_on = data.decided_on
    record.decided_by = actor
    record.status = Status.DECIDED
    record.version += 1
    record.save()
    audit_record(actor=actor, action="accountability.decide", object_type="accountability_record",
                 object_id=record.pk, detail={**_summary(record), "decided_on": data.decided_on.isoformat(),
                                              "decision_number": data.decision_number})
    return record


@transaction.atomic
def accountability_record_close(*, actor: User, record_id: int, version: int | None,
                                data: dict | CloseIn) -> AccountabilityRecord:
    """Close a decided record once the measures were carried out (落实情况)."""
    record = _locked(actor=actor, record_id=record_id, version=version)
    data = data if isinstance(data, CloseIn) else payload_parse(CloseIn, data)
    if record.status != Status.DECIDED:
        raise GuardFailed("只有已作出问责决定的记录才能结案。" if record.status == Status.OPENED
                          else "该记录已结案。")
    record.close_note = data.close_note
    record.closed_at, record.closed_by = clock.now(), actor
    record.status = Status.CLOSED
    record.version += 1
    record.save()
    audit_record(actor=actor, action="accountability.close", object_type="accountability_record",
                 object_id=record.pk, detail=_summary(record))
    return record
