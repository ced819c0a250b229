"""Dispute reads, always through the caller's data scope (core.selectors). Parties' contact
details are masked unless the role may see personal data and asks (audited), as for
petitioners. Counts are about matters, never about people."""
import datetime as dt

from django.db.models import Count, Q, QuerySet

from xinfang.audit.services import audit_record
from xinfang.core.errors import NotFound
from xinfang.core.identity import address_mask, id_number_mask, phone_mask
from xinfang.core.models import Case
from xinfang.core.selectors import (
    case_deadlines,
    case_get_for,
    cases_filter,
    cases_visible_to,
)
from xinfang.orgs.models import DataScope, Unit, User
from xinfang.orgs.selectors import unit_subtree_ids
from xinfang.petitions.selectors import user_may_unmask

from .models import (
    LEVEL_BUCKETS,
    Dispute,
    DisputePetitionLink,
    LevelBucket,
    PartyKind,
    ScreeningCadence,
    ScreeningReport,
)
from .periods import period_label, period_of, periods_between

KIND = "dispute"


def dispute_get_for(*, user: User, number: str) -> Case:
    """The dispute case with this number if the user may see it; else NotFound."""
    case = case_get_for(user=user, number=number)
    if case.kind != KIND:
        raise NotFound()
    return case


def disputes_filter(*, user: User, dispute_type: str | None = None, status: str | None = None,
                    unit: Unit | None = None, track: str | None = None, received_from: dt.date | None = None,
                    received_to: dt.date | None = None, is_open: bool | None = None, text: str | None = None,
                    deadline_state: str | None = None) -> QuerySet[Case]:
    """Disputes in the user's scope, narrowed; newest first, with what a ledger row shows."""
    qs = cases_filter(cases_visible_to(user=user), kind=KIND, status=status, unit=unit, is_open=is_open,
                      received_from=received_from, received_to=received_to, text=text,
                      deadline_state=deadline_state)
    if dispute_type:
        qs = qs.filter(dispute__dispute_type=dispute_type)
    if track:
        qs = qs.filter(dispute__track=track)
    return (qs.select_related("dispute", "dispute__resolved_unit", "owner_unit", "registered_unit", "place_unit")
            .prefetch_related("dispute_parties", "mediators", "mediation_agreements", "dispute_followups",
                              "judicial_confirmations")
            .order_by("-received_date", "-id"))


def _party_row(p, show: bool) -> dict:
    person = p.kind == PartyKind.PERSON
    return {
        "name": p.name, "kind": p.kind, "kind_label": p.get_kind_display(), "side": p.side,
        "side_label": p.get_side_display(),
        # An organisation's credit code is public; a person's ID number is not.
        "id_number": p.id_number if show or not person else id_number_mask(p.id_number) if p.id_number else "",
        "phone": p.phone if show else phone_mask(p.phone) if p.phone else "",
        "address": p.address if show or not person else address_mask(p.address),
        "masked": not show,
    }


def dispute_parties_for(*, user: User, case: Case, unmask: bool = False) -> list[dict]:
    """The parties as this user may see them: contacts masked, unless the role may see
    personal data and asks — which is audited."""
    parties = list(case.dispute_parties.order_by("order"))
    show = unmask and user_may_unmask(user=user)
    if show:
        audit_record(actor=user, action="case.unmask_parties", object_type="case", object_id=case.number,
                     detail={"dispute_parties": [p.pk for p in parties]})
    return [_party_row(p, show) for p in parties]


def parties_summary(case: Case) -> str:
    """One short line for lists and the ledger: names only (prefetched)."""
    names = [p.name for p in case.dispute_parties.all()]
    if not names:
        return ""
    return "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:3])}等{len(names)}方"


def dispute_facts_for(*, user: User, case: Case, unmask: bool = False) -> dict:
    """Everything the dispute's facts fragment shows on the case page."""
    dispute = Dispute.objects.select_related("resolved_unit").get(case=case)
    agreements = list(case.mediation_agreements.order_by("signed_on", "id"))
    return {
        "dispute": dispute,
        "parties": dispute_parties_for(user=user, case=case, unmask=unmask),
        "may_unmask": user_may_unmask(user=user),
        "mediators": list(case.mediators.order_by("id")),
        "sessions": list(case.mediation_sessions.select_related("recorded_by").order_by("held_on", "id")),
        "agreements": agreements,
        "agreement": next((a for a in reversed(agreements) if not a.superseded), None),
        "followups": list(case.dispute_followups.select_related("by").order_by("visited_on", "id")),
        "confirmations": list(case.judicial_confirmations.order_by("applied_on", "id")),
        "confirmation_window": next((d for d in case_deadlines(case=case)
                                     if d["key"] == "dispute_confirmation_window" and d["active"]), None),
        "handovers": list(case.dispute_handovers.select_related("from_unit", "to_unit").order_by("on", "id")),
        "petition_links": dispute_petition_links_for(user=user, case=case),
        "screening_reports": list(case.screening_reports.select_related("unit").order_by("period_start")),
    }


