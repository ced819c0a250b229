"""Reads of accountability records, for supervisors and leaders only, within their data
scope. Everyone else — handlers, reviewers, registrars, and any member of a unit a case
accuses — is answered "not found", exactly as for a record that does not exist. Every read
is written to the audit chain (the records name officials and are not on any timeline)."""
import dataclasses
import datetime as dt
from collections import Counter

from django.db.models import Count, F, Q, QuerySet

from xinfang.audit.services import audit_record
from xinfang.core.errors import NotFound
from xinfang.core.models import Case, Deadline, Event, Obligation
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import Answer, AnswerStage, ReviewDecision

from .models import (
    GROUND_SHORT,
    MEASURE_SHORT,
    AccountabilityRecord,
    Ground,
    Measure,
    Status,
)

READER_ROLES = ("supervisor", "leader")
WRITER_ROLE = "supervisor"
# 推诿扯皮: a matter sent back (退回) or handed on (移交) this many times or more.
SHIRKING_ACTIONS = {"object": "退回（不属本单位职责）", "hand_over": "移交"}
SHIRKING_FROM = 2


def user_may_read(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*READER_ROLES))


def _accused_ids(user: User) -> list[int]:
    """The units whose accusations this user must never see handled: their own unit and
    every unit above it (an accusation against a district concerns its streets' staff)."""
    if user.unit_id is None:
        return []
    return [int(p) for p in user.unit.path.strip("/").split("/") if p]


def _reader_check(user: User) -> None:
    if not user_may_read(user):
        raise NotFound()


def cases_in_reach(*, user: User) -> QuerySet[Case]:
    """The cases whose accountability a supervisor or leader may see: those in their data
    scope, less any case accusing their own unit or a unit above it (条例 Arts 30, 46)."""
    _reader_check(user)
    return cases_visible_to(user=user).exclude(accused_unit_id__in=_accused_ids(user))


def case_in_reach(*, user: User, case: Case) -> bool:
    return user_may_read(user) and cases_in_reach(user=user).filter(pk=case.pk).exists()


def accountability_records_for(*, user: User) -> QuerySet[AccountabilityRecord]:
    return (AccountabilityRecord.objects.filter(case__in=cases_in_reach(user=user).values("pk"))
            .select_related("case", "opening_unit", "opened_by").prefetch_related("units"))


def accountability_record_get_for(*, user: User, record_id: int, purpose: str = "view") -> AccountabilityRecord:
    """One record the user may see (else NotFound); the read is audited with its purpose."""
    record = accountability_records_for(user=user).filter(pk=record_id).prefetch_related(
        "officials", "officials__unit").first()
    if record is None:
        raise NotFound("未找到该问责记录，或无权查看。")
    audit_record(actor=user, action=f"accountability.{purpose}", object_type="accountability_record",
                 object_id=record.pk, detail={"case": record.case.number})
    return record


def accountability_list_audit(*, user: User, what: str, detail: dict | None = None) -> None:
    """A list, figure or export of records was read (who looked at which list, and when)."""
    audit_record(actor=user, action=f"accountability.{what}", object_type="accountability_list", object_id="",
                 detail=detail or {})


# --- the grounds a case meets, read from its own history -----------------------------------

# Organ clocks a unit may let run out without failing anyone: the 异议期 (条例 Art 23: object
# within 5 working days, or not at all) and a risk assessment's monitoring cycle.
LAPSE_ALLOWED = ("objection_window", "assessment_monitoring")


def _missed_deadlines(today: dt.date) -> QuerySet[Deadline]:
    """Organ clocks missed: still running past their date, or stopped after it. A clock
    replaced by a restart (an objection) neither met nor missed its date."""
    return Deadline.objects.filter(obligation=Obligation.ORGAN, replaced=False).exclude(
        key__in=LAPSE_ALLOWED).filter(
        Q(active=True, paused_since__isnull=True, due_date__lt=today)
        | Q(active=False, stopped_on__isnull=False, stopped_on__gt=F("due_date")))


def _shirked() -> QuerySet[Event]:
    return (Event.objects.filter(action__in=list(SHIRKING_ACTIONS)).values("case_id", "action")
            .annotate(n=Count("id")).filter(n__gte=SHIRKING_FROM))


def _overturned() -> QuerySet[Answer]:
    return Answer.objects.filter(stage__in=[AnswerStage.REVIEW, AnswerStage.REREVIEW], status="approved",
                                 decision=ReviewDecision.REVISE)


def grounds_detected(*, case: Case, today: dt.date) -> dict[str, list[str]]:
    """Which grounds this case meets by its own record, each with the facts that show it."""
    out: dict[str, list[str]] = {}
    for d in _missed_deadlines(today).filter(case=case).order_by("start_date", "id"):
        if d.active:
            out.setdefault(Ground.OVERDUE, []).append(
                f"{d.label}：应于{d.due_date:%Y-%m-%d}前完成，至今未完成（已超 {(today - d.due_date).days} 日）")
        else:
            out.setdefault(Ground.OVERDUE, []).append(
                f"{d.label}：应于{d.due_date:%Y-%m-%d}前完成，{d.stopped_on:%Y-%m-%d}才完成（超 "
                f"{(d.stopped_on - d.due_date).days} 日）")
    counts = Counter(Event.objects.filter(case=case, action__in=list(SHIRKING_ACTIONS)).values_list("action", flat=True))
    for action, n in counts.items():
        if n >= SHIRKING_FROM:
            out.setdefault(Ground.SHIRKING, []).append(f"{SHIRKING_ACTIONS[action]} {n} 次")
    for a in _overturned().filter(case=case).select_related("unit").order_by("decided_at"):
        stage = "复查" if a.stage == AnswerStage.REVIEW else "复核"
        out.setdefault(Ground.OVERTURNED, []).append(
            f"{a.unit.name}{stage}意见（{a.decided_at:%Y-%m-%d}）撤销或变更了原处理意见")
    return out


