"""Petition reads. Identity protection lives here: for a 检举控告 matter, the accused
unit's people never see who the petitioners are (信访工作条例 Art 30, Art 46); everyone
else sees ID numbers, phones and addresses masked unless their role needs them and they
ask, which is audited."""
import datetime as dt

from django.db.models import Q

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.identity import address_mask, id_number_mask, phone_mask
from xinfang.core.models import Case
from xinfang.core.selectors import case_deadlines, cases_visible_to
from xinfang.orgs.models import User

from .models import Answer, Petition, Petitioner, ReceptionDay
from .services import appeal_hint

CONFIDENTIAL_NAME = "（依法保密）"


def identity_hidden_from(*, user: User | None, case: Case) -> bool:
    """True when the user belongs to the unit a 检举控告 matter accuses (or below it)."""
    if user is None or case.accused_unit_id is None:
        return False
    if user.unit is None:
        return False
    return user.unit.is_within(case.accused_unit)


def case_query_code_for(*, user: User | None, case: Case) -> str | None:
    """The query code lets its holder follow and rate the matter as the petitioner, so the
    accused unit's people never get it."""
    return None if identity_hidden_from(user=user, case=case) else case.query_code


def user_may_unmask(*, user: User) -> bool:
    return user.is_superuser or user.roles.filter(sees_personal_data=True).exists()


def petition_parties_for(*, user: User, case: Case, unmask: bool = False) -> list[dict]:
    """The petitioners as this user may see them. Unmasking is refused silently for roles
    that may not (they get the masked view) and audited for those that may."""
    if identity_hidden_from(user=user, case=case):
        return [{"name": CONFIDENTIAL_NAME, "id_number": "", "phone": "", "address": "",
                 "is_representative": False, "hidden": True}]
    people = list(Petitioner.objects.filter(case=case).order_by("order"))
    show = unmask and user_may_unmask(user=user)
    if show:
        audit_record(actor=user, action="case.unmask_parties", object_type="case", object_id=case.number,
                     detail={"petitioners": [p.pk for p in people]})
    return [{
        "name": p.name,
        "id_number": p.id_number if show else id_number_mask(p.id_number) if p.id_number else "",
        "phone": p.phone if show else phone_mask(p.phone) if p.phone else "",
        "address": p.address if show else address_mask(p.address),
        "is_representative": p.is_representative, "hidden": False, "masked": not show,
    } for p in people]


def petitioner_summary_for(*, user: User, case: Case) -> str:
    """One short line for lists: the first petitioner's name (or 保密), and how many."""
    if identity_hidden_from(user=user, case=case):
        return CONFIDENTIAL_NAME
    names = [p.name for p in case.petitioners.all()]
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{names[0]}等{len(names)}人"


def petition_answers(*, case: Case, approved_only: bool = False) -> list[Answer]:
    qs = Answer.objects.filter(case=case).select_related("unit", "submitted_by", "decided_by")
    if approved_only:
        qs = qs.filter(status="approved")
    return list(qs.order_by("submitted_at", "id"))


def petitions_open_for_same_person(*, petitioners: list[dict], exclude: Case | None = None,
                                   user: User | None = None) -> list[Case]:
    """Open petitions of the same person (ID number, or name and phone) — the registrar is
    warned, and may link the new one as a repeat (重复访). With `user`, only the matters
    that user may see (a warning must not leak another branch's cases)."""
    q = Q(pk__in=[])
    for p in petitioners:
        if p.get("id_number"):
            q |= Q(petitioners__id_number=p["id_number"].strip().upper())
        if p.get("phone") and p.get("name"):
            q |= Q(petitioners__name=p["name"].strip(), petitioners__phone=p["phone"].strip())
    base = cases_visible_to(user=user) if user is not None else Case.objects.all()
    qs = base.filter(kind="petition", is_open=True).filter(q).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("-received_date")[:10])


def petition_public_view(*, case: Case, today: dt.date | None = None) -> dict:
    """What the petitioner sees with the query code: status in plain words, the public
    timeline, the organ's deadlines, delivered answers, the rating and how to appeal."""
    from xinfang.core.workflow import workflow_for

    today = today or clock.today()
    workflow = workflow_for(case.kind)
    state = workflow.state(case.status)
    petition = Petition.objects.get(case=case)
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_label": state.public_label or state.label,
        "received_date": case.received_date,
        "owner_unit": case.owner_unit.name,
        "timeline": [{"at": e.at, "text": e.public_text} for e in case.events.filter(is_public=True).order_by("seq")],
        "deadlines": [d for d in case_deadlines(case=case, today=today)],
        "answers": [{"stage": a.get_stage_display(), "decision": a.get_decision_label(), "facts": a.facts,
                     "legal_basis": a.legal_basis, "text": a.text, "unit": a.unit.name, "date": a.decided_at}
                    for a in petition_answers(case=case, approved_only=True)],
        "satisfaction": petition.satisfaction,
        "satisfaction_label": petition.get_satisfaction_display() if petition.satisfaction else "",
        "appeal_hint": appeal_hint(case=case, today=today),
        "decline_channel": petition.get_decline_channel_display() if petition.decline_channel else "",
    }


