"""Reads of campaigns: who sees which, the live progress against the targets, the progress
by unit, the ledger (within the reader's data scope), the cases a bulk rule would enrol,
and what the case page's 专项行动 section shows.

The figures (targets, by unit) are counts about matters over the whole campaign; the lists of
cases behind them are always cut to the reader's data scope (`cases_visible_to`)."""
import dataclasses
import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.deadlines import DeadlineState
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.models import Case
from xinfang.core.selectors import case_deadline_state, case_visible, cases_visible_to
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import DataScope, Unit, User
from xinfang.orgs.selectors import unit_subtree_ids, units_in_scope_of
from xinfang.stats.indicators import KINDS, percent

from .measures import (
    CATEGORISED_KINDS,
    MEASURES,
    campaign_category_ids,
    closed_cases,
    closed_on_time_cases,
    day_start,
    enrolled_cases,
    scope_cases,
)
from .models import Campaign, Enrolment, EnrolRule

MANAGING_ROLES = ("supervisor", "leader")


# --- who sees, who manages -------------------------------------------------------------

def campaigns_visible_to(*, user: User) -> QuerySet[Campaign]:
    """Campaigns organised by a unit in the user's scope, covering such a unit, or covering the
    user's own unit from above (a district campaign covers each street's staff)."""
    qs = Campaign.objects.select_related("organising_unit", "scope_unit")
    if user.is_superuser or user.data_scope == DataScope.ALL:
        return qs
    if user.unit_id is None:
        return qs.none()
    units = units_in_scope_of(user=user)
    above = [int(p) for p in user.unit.path.strip("/").split("/") if p]
    return qs.filter(Q(organising_unit_id__in=units) | Q(scope_unit_id__in=units) | Q(scope_unit_id__in=above))


def campaign_get_for(*, user: User, campaign_id: int) -> Campaign:
    campaign = campaigns_visible_to(user=user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("未找到该专项行动，或无权查看。")
    return campaign


def campaign_may_create(*, user: User) -> bool:
    return user.unit_id is not None and user.has_role(*MANAGING_ROLES)


def campaign_may_manage(*, user: User, campaign: Campaign) -> bool:
    """Supervisors and leaders of the organising unit or a unit above it edit the campaign
    and enrol or withdraw its cases."""
    return campaign_may_create(user=user) and campaign.organising_unit.is_within(user.unit)


def campaign_state(campaign: Campaign, *, today: dt.date | None = None) -> str:
    today = today or clock.today()
    if today < campaign.start_date:
        return "未开始"
    return "进行中" if today <= campaign.end_date else "已结束"


def campaign_scope_describe(campaign: Campaign) -> str:
    kinds = "、".join(KINDS[k] for k in campaign.kinds)
    text = f"{campaign.scope_unit.name}及其下级单位的{kinds}"
    names = [c.name for c in campaign.categories.all()]
    if names:
        text += f"（分类：{'、'.join(names)}）"
    return text


def case_scope_problem(*, campaign: Campaign, case: Case) -> str:
    """Why a case is outside the campaign's scope, in words for the user; "" when inside."""
    if case.kind not in campaign.kinds:
        return (f"案件 {case.number} 属于{KINDS.get(case.kind, case.kind)}，专项行动「{campaign.name}」只包括"
                f"{'、'.join(KINDS[k] for k in campaign.kinds)}。")
    if not case.owner_unit.is_within(campaign.scope_unit):
        return (f"案件 {case.number} 的责任单位（{case.owner_unit.name}）不在专项行动「{campaign.name}」的范围"
                f"（{campaign.scope_unit.name}及其下级单位）内。")
    ids = campaign_category_ids(campaign)
    if ids and case.kind in CATEGORISED_KINDS and case.category_id not in ids:
        label = case.category.name if case.category_id else "未分类"
        return f"案件 {case.number} 的分类（{label}）不在专项行动「{campaign.name}」所列的分类内。"
    return ""


# --- progress -------------------------------------------------------------------------

def campaign_progress(campaign: Campaign) -> list[dict]:
    """Each target with its live figure: n / N, the percentage (one decimal, half up) and
    the width of its bar (capped at 100)."""
    rows = []
    for target in campaign.targets.all():
        measure = MEASURES.get(target.measure)
        if measure is None:       # a measure withdrawn from the code: shown, not computed
            continue
        value = measure.value(campaign)
        pct = percent(value, target.number)
        rows.append({"target": target, "measure": measure, "number": target.number, "value": value,
                     "percent": pct, "bar": min(100, int(pct or 0)), "reached": value >= target.number})
    return rows


def campaign_overview(campaign: Campaign) -> dict:
    """Counts of the ledger as a whole (one query, plus the closed-in-period figures)."""
    today = clock.today()
    counts = Enrolment.objects.filter(campaign=campaign).aggregate(
        enrolled=Count("pk", filter=Q(withdrawn_at__isnull=True)),
        withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False)),
        open=Count("pk", filter=Q(withdrawn_at__isnull=True, case__is_open=True)),
        overdue=Count("pk", filter=Q(withdrawn_at__isnull=True, case__is_open=True,
                                     case__next_due_date__lt=today)))
    counts["closed"] = closed_cases(campaign).count()
    counts["closed_on_time"] = closed_on_time_cases(campaign).count()
    counts["closed_rate"] = percent(counts["closed"], counts["enrolled"])
    return counts