@dataclasses.dataclass
class Candidate:
    case: Case
    grounds: dict[str, list[str]]
    records: int

    @property
    def labelled(self) -> list[tuple[str, list[str]]]:
        return [(GROUND_SHORT[g], self.grounds[g]) for g in (Ground.OVERDUE, Ground.SHIRKING, Ground.OVERTURNED)
                if g in self.grounds]


def candidate_case_ids(*, user: User, today: dt.date, ground: str = "") -> QuerySet[Case]:
    """Cases within reach that meet a ground on their own record (the matter, never a
    person): a missed clock, repeated sending back or handing on, an answer overturned."""
    reach = cases_in_reach(user=user)
    parts = {
        Ground.OVERDUE: Q(pk__in=_missed_deadlines(today).values("case_id")),
        Ground.SHIRKING: Q(pk__in=_shirked().values("case_id")),
        Ground.OVERTURNED: Q(pk__in=_overturned().values("case_id")),
    }
    if ground:
        return reach.filter(parts[ground])
    return reach.filter(parts[Ground.OVERDUE] | parts[Ground.SHIRKING] | parts[Ground.OVERTURNED])


def candidates_page(*, cases: list[Case], today: dt.date) -> list[Candidate]:
    """The grounds and existing record count of each case of one page of the list."""
    ids = [c.pk for c in cases]
    records = dict(AccountabilityRecord.objects.filter(case_id__in=ids).values("case_id")
                   .annotate(n=Count("id")).values_list("case_id", "n"))
    return [Candidate(case=c, grounds=grounds_detected(case=c, today=today), records=records.get(c.pk, 0))
            for c in cases]


def case_accountability_for(*, user: User, case: Case, today: dt.date) -> dict:
    """The case page's 责任倒查 section: the records on this case, the grounds the case
    meets, and whether this user may open a record (the services judge again)."""
    if not case_in_reach(user=user, case=case):
        raise NotFound()
    records = list(AccountabilityRecord.objects.filter(case=case).prefetch_related("units")
                   .select_related("opened_by").order_by("opened_at", "id"))
    audit_record(actor=user, action="accountability.case_view", object_type="case", object_id=case.number,
                 detail={"records": [r.pk for r in records]})
    return {"records": records, "detected": {GROUND_SHORT[g]: facts for g, facts in
                                             grounds_detected(case=case, today=today).items()},
            "may_open": user.has_role(WRITER_ROLE)}


def responsible_unit_choices(*, case: Case) -> list[Unit]:
    """The units that held the case: the only ones that can have mishandled it."""
    return list(Unit.objects.filter(case_links__case=case).distinct().order_by("path"))


# --- counted by unit -----------------------------------------------------------------------

GROUND_COLUMNS = [(g.value, GROUND_SHORT[g]) for g in Ground]
MEASURE_COLUMNS = [(m.value, MEASURE_SHORT[m]) for m in Measure]


def accountability_counts_by_unit(*, user: User, start: dt.date, end: dt.date) -> dict:
    """Records opened in the period (both ends included), per responsible unit: how many,
    on which grounds, with which measures decided, and how many are still open. A record
    naming two units counts once for each; the total row counts each record once. Units
    only: there is no figure per official."""
    from xinfang.stats.indicators import Scope

    scope = Scope(start=start, end=end)    # refuses an end before the start
    records = list(accountability_records_for(user=user).filter(opened_at__date__range=(scope.start, scope.end)))
    empty = lambda: {"records": 0, "open": 0, "grounds": Counter(), "measures": Counter()}
    by_unit: dict[int, dict] = {}
    units: dict[int, Unit] = {}
    total = empty()

    def add(row: dict, record: AccountabilityRecord) -> None:
        row["records"] += 1
        row["open"] += record.status == Status.OPENED
        row["grounds"].update(record.grounds)
        row["measures"].update(record.measures)

    for record in records:
        add(total, record)
        for unit in record.units.all():
            units[unit.pk] = unit
            add(by_unit.setdefault(unit.pk, empty()), record)
    def columns(row: dict) -> dict:
        return {**row, "grounds": [row["grounds"][code] for code, _ in GROUND_COLUMNS],
                "measures": [row["measures"][code] for code, _ in MEASURE_COLUMNS]}

    rows = [{"unit": units[pk], **columns(row)} for pk, row in sorted(by_unit.items(), key=lambda kv: units[kv[0]].path)]
    return {"start": scope.start, "end": scope.end, "rows": rows, "total": columns(total),
            "ground_columns": GROUND_COLUMNS, "measure_columns": MEASURE_COLUMNS}


def section_visible(*, user: User, case: Case) -> bool:
    """The case page shows the section to supervisors and leaders, never to anyone in a unit
    the case accuses (the page itself was already fetched within the user's scope)."""
    return user_may_read(user) and not (case.accused_unit_id and case.accused_unit_id in _accused_ids(user))
