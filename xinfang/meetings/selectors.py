"""Reads of meetings: who sees which, who runs one, the agenda as a reader may see it, the
state of each follow-up (overdue is a query on its date), the 会议交办事项 of a unit, and the
case page's 联席会议 section."""
import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.models import Case, CaseUnit
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import DataScope, User
from xinfang.orgs.selectors import unit_subtree_ids, units_in_scope_of

from .models import AgendaItem, Meeting

MANAGING_ROLES = ("leader", "supervisor", "reviewer")

PENDING, OVERDUE, DONE, DONE_LATE = "pending", "overdue", "done", "done_late"
FOLLOWUP_STATES = {PENDING: "办理中", OVERDUE: "已超期", DONE: "已办结", DONE_LATE: "超期办结"}


def meetings_visible_to(*, user: User) -> QuerySet[Meeting]:
    """Meetings convened or attended by a unit in the user's scope, or that gave such a unit
    a follow-up."""
    qs = Meeting.objects.select_related("convening_unit", "chair")
    if user.is_superuser or user.data_scope == DataScope.ALL:
        return qs
    if user.unit_id is None:
        return qs.none()
    units = units_in_scope_of(user=user)
    followed = AgendaItem.objects.filter(followup_unit_id__in=units).values("meeting_id")
    attended = Meeting.attending_units.through.objects.filter(unit_id__in=units).values("meeting_id")
    return qs.filter(Q(convening_unit_id__in=units) | Q(pk__in=attended) | Q(pk__in=followed))


def meeting_get_for(*, user: User, meeting_id: int) -> Meeting:
    meeting = meetings_visible_to(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("未找到该会议，或无权查看。")
    return meeting


def meeting_may_convene(*, user: User) -> bool:
    return user.unit_id is not None and user.has_role(*MANAGING_ROLES)


def meeting_may_manage(*, user: User, meeting: Meeting) -> bool:
    """Leaders, supervisors and reviewers of the convening unit or a unit above it keep the
    agenda, record decisions and generate the minutes."""
    return meeting_may_convene(user=user) and meeting.convening_unit.is_within(user.unit)


def meeting_cases_reachable(*, meeting: Meeting) -> QuerySet[Case]:
    """The cases the convening unit can put on its agenda: those some unit of its area (its
    jurisdiction's subtree: a 信访局 acts for its government) has held."""
    area = meeting.convening_unit.jurisdiction()
    links = CaseUnit.objects.filter(unit_id__in=unit_subtree_ids(unit=area))
    return Case.objects.filter(pk__in=links.values("case_id"))


def followup_state(item: AgendaItem, *, today: dt.date | None = None) -> str:
    """"" before a decision; then pending, overdue (past the date, not done), done, or done late."""
    if item.decided_at is None or item.followup_due is None:
        return ""
    today = today or clock.today()
    if item.done_at is not None:
        return DONE if clock_date(item.done_at) <= item.followup_due else DONE_LATE
    return OVERDUE if item.followup_due < today else PENDING


def clock_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


def followup_may_close(*, user: User, item: AgendaItem) -> bool:
    """The follow-up unit's staff (or the handler named) report it done; so may the meeting's
    managers, who keep its record."""
    if item.followup_unit_id is None or item.done_at is not None:
        return False
    return (user.unit_id == item.followup_unit_id or item.followup_handler_id == user.pk
            or meeting_may_manage(user=user, meeting=item.meeting))


def meeting_agenda_for(*, user: User, meeting: Meeting) -> dict:
    """The agenda as this user may see it: items of cases they can see in full; the others
    only counted (the meeting's existence is no licence to read a case)."""
    today = clock.today()
    items = list(meeting.agenda.select_related("case", "case__owner_unit", "followup_unit", "followup_handler",
                                               "decided_by", "done_by"))
    visible = set(cases_visible_to(user=user).filter(pk__in=[i.case_id for i in items]).values_list("pk", flat=True))
    rows = [{"item": i, "state": followup_state(i, today=today), "state_label": FOLLOWUP_STATES.get(
        followup_state(i, today=today), "待决定"), "may_close": followup_may_close(user=user, item=i)}
            for i in items if i.case_id in visible]
    counts = {s: sum(1 for i in items if followup_state(i, today=today) == s) for s in FOLLOWUP_STATES}
    return {"rows": rows, "hidden": len(items) - len(rows), "total": len(items),
            "undecided": sum(1 for i in items if i.decided_at is None), "counts": counts}


def followups_for(*, user: User, state: str | None = None) -> QuerySet[AgendaItem]:
    """会议交办事项: follow-ups assigned to a unit in the user's scope or to the user by name,
    the most pressing first."""
    if state and state not in FOLLOWUP_STATES:
        raise ValidationFailed(f"办理情况的取值无效，可选：{'、'.join(FOLLOWUP_STATES.values())}。", field="state")
    qs = AgendaItem.objects.filter(decided_at__isnull=False)
    if not (user.is_superuser or user.data_scope == DataScope.ALL):
        if user.unit_id is None:
            return qs.none()
        qs = qs.filter(Q(followup_unit_id__in=units_in_scope_of(user=user)) | Q(followup_handler=user))
    today = clock.today()
    if state == PENDING:
        qs = qs.filter(done_at__isnull=True, followup_due__gte=today)
    elif state == OVERDUE:
        qs = qs.filter(done_at__isnull=True, followup_due__lt=today)
    elif state in (DONE, DONE_LATE):
        qs = qs.filter(done_at__isnull=False)
    qs = qs.select_related("meeting", "meeting__convening_unit", "case", "followup_unit", "followup_handler")
    if state in (DONE, DONE_LATE):
        keep = [i.pk for i in qs if followup_state(i, today=today) == state]
        qs = qs.filter(pk__in=keep)
    # Open ones first (nearest deadline first), then the done ones.
    return qs.order_by(F("done_at").asc(nulls_first=True), "followup_due", "id")


def case_meetings_for(*, user: User, case: Case) -> list[dict]:
    """The meetings that discussed this case (the case was fetched through the user's scope)."""
    today = clock.today()
    items = (AgendaItem.objects.filter(case=case)
             .select_related("meeting", "meeting__convening_unit", "followup_unit", "followup_handler", "done_by")
             .order_by("-meeting__date", "-id"))
    return [{"item": i, "state": followup_state(i, today=today),
             "state_label": FOLLOWUP_STATES.get(followup_state(i, today=today), "待决定"),
             "may_close": followup_may_close(user=user, item=i)} for i in items]