def _branch(path: str, root: Unit, children: dict[int, Unit]) -> Unit | None:
    """The unit directly below the scope's root that `path` lies in (the root itself for its
    own cases); None for a unit outside the scope (a case handed on after enrolment)."""
    if not path.startswith(root.path):
        return None
    rest = path[len(root.path):].strip("/")
    if not rest:
        return root
    return children.get(int(rest.split("/")[0]))


def campaign_by_unit(campaign: Campaign) -> dict:
    """Enrolled cases per unit one level below the scope's root (by the unit holding each now):
    enrolled, closed in the period, of those on time, open, of those overdue now. The total
    row is the sum of the rows, and equals the campaign's overview."""
    root = campaign.scope_unit
    children = {u.pk: u for u in Unit.objects.filter(parent=root)}
    closed = set(closed_cases(campaign).values_list("pk", flat=True))
    on_time = set(closed_on_time_cases(campaign).values_list("pk", flat=True))
    today = clock.today()
    keys = ("enrolled", "closed", "on_time", "open", "overdue")
    rows: dict = {}
    for pk, path, is_open, due in enrolled_cases(campaign).values_list("pk", "owner_unit__path", "is_open",
                                                                        "next_due_date"):
        unit = _branch(path, root, children)
        key = unit.pk if unit is not None else None
        row = rows.setdefault(key, {"unit": unit, **{k: 0 for k in keys}})
        row["enrolled"] += 1
        row["closed"] += pk in closed
        row["on_time"] += pk in on_time
        row["open"] += is_open
        row["overdue"] += bool(is_open and due is not None and due < today)
    ordered = sorted(rows.values(), key=lambda r: (r["unit"] is None, r["unit"].path if r["unit"] else ""))
    total = {k: sum(r[k] for r in ordered) for k in keys}
    for row in (*ordered, total):
        row["rate"] = percent(row["closed"], row["enrolled"])
    return {"rows": ordered, "total": total}


# --- the ledger -----------------------------------------------------------------------

LEDGER_STATES = {"open": "未办结", "closed": "已办结", "overdue": "超期未办结", "withdrawn": "已退出"}


@dataclasses.dataclass
class LedgerFilters:
    unit: Unit | None = None
    kind: str | None = None
    state: str | None = None
    text: str | None = None


def campaign_ledger(*, user: User, campaign: Campaign, filters: LedgerFilters | None = None) -> QuerySet[Enrolment]:
    """The enrolments of the campaign whose cases the user may see, oldest case first."""
    f = filters or LedgerFilters()
    if f.kind and f.kind not in KINDS:
        raise ValidationFailed("案件类别的取值无效。", field="kind")
    if f.state and f.state not in LEDGER_STATES:
        raise ValidationFailed(f"办理情况的取值无效，可选：{'、'.join(LEDGER_STATES.values())}。", field="state")
    qs = Enrolment.objects.filter(campaign=campaign, case_id__in=cases_visible_to(user=user).values("pk"))
    qs = qs.filter(withdrawn_at__isnull=f.state != "withdrawn")
    if f.state == "open":
        qs = qs.filter(case__is_open=True)
    elif f.state == "closed":
        qs = qs.filter(case__is_open=False)
    elif f.state == "overdue":
        qs = qs.filter(case__is_open=True, case__next_due_date__lt=clock.today())
    if f.unit is not None:
        qs = qs.filter(case__owner_unit_id__in=unit_subtree_ids(unit=f.unit))
    if f.kind:
        qs = qs.filter(case__kind=f.kind)
    if f.text:
        qs = qs.filter(Q(case__number__icontains=f.text) | Q(case__title__icontains=f.text))
    return (qs.select_related("case", "case__owner_unit", "enrolled_by", "withdrawn_by")
            .order_by("case__received_date", "case_id", "id"))