def dispute_petition_links_for(*, user: User, case: Case) -> list[dict]:
    """The petitions a dispute is linked with, or — for a petition — the disputes it is linked
    with (三调对接 / 诉调对接 both ways); only cases the user may see are named."""
    if case.kind == KIND:
        links = DisputePetitionLink.objects.filter(dispute=case).select_related("petition")
        pairs = [(link, link.petition) for link in links]
    else:
        links = DisputePetitionLink.objects.filter(petition=case).select_related("dispute")
        pairs = [(link, link.dispute) for link in links]
    visible = set(cases_visible_to(user=user).filter(pk__in=[c.pk for _, c in pairs]).values_list("pk", flat=True))
    return [{"direction": link.direction, "direction_label": link.get_direction_display(), "note": link.note,
             "at": link.created_at, "number": other.number, "title": other.title, "visible": other.pk in visible}
            for link, other in pairs]


# --- screening ---------------------------------------------------------------------

def screening_cadence_for(*, level: str) -> ScreeningCadence | None:
    return ScreeningCadence.objects.filter(level=level, is_active=True).first()


def _units_reporting(unit: Unit | None) -> list[tuple[Unit, ScreeningCadence]]:
    rules = {r.level: r for r in ScreeningCadence.objects.filter(is_active=True)}
    qs = Unit.objects.filter(is_active=True, level__in=list(rules))
    if unit is not None:
        qs = qs.filter(pk__in=unit_subtree_ids(unit=unit))
    return [(u, rules[u.level]) for u in qs.order_by("path")]


def screening_reports_missing(*, as_of: dt.date, unit: Unit | None = None,
                              since: dt.date | None = None) -> list[dict]:
    """Reports that are due and not filed: for every unit (under `unit`) whose level has a
    cadence, every period from `since` (default: 90 days before `as_of`, never before the
    cadence's start) whose due date — the period's end plus the grace days — is before
    `as_of`. Two queries whatever the number of units."""
    since = since or as_of - dt.timedelta(days=90)
    pairs = _units_reporting(unit)
    filed = set(ScreeningReport.objects.filter(unit_id__in=[u.pk for u, _ in pairs], period_end__gte=since)
                .values_list("unit_id", "period_start"))
    out = []
    for u, rule in pairs:
        first = max(since, rule.effective_from)
        for start, end in periods_between(rule.cadence, first, as_of):
            due = end + dt.timedelta(days=rule.grace_days)
            if due >= as_of or (u.pk, start) in filed:
                continue
            out.append({"unit": u, "cadence": rule.cadence, "cadence_label": rule.get_cadence_display(),
                        "period_start": start, "period_end": end, "period_label": period_label(rule.cadence, start, end),
                        "due_date": due, "days_overdue": (as_of - due).days})
    return out


def screening_units_for(*, user: User) -> Unit | None:
    """The top of the unit tree whose screening the user may see (None: all of it)."""
    if user.is_superuser or user.data_scope == DataScope.ALL:
        return None
    return user.unit


def screening_overview_for(*, user: User, as_of: dt.date, unit: Unit | None = None) -> list[dict]:
    """Per reporting unit in the user's scope: the current period and whether its report is
    in, the last report, and the reports overdue within 90 days."""
    area = _screening_area(user)
    if unit is None or (area is not None and not unit.is_within(area)):
        unit = area
    pairs = _units_reporting(unit)
    if area is not None and user.data_scope == DataScope.OWN_UNIT:
        pairs = [(u, r) for u, r in pairs if u.pk == area.pk]
    missing: dict[int, list] = {}
    for row in screening_reports_missing(as_of=as_of, unit=unit):
        missing.setdefault(row["unit"].pk, []).append(row)
    latest: dict[int, list] = {}
    for report in (ScreeningReport.objects.filter(unit_id__in=[u.pk for u, _ in pairs],
                                                  period_start__gte=as_of - dt.timedelta(days=366))
                   .annotate(found=Count("disputes")).order_by("unit_id", "-period_start")):
        latest.setdefault(report.unit_id, []).append(report)
    out = []
    for u, rule in pairs:
        start, end = period_of(rule.cadence, as_of)
        reports = latest.get(u.pk, [])
        current = next((r for r in reports if r.period_start == start), None)
        out.append({"unit": u, "cadence_label": rule.get_cadence_display(), "period_start": start, "period_end": end,
                    "period_label": period_label(rule.cadence, start, end), "current": current,
                    "last": reports[0] if reports else None, "missing": missing.get(u.pk, []),
                    "may_file": _may_file(user, u)})
    return out


