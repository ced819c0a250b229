"""Reads of cases. Every read applies the caller's data scope; a case outside it answers
"not found", exactly like a case that does not exist."""
import datetime as dt

from django.conf import settings
from django.db.models import F, Q, QuerySet

from xinfang.orgs.models import Unit, User
from xinfang.orgs.selectors import unit_subtree_ids, units_in_scope_of

from . import clock
from .deadlines import DeadlineState, deadline_state
from .errors import NotFound
from .models import Case, CaseUnit, Category, Deadline, Event
from .workflow import Transition, TransitionContext, Who, workflow_for


def case_links_visible_to(*, user: User) -> QuerySet[CaseUnit] | None:
    """The case-unit links of the units in the user's scope; None means everything. For
    reads that apply the scope in SQL of their own (search) as well as the case lists."""
    units = units_in_scope_of(user=user)
    if units is None:
        return None
    if not isinstance(units, QuerySet):
        # One unit or none: `unit_id = X` (a list would plan as `IN (X)`, the same, but `IN ()`
        # cannot be written).
        return CaseUnit.objects.filter(unit_id=units[0]) if units else CaseUnit.objects.none()
    return CaseUnit.objects.filter(unit_id__in=units)


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    """Cases some unit in the user's scope has held. Written as `id IN (case ids of those
    units)` so the database starts from the (unit, case) index instead of testing every case."""
    links = case_links_visible_to(user=user)
    return Case.objects.all() if links is None else Case.objects.filter(pk__in=links.values("case_id"))


def case_visible(*, user: User, case: Case) -> bool:
    """One probe of the (case, unit) index: cheaper than building the IN list, and far
    cheaper to plan than a join of the case with its scope."""
    links = case_links_visible_to(user=user)
    return links is None or links.filter(case_id=case.pk).exists()


def case_get_for(*, user: User, number: str) -> Case:
    """The case with this number, if the user may see it; else NotFound."""
    case = (Case.objects.select_related("category", "owner_unit", "registered_unit")
            .filter(number=number).first())
    if case is None or not case_visible(user=user, case=case):
        raise NotFound()
    return case


def case_get_by_query_code(*, query_code: str) -> Case:
    case = Case.objects.select_related("owner_unit").filter(query_code=query_code.strip().upper()).first()
    if case is None:
        raise NotFound("查询码不存在，请核对后重新输入。")
    return case