def reception_days_for(*, user: User):
    """Reception days of the user's unit tree (all of them for an all-scope user), with the
    number of cases received on each, newest first."""
    from django.db.models import Count

    from xinfang.orgs.models import DataScope

    qs = ReceptionDay.objects.select_related("leader", "unit").annotate(case_count=Count("cases"))
    if not (user.is_superuser or user.data_scope == DataScope.ALL):
        if user.unit is None:
            return qs.none()
        area = user.unit.jurisdiction()
        qs = qs.filter(unit__path__startswith=area.path)
    return qs.order_by("-date", "-id")


# --- the home pages (工作台) and notifications: who must act, and each role's queue ----------
# Each read below costs a fixed number of queries whatever the number of cases: counts are
# aggregated in the database, lists are sliced.
import functools  # noqa: E402

from django.db.models import Count, Exists, F, Min, OuterRef, Subquery, Sum  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.utils import timezone  # noqa: E402

from xinfang.core.models import Deadline, Event  # noqa: E402
from xinfang.core.selectors import cases_filter, cases_worklist_for  # noqa: E402
from xinfang.core.workflow import workflow_for  # noqa: E402


@functools.lru_cache(maxsize=None)
def _roles_to_act(kind: str, status: str) -> frozenset[str]:
    workflow = workflow_for(kind)
    return frozenset(w.role for t in workflow.transitions_from(status) if t.target is not None
                     for w in t.who if w.at == "owner")


def case_roles_to_act(*, kind: str, status: str) -> frozenset[str]:
    """The staff roles that, standing in the owning unit, may move a case on from `status`
    (the state-changing transitions of the kind's table): who must hear of it."""
    return _roles_to_act(kind, status)


@functools.lru_cache(maxsize=None)
def _approval_states(kind: str) -> frozenset[str]:
    workflow = workflow_for(kind)
    out = set()
    for code, state in workflow.states.items():
        if not state.open:
            continue
        moving = [t for t in workflow.transitions_from(code) if t.target is not None]
        roles = [{w.role for w in t.who if w.at == "owner"} for t in moving]
        if moving and all("reviewer" in r and "handler" not in r for r in roles):
            out.add(code)
    return frozenset(out)


def case_approval_states(*, kind: str) -> frozenset[str]:
    """States that wait for a reviewer (审核/审批): every way on is the reviewer's and none the
    handler's — answers to approve, extension requests, 复查/复核 to accept and answer."""
    return _approval_states(kind)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    first = today.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return (first, after - dt.timedelta(days=1), timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(after, dt.time.min)))


def home_intake_today(*, user: User, today: dt.date) -> dict:
    """登记员: what the user's unit registered today — batches (件次) and person-times (人次),
    per channel — in one grouped query."""
    start, end = _day_bounds(today)
    rows = (cases_visible_to(user=user)
            .filter(kind="petition", registered_unit_id=user.unit_id, created_at__gte=start, created_at__lt=end)
            .values("petition__channel")
            .annotate(batches=Count("pk"), persons=Sum("petition__person_count"),
                      collective=Count("pk", filter=Q(petition__is_collective=True)))
            .order_by("petition__channel"))
    from .models import Channel

    labels = dict(Channel.choices)
    channels = [{"code": r["petition__channel"], "label": labels.get(r["petition__channel"], r["petition__channel"]),
                 "batches": r["batches"], "persons": r["persons"] or 0} for r in rows]
    return {"batches": sum(c["batches"] for c in channels), "persons": sum(c["persons"] for c in channels),
            "collective": sum(r["collective"] for r in rows), "channels": channels}