def _may_file(user: User, unit: Unit) -> bool:
    from .services import screening_may_file

    return screening_may_file(user=user, unit=unit)


def _screening_area(user: User) -> Unit | None:
    """A grid worker reports for the 村/社区 above the grid, and sees its reports."""
    top = screening_units_for(user=user)
    return top.parent if top is not None and top.level == "grid" and top.parent else top


def screening_reports_for(*, user: User, unit: Unit | None = None, limit: int = 100) -> list[ScreeningReport]:
    top = _screening_area(user)
    qs = ScreeningReport.objects.select_related("unit", "filed_by").prefetch_related("disputes")
    if top is not None:
        qs = qs.filter(unit_id__in=unit_subtree_ids(unit=top))
    if unit is not None:
        qs = qs.filter(unit_id__in=unit_subtree_ids(unit=unit))
    return list(qs.order_by("-period_start", "unit__path")[:limit])


def screening_report_get_for(*, user: User, pk: int) -> ScreeningReport:
    top = _screening_area(user)
    qs = ScreeningReport.objects.select_related("unit", "filed_by").filter(pk=pk)
    if top is not None:
        qs = qs.filter(unit_id__in=unit_subtree_ids(unit=top))
    report = qs.first()
    if report is None:
        raise NotFound()
    return report


def screening_report_disputes_for(*, user: User, report: ScreeningReport) -> list[dict]:
    visible = set(cases_visible_to(user=user).filter(screening_reports=report).values_list("pk", flat=True))
    return [{"number": c.number, "title": c.title, "visible": c.pk in visible, "received_date": c.received_date}
            for c in report.disputes.order_by("received_date", "id")]


# --- 小事不出村、大事不出镇 ---------------------------------------------------------------

def disputes_resolution_by_level(*, user: User, date_from: dt.date, date_to: dt.date,
                                 unit: Unit | None = None) -> dict:
    """Disputes resolved (an agreement signed) from `date_from` to `date_to`, counted by the
    level of the unit that resolved them — 村/社区 (grids included), 街道/乡镇, 区 and its
    departments, outside the district — with the shares "小事不出村" (村/社区) and "大事不出镇"
    (村/社区 + 街道/乡镇). In the user's scope, under `unit` if given. One grouped query each."""
    qs = cases_visible_to(user=user).filter(kind=KIND)
    if unit is not None:
        qs = qs.filter(Q(dispute__resolved_unit_id__in=unit_subtree_ids(unit=unit))
                       | Q(dispute__resolved_unit__isnull=True, owner_unit_id__in=unit_subtree_ids(unit=unit)))
    resolved = (qs.filter(dispute__resolved_on__gte=date_from, dispute__resolved_on__lte=date_to)
                .values("dispute__resolved_level").annotate(n=Count("pk")).order_by())
    counts = {b: 0 for b in LevelBucket.values}
    for row in resolved:
        counts[LEVEL_BUCKETS.get(row["dispute__resolved_level"], LevelBucket.OUTSIDE)] += row["n"]
    found = qs.filter(received_date__gte=date_from, received_date__lte=date_to).aggregate(
        found=Count("pk"), ended=Count("pk", filter=Q(status="ended")),
        police=Count("pk", filter=Q(status="referred_police")), open=Count("pk", filter=Q(is_open=True)))
    total = sum(counts.values())

    def share(n: int) -> float | None:
        return round(100 * n / total, 1) if total else None

    return {
        "date_from": date_from, "date_to": date_to, "unit": unit, "resolved": total, **found,
        "levels": [{"code": b, "label": LevelBucket(b).label, "count": counts[b], "share": share(counts[b])}
                   for b in LevelBucket.values],
        "village_share": share(counts[LevelBucket.VILLAGE]),
        "town_share": share(counts[LevelBucket.VILLAGE] + counts[LevelBucket.TOWN]),
    }