def category_subtree_ids(*, category: Category) -> list[int]:
    """The category and every category below it (the tree is small: one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    out, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        out.append(pk)
        todo.extend(children.get(pk, ()))
    return out


def cases_filter(qs: QuerySet[Case], *, kind: str | None = None, status: str | None = None,
                 unit: Unit | None = None, deadline_state: str | None = None,
                 received_from: dt.date | None = None, received_to: dt.date | None = None,
                 is_open: bool | None = None, category: Category | None = None, channel: str | None = None,
                 text: str | None = None) -> QuerySet[Case]:
    """Narrow a list of cases. `unit` and `category` include what lies below them (a street's
    cases include its communities'); `channel` is the petition's 来源渠道; `text` is looked
    for in the title and the number."""
    today = clock.today()
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(owner_unit_id__in=unit_subtree_ids(unit=unit))
    if category is not None:
        qs = qs.filter(category_id__in=category_subtree_ids(category=category))
    if channel:
        qs = qs.filter(petition__channel=channel)
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(number__icontains=text))
    if is_open is not None:
        qs = qs.filter(is_open=is_open)
    if received_from:
        qs = qs.filter(received_date__gte=received_from)
    if received_to:
        qs = qs.filter(received_date__lte=received_to)
    if deadline_state == DeadlineState.OVERDUE:
        qs = qs.filter(is_open=True, next_due_date__lt=today)
    elif deadline_state == DeadlineState.DUE_SOON:
        qs = qs.filter(is_open=True, next_due_date__gte=today,
                       next_due_date__lte=today + dt.timedelta(days=settings.XINFANG_DUE_SOON_DAYS))
    elif deadline_state == DeadlineState.NORMAL:
        qs = qs.filter(is_open=True).filter(
            Q(next_due_date__isnull=True)
            | Q(next_due_date__gt=today + dt.timedelta(days=settings.XINFANG_DUE_SOON_DAYS)))
    return qs


# The orders a case list may be sorted in: key → (label, ORDER BY). Cases without a
# deadline sort after those with one, either way.
CASE_ORDERS = {
    "-received": ("收到日期（新→旧）", (F("received_date").desc(), F("id").desc())),
    "received": ("收到日期（旧→新）", (F("received_date").asc(), F("id").asc())),
    "due": ("最近期限（近→远）", (F("next_due_date").asc(nulls_last=True), F("id").asc())),
    "-due": ("最近期限（远→近）", (F("next_due_date").desc(nulls_last=True), F("id").desc())),
    "number": ("编号（小→大）", (F("number").asc(),)),
    "-number": ("编号（大→小）", (F("number").desc(),)),
}


def cases_order(qs: QuerySet[Case], *, order: str = "-received") -> QuerySet[Case]:
    """Sort a case list by one of CASE_ORDERS (an unknown key is a programming error)."""
    return qs.order_by(*CASE_ORDERS[order][1])


def cases_worklist_for(*, user: User) -> QuerySet[Case]:
    """Open cases the user's unit owns (a handler: those given to them or to nobody),
    nearest deadline first."""
    qs = Case.objects.filter(owner_unit_id=user.unit_id, is_open=True)
    if user.has_role("handler") and not user.has_role("registrar", "reviewer", "leader"):
        qs = qs.filter(Q(handler=user) | Q(handler__isnull=True))
    if user.has_role("leader"):
        qs = Case.objects.filter(Q(pk__in=qs.values("pk")) | Q(leader=user, is_open=True))
    return (qs.select_related("category", "owner_unit")
            .order_by("next_due_date", "id"))


def case_deadlines(*, case: Case, today: dt.date | None = None) -> list[dict]:
    today = today or clock.today()
    out = []
    for d in Deadline.objects.filter(case=case).order_by("start_date", "id"):
        state = deadline_state(d, today=today)
        out.append({
            "key": d.key, "label": d.label, "due_date": d.due_date, "state": state,
            "state_label": DeadlineState.LABELS[state], "provisional": d.provisional,
            "active": d.active, "obligation": d.obligation, "counting": d.counting,
            "length_days": d.length_days, "extension_days": d.extension_days,
            "paused_days": d.paused_days, "legal_source": d.legal_source,
            "days_left": (d.due_date - today).days if d.active else None,
        })
    return out


def case_deadline_state(*, case: Case, today: dt.date | None = None) -> str:
    today = today or clock.today()
    if not case.is_open or case.next_due_date is None:
        return DeadlineState.NORMAL
    if today > case.next_due_date:
        return DeadlineState.OVERDUE
    if (case.next_due_date - today).days <= settings.XINFANG_DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.NORMAL


def case_timeline(*, case: Case, public: bool = False) -> list[Event]:
    qs = case.events.select_related("actor", "actor_unit").order_by("seq")
    if public:
        qs = qs.filter(is_public=True)
    return list(qs)


# --- who may do what ---------------------------------------------------------------

def actor_matches(*, who: Who, actor: User | None, actor_kind: str, case: Case | None) -> bool:
    if who.role == "public":
        return actor_kind == "public"
    if who.role == "system":
        return actor_kind == "system"
    if actor_kind != "staff" or actor is None or not actor.has_role(who.role):
        return False
    if case is None or who.at == "scope":
        return case is None or case_visible(user=actor, case=case)
    if who.at == "owner":
        return actor.unit_id == case.owner_unit_id
    if who.at == "registered":
        return actor.unit_id == case.registered_unit_id
    raise ValueError(f"unknown Who.at {who.at!r}")


def transition_permitted(*, transition: Transition, actor: User | None, actor_kind: str,
                         case: Case | None) -> bool:
    return any(actor_matches(who=w, actor=actor, actor_kind=actor_kind, case=case) for w in transition.who)


def case_actions_for(*, user: User | None, case: Case, actor_kind: str = "staff") -> list[Transition]:
    """The transitions this actor may take now: the state allows them, the actor's role
    and unit fit, and every guard that needs no input passes."""
    from .errors import XinfangError

    workflow = workflow_for(case.kind)
    out = []
    for t in workflow.transitions_from(case.status):
        if not transition_permitted(transition=t, actor=user, actor_kind=actor_kind, case=case):
            continue
        ctx = TransitionContext(case=case, actor=user, actor_kind=actor_kind, transition=t, payload=None,
                                today=clock.today(), now=clock.now())
        try:
            for guard in t.guards:
                guard(ctx)
        except XinfangError:
            continue
        out.append(t)
    return out