def ledger_row(enrolment: Enrolment, *, campaign: Campaign, today: dt.date | None = None) -> dict:
    """What a ledger line shows: the case, where it stands, and its days (办理用时: from
    receipt to closing, or to today for an open case)."""
    today = today or clock.today()
    case = enrolment.case
    closed_on = clock_date(case.closed_at) if case.closed_at else None
    end = closed_on or today
    state = case_deadline_state(case=case, today=today)
    return {
        "enrolment": enrolment, "case": case, "kind_label": KINDS.get(case.kind, case.kind),
        "status_label": workflow_for(case.kind).state(case.status).label,
        "deadline_state": state, "deadline_label": DeadlineState.LABELS[state] if case.is_open else "—",
        "closed_on": closed_on, "days": (end - case.received_date).days, "days_open": closed_on is None,
        "closed_in_period": closed_on is not None and campaign.start_date <= closed_on <= campaign.end_date,
        "rule_label": EnrolRule(enrolment.rule).label if enrolment.rule in EnrolRule.values else enrolment.rule,
    }


def clock_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


# --- bulk enrolment ---------------------------------------------------------------------

def enrol_candidates(*, user: User, campaign: Campaign, rule: str, kind: str | None = None) -> QuerySet[Case]:
    """The cases a bulk rule would enrol now: inside the scope, visible to the user, not
    enrolled yet — the backlog (received before the start and still open), every open case,
    or the cases received in the period so far."""
    if kind and kind not in campaign.kinds:
        raise ValidationFailed(f"案件类别须是专项行动范围内的类别：{'、'.join(KINDS[k] for k in campaign.kinds)}。",
                               field="kind")
    active = Enrolment.objects.filter(campaign=campaign, withdrawn_at__isnull=True)
    qs = (scope_cases(campaign).filter(pk__in=cases_visible_to(user=user).values("pk"))
          .exclude(pk__in=active.values("case_id")))
    if kind:
        qs = qs.filter(kind=kind)
    if rule == EnrolRule.BACKLOG:
        qs = qs.filter(is_open=True, received_date__lt=campaign.start_date)
    elif rule == EnrolRule.OPEN:
        qs = qs.filter(is_open=True)
    elif rule == EnrolRule.IN_PERIOD:
        qs = qs.filter(received_date__range=(campaign.start_date, min(campaign.end_date, clock.today())))
    else:
        raise ValidationFailed("批量列入须选择规则：积案、全部未办结或期间内收到。", field="rule")
    # A case closed before the campaign began has nothing left to do in it.
    qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=day_start(campaign.start_date)))
    return qs.select_related("owner_unit", "category").order_by("received_date", "id")


# --- the case page -----------------------------------------------------------------------

def case_campaigns_for(*, user: User, case: Case) -> dict:
    """The case's campaigns (current and withdrawn) and the campaigns this user may enrol it
    in now (managed by them, not ended, the case inside the scope and not enrolled)."""
    enrolments = list(Enrolment.objects.filter(case=case).select_related("campaign", "campaign__organising_unit")
                      .order_by("-enrolled_at", "-id"))
    today = clock.today()
    current = {e.campaign_id for e in enrolments if e.withdrawn_at is None}
    enrollable, withdrawable = [], set()
    if campaign_may_create(user=user) and case_visible(user=user, case=case):
        managed = (Campaign.objects.filter(organising_unit_id__in=unit_subtree_ids(unit=user.unit),
                                           end_date__gte=today)
                   .select_related("organising_unit", "scope_unit").prefetch_related("categories"))
        for campaign in managed:
            if campaign.pk in current:
                withdrawable.add(campaign.pk)
            elif not case_scope_problem(campaign=campaign, case=case) and (
                    case.is_open or case.closed_at >= day_start(campaign.start_date)):
                enrollable.append(campaign)
    return {
        "current": [{"enrolment": e, "state": campaign_state(e.campaign, today=today),
                     "may_withdraw": e.campaign_id in withdrawable} for e in enrolments if e.withdrawn_at is None],
        "withdrawn": [e for e in enrolments if e.withdrawn_at is not None],
        "enrollable": enrollable,
    }