def home_pending_acceptance(*, user: User):
    """登记员: open petitions at the user's unit waiting for the acceptance decision (受理、交办、
    转送、不予受理; 条例 Art 22–23: within 15 days of receipt), most urgent first, each with
    the due date of the 15-day clock as `acceptance_due` (the nearest deadline if it stopped)."""
    sources = workflow_for("petition").sources_of(workflow_for("petition").transitions["accept"])
    acceptance_due = Subquery(Deadline.objects.filter(case=OuterRef("pk"), key="acceptance_notice", active=True)
                              .order_by("-id").values("due_date")[:1])
    return (cases_worklist_for(user=user).filter(kind="petition", status__in=sorted(sources))
            .annotate(acceptance_due=Coalesce(acceptance_due, F("next_due_date")))
            .order_by(F("acceptance_due").asc(nulls_last=True), "id"))


def home_deadline_counts(*, qs) -> dict:
    """正常 / 临期 / 超期 / all of an open-case queryset, in one aggregate query (the same
    boundaries as cases_filter's deadline states)."""
    from django.conf import settings

    today = clock.today()
    soon = today + dt.timedelta(days=settings.XINFANG_DUE_SOON_DAYS)
    return qs.order_by().aggregate(
        open=Count("pk", filter=Q(is_open=True)),
        overdue=Count("pk", filter=Q(is_open=True, next_due_date__lt=today)),
        due_soon=Count("pk", filter=Q(is_open=True, next_due_date__gte=today, next_due_date__lte=soon)),
        normal=Count("pk", filter=Q(is_open=True) & (Q(next_due_date__isnull=True) | Q(next_due_date__gt=soon))),
    )


def home_returned_answers(*, user: User):
    """承办人: matters whose written answer the reviewer sent back for rework (退回处理意见),
    still waiting for a new answer, most urgent first; `return_reason` / `returned_at` from
    the latest return."""
    latest = Answer.objects.filter(case=OuterRef("pk"), status="returned").order_by("-decided_at", "-id")
    return (cases_worklist_for(user=user).filter(kind="petition", status="accepted")
            .filter(Exists(Answer.objects.filter(case=OuterRef("pk"), status="returned")))
            .annotate(return_reason=Subquery(latest.values("return_reason")[:1]),
                      returned_at=Subquery(latest.values("decided_at")[:1]))
            .order_by(F("next_due_date").asc(nulls_last=True), "id"))


def home_approvals_waiting(*, user: User):
    """审核人: open cases at the user's unit that wait for a reviewer (case_approval_states),
    oldest request first; `waiting_since` is when the case entered its state, `asked_by_id`
    who put it there."""
    states = case_approval_states(kind="petition")
    entered = (Event.objects.filter(case=OuterRef("pk"), to_status=OuterRef("status"))
               .exclude(from_status=F("to_status")).order_by("-seq"))
    return (cases_worklist_for(user=user).filter(kind="petition", status__in=sorted(states))
            .annotate(waiting_since=Subquery(entered.values("at")[:1]),
                      asked_by_id=Subquery(entered.values("actor_id")[:1]))
            .order_by(F("waiting_since").asc(nulls_first=True), "id"))


def home_owned_by_leader(*, user: User):
    """领导: the open matters this leader took on (包案, the `own` step sets Case.leader),
    most urgent first."""
    return (cases_visible_to(user=user).filter(leader=user, is_open=True)
            .order_by(F("next_due_date").asc(nulls_last=True), "id"))


def home_next_reception_day(*, user: User, today: dt.date) -> ReceptionDay | None:
    """The leader's own next reception day (领导接访日); else the next one in their area."""
    upcoming = reception_days_for(user=user).filter(date__gte=today).order_by("date", "id")
    return upcoming.filter(leader=user).first() or upcoming.first()


def home_area_glance(*, user: User, today: dt.date) -> dict:
    """领导: the area at a glance — open, 临期, 超期 in one aggregate query, and this month's
    bounds (the month's on-time and satisfaction figures come from xinfang.stats, where each
    indicator is defined once)."""
    first, last, _, _ = _month_bounds(today)
    return {**home_deadline_counts(qs=cases_visible_to(user=user)), "month_first": first, "month_last": last}


def home_overdue_by_unit(*, user: User, today: dt.date) -> list[dict]:
    """督查员: overdue open cases in the user's scope grouped by owning unit — how many, and how
    long the oldest is overdue — most overdue first (one grouped query)."""
    rows = (cases_filter(cases_visible_to(user=user), deadline_state="overdue")
            .values("owner_unit_id", "owner_unit__name")
            .annotate(overdue=Count("pk"), oldest_due=Min("next_due_date"))
            .order_by("oldest_due", "-overdue", "owner_unit__name"))
    return [{"unit_id": r["owner_unit_id"], "unit": r["owner_unit__name"], "overdue": r["overdue"],
             "oldest_due": r["oldest_due"], "oldest_days": (today - r["oldest_due"]).days} for r in rows]
