"""The petition figures' facts and roll-ups, kept exactly on every write.

Each petition has one CaseFact row: the columns its figures read (units, dates, flags),
derived from the case, its petition row, its two statutory clocks and its ratings. A fact
contributes counts to StatRollup rows — (measure, dimension value, unit, day) plus the same
per month. On every write of a case the hook recomputes the fact, and applies the
difference between the old fact's contributions and the new one's: an increment upsert of
the few rows that changed, in the writing transaction. So a district-year's figures are a
sum over a few thousand roll-up rows instead of a scan of 100,000 cases, and still equal
the drill-down lists (stats/tests/test_rollups.py checks both ways).

Which unit a contribution counts under follows indicators.py: intake figures under the
registering unit, handling figures under the handling unit (0 until one is set; such rows
count only in the whole-area figures), backlog under the unit holding the matter now.
"""
import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from xinfang.core.models import Case, Category, Deadline, Event
from xinfang.core.workflow import CREATE

from .models import CaseFact, StatRollup

KIND = "petition"
FACT_FIELDS = [f.attname for f in CaseFact._meta.concrete_fields if f.attname != "case_id"]
# The breakdowns of volume kept as dimensions of the intake measure (indicators.VOLUME_DIMENSIONS).
INTAKE_DIMENSIONS = ("channel", "claim_type", "reception_level", "category", "place", "handling_unit")
# The events a fact's ratings are read from; events are never changed, so only one of
# these, written, changes them.
RATING_ACTIONS = ("rate", "resolve_on_spot")
# Rows per INSERT of the roll-up upsert (8 parameters each; far below either database's limit).
_UPSERT_ROWS = 500


def _local_day(at: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(at).date() if at is not None else None


class _Roots:
    """First-level ancestor of each category: the categories in question and their
    ancestors, in one query (a write reads its own chain, not the whole tree)."""

    def __init__(self, category_ids):
        self.parent: dict[int, int | None] = {}
        chain = ("parent_id", "parent__parent_id", "parent__parent__parent_id", "parent__parent__parent__parent_id")
        wanted = {c for c in category_ids if c}
        if not wanted:      # nothing to read (a case without a category): not even a query to compile
            return
        for pk, *ancestors in Category.objects.filter(pk__in=wanted).values_list("pk", *chain):
            for child, parent in zip([pk, *ancestors], ancestors):
                if child is not None:
                    self.parent[child] = parent

    def __call__(self, pk: int | None) -> int:
        seen = 0
        while pk is not None and self.parent.get(pk) is not None and seen < 20:
            pk, seen = self.parent[pk], seen + 1
        if pk is not None and pk not in self.parent:   # deeper than the chain read: walk on
            self.parent.update(Category.objects.filter(pk=pk).values_list("pk", "parent_id"))
            return self(pk) if self.parent.get(pk) is not None else pk
        return pk or 0


def facts_compute(case_ids: list[int], *, ratings: dict[int, list] | None = None) -> dict[int, dict]:
    """The facts of these petitions, by case id, in five queries whatever their number.
    `ratings` given (case id → its ratings as a fact holds them): the rating events are
    not read."""
    cases = list(Case.objects.filter(pk__in=case_ids, kind=KIND).select_related("petition"))
    clocks: dict[tuple[int, str], Deadline] = {
        (d.case_id, d.key): d for d in Deadline.objects.filter(
            case_id__in=case_ids, key__in=("handling", "acceptance_notice"), replaced=False).order_by("id")}
    if ratings is None:
        ratings = {}
        for case_id, action, at, payload in (Event.objects.filter(case_id__in=case_ids, action__in=RATING_ACTIONS)
                                             .order_by("case_id", "seq")
                                             .values_list("case_id", "action", "at", "payload")):
            # a rating, or the one taken on the spot when the matter was resolved there (现场办结)
            level = (payload or {}).get("level" if action == "rate" else "satisfaction")
            if level:
                ratings.setdefault(case_id, []).append([_local_day(at).isoformat(), level])
    roots = _Roots(c.category_id for c in cases)
    out = {}
    for case in cases:
        p = getattr(case, "petition", None)
        if p is None:           # the petition row is saved right after the case, in the same transaction
            continue
        handling, acceptance = clocks.get((case.pk, "handling")), clocks.get((case.pk, "acceptance_notice"))
        out[case.pk] = {
            "kind": case.kind, "registered_unit_id": case.registered_unit_id, "owner_unit_id": case.owner_unit_id,
            "handling_unit_id": p.handling_unit_id or 0, "place_unit_id": case.place_unit_id or 0,
            "category_root_id": roots(case.category_id), "received": case.received_date,
            "created": _local_day(case.created_at), "closed": _local_day(case.closed_at),
            "persons": p.person_count or 0, "channel": p.channel, "claim_type": p.claim_type,
            "reception_level": p.reception_level, "is_first": p.is_first, "is_skip": p.is_skip_level,
            "is_repeat": case.repeat_of_id is not None, "extended": p.extension_days > 0,
            "on_spot": p.resolved_on_spot,
            "acceptance_due": acceptance.due_date if acceptance else None,
            "acceptance_stopped": acceptance.stopped_on if acceptance else None,
            "handling_due": handling.due_date if handling else None,
            "handling_stopped": handling.stopped_on if handling else None,
            "ratings": ratings.get(case.pk, []),
        }
    return out


def _as_date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def contributions(fact: dict | None) -> Counter:
    """What one fact adds to the roll-ups: {(measure, dim, unit, day): (n, total)} as a
    Counter of n and a Counter of total packed into one (keys carry which)."""
    out: Counter = Counter()
    if not fact:
        return out

    def add(measure: str, unit: int, day, dim: str = "", n: int = 1, total: int = 0) -> None:
        day = _as_date(day)
        if day is None:
            return
        out[(measure, dim, unit, day, "n")] += n
        if total:
            out[(measure, dim, unit, day, "t")] += total

    reg, handler, owner = fact["registered_unit_id"], fact["handling_unit_id"], fact["owner_unit_id"]
    received, persons = fact["received"], fact["persons"]
    add("intake", reg, received, total=persons)
    dims = {"channel": fact["channel"], "claim_type": fact["claim_type"], "reception_level": fact["reception_level"],
            "category": fact["category_root_id"], "place": fact["place_unit_id"], "handling_unit": handler}
    for name in INTAKE_DIMENSIONS:
        add("intake", reg, received, dim=f"{name}:{dims[name] or ''}", total=persons)
    if fact["is_repeat"]:
        add("repeat", reg, received)
    if fact["is_skip"]:
        add("skip", reg, received)
    if fact.get("on_spot"):
        add("on_spot", reg, received)
    due, stopped = _as_date(fact["acceptance_due"]), _as_date(fact["acceptance_stopped"])
    if due is not None:
        add("acceptance_due", reg, due)
        if stopped is not None and stopped <= due:
            add("acceptance_met", reg, due)
    due, stopped = _as_date(fact["handling_due"]), _as_date(fact["handling_stopped"])
    if due is not None:
        met = stopped is not None and stopped <= due
        add("handling_due", handler, due)
        if met:
            add("handling_met", handler, due)
        if fact["is_first"]:
            add("handling_due_first", handler, due)
            if met:
                add("handling_met_first", handler, due)
    if stopped is not None:
        add("answered", handler, stopped, total=(stopped - _as_date(received)).days)
        if fact["extended"]:
            add("answered_extended", handler, stopped)
    for day, level in fact["ratings"]:
        add("rating", handler, day, dim=level)
    add("created", owner, fact["created"])
    add("closed", owner, fact["closed"])
    # The two-date figures, for periods of whole months: the second date's month as dimension.
    closed = _as_date(fact["closed"])
    if closed is not None:
        add("closed_from", owner, closed, dim=month_key(_as_date(fact["created"])))
    if fact["channel"] == "higher":
        answered = min((d for d in (stopped, closed) if d is not None), default=None)
        add("higher_answered", reg, answered, dim=month_key(_as_date(received)))
    return out


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _normal(fact: dict) -> dict:
    """A fact as stored (dates as dates) for comparison with a fresh one."""
    return {k: (_as_date(v) if k in ("received", "created", "closed", "acceptance_due", "acceptance_stopped",
                                     "handling_due", "handling_stopped") else v) for k, v in fact.items()}


def _rows(delta: Counter) -> list[tuple]:
    """Counter of contributions → upsert rows for both grains, in key order (a fixed lock
    order, so two writers never deadlock on the roll-up rows)."""
    grouped: dict[tuple, list[int]] = {}
    for (measure, dim, unit, day, which), value in delta.items():
        if not value:
            continue
        for grain, bucket in ((StatRollup.DAY, day), (StatRollup.MONTH, day.replace(day=1))):
            row = grouped.setdefault((grain, bucket, unit, measure, dim), [0, 0])
            row[0 if which == "n" else 1] += value
    return [(KIND, grain, bucket, unit, measure, dim, n, t)
            for (grain, bucket, unit, measure, dim), (n, t) in sorted(grouped.items()) if n or t]


def _rollups_add(rows: list[tuple]) -> None:
    if not rows:
        return
    table = StatRollup._meta.db_table
    # One statement for all the rows (a write touches ~20): executemany would run one each.
    with connection.cursor() as cur:
        for first in range(0, len(rows), _UPSERT_ROWS):
            chunk = rows[first:first + _UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cur.execute(f"INSERT INTO {table} (kind, grain, day, unit_id, measure, dim, n, total) VALUES {values} "
                        f"ON CONFLICT (kind, measure, dim, grain, day, unit_id) "
                        f"DO UPDATE SET n = {table}.n + excluded.n, total = {table}.total + excluded.total",
                        [v for row in chunk for v in row])


def case_fact_refresh(*, case_id: int, created: bool = False, ratings_changed: bool = True) -> None:
    """Recompute one petition's fact and move its roll-up counts by the difference.
    Called in the writing transaction (the case write hook, and writes that touch a
    petition's figures without a case event).

    The write hook knows two things that save reads inside the writing transaction (the
    one SQLite writer's critical section): a case `created` by this write has no stored
    fact yet, and a write that adds no rating event (`ratings_changed` False) leaves the
    stored fact's ratings as they are."""
    stored = None if created else CaseFact.objects.filter(case_id=case_id).values(*FACT_FIELDS).first()
    known = None
    if not ratings_changed and (created or stored is not None):
        known = {case_id: stored["ratings"] if stored is not None else []}
    fresh = facts_compute([case_id], ratings=known).get(case_id)
    if fresh is None or (stored is not None and _normal(stored) == fresh):
        return
    delta = contributions(fresh)
    delta.subtract(contributions(stored))
    _rollups_add(_rows(delta))
    if stored is None:
        CaseFact.objects.create(case_id=case_id, **fresh)
    else:
        CaseFact.objects.filter(case_id=case_id).update(**fresh)


def case_fact_on_write(*, case, event) -> None:
    """The case write hook: petitions only (the other kinds' figures read their ledgers)."""
    if case.kind == KIND:
        case_fact_refresh(case_id=case.pk, created=event is not None and event.from_status == CREATE,
                          ratings_changed=event is None or event.action in RATING_ACTIONS)


def stats_rebuild(*, batch_size: int = 2000, progress=None) -> int:
    """Rebuild every petition fact and the roll-ups from the cases (after a bulk load, a
    restore, an edit of the category tree or of the holiday calendar that moved due dates).
    One transaction: the figures are never half rebuilt."""
    done = 0
    with transaction.atomic():
        StatRollup.objects.filter(kind=KIND).delete()
        CaseFact.objects.filter(kind=KIND).delete()
        totals: Counter = Counter()
        ids = list(Case.objects.filter(kind=KIND).order_by("pk").values_list("pk", flat=True))
        for first in range(0, len(ids), batch_size):
            facts = facts_compute(ids[first:first + batch_size])
            CaseFact.objects.bulk_create([CaseFact(case_id=pk, **f) for pk, f in facts.items()], batch_size=1000)
            for fact in facts.values():
                totals.update(contributions(fact))
            done += len(facts)
            if progress is not None:
                progress(done)
        rows = _rows(totals)
        StatRollup.objects.bulk_create(
            [StatRollup(kind=k, grain=g, day=d, unit_id=u, measure=m, dim=dim, n=n, total=t)
             for k, g, d, u, m, dim, n, t in rows], batch_size=2000)
    return done


def rollup_sums(*, kind: str = KIND, start: dt.date, end: dt.date, unit_ids: Iterable[int] | None = None,
                measures: Iterable[str], by: tuple[str, ...] = ("measure", "dim"),
                where=None) -> dict[tuple, tuple[int, int]]:
    """Sum the roll-ups over [start, end] (both included): whole months from the monthly
    rows, the rest from the daily rows. `unit_ids` None: every unit (including 0, none)."""
    from django.db.models import Q, Sum

    first_full = start if start.day == 1 else _next_month(start)
    # the last day of the last month the period covers whole
    last_full = end if _next_month(end) - dt.timedelta(days=1) == end else first_of(end) - dt.timedelta(days=1)
    if first_full <= last_full:
        parts = Q(grain=StatRollup.MONTH, day__range=(first_full, first_of(last_full)))
        if start < first_full:
            parts |= Q(grain=StatRollup.DAY, day__range=(start, first_full - dt.timedelta(days=1)))
        if last_full < end:
            parts |= Q(grain=StatRollup.DAY, day__range=(last_full + dt.timedelta(days=1), end))
    else:
        parts = Q(grain=StatRollup.DAY, day__range=(start, end))
    qs = StatRollup.objects.filter(parts, kind=kind, measure__in=list(measures))
    if where is not None:
        qs = qs.filter(where)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return {tuple(r[f] for f in by): (r["n"] or 0, r["t"] or 0)
            for r in qs.values(*by).annotate(n=Sum("n"), t=Sum("total"))}


def month_aligned(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and _next_month(end) - dt.timedelta(days=1) == end


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)




def stats_rebuild_in_migration(apps, schema_editor) -> None:
    """A migration that changes what the facts hold or contribute rebuilds them (the
    upgrade of a database that has petitions; an empty one has nothing to do). Only the
    latest such migration may call it: it writes the facts as the code has them now, so a
    later one must replace the call with a no-op."""
    if apps.get_model("core", "Case").objects.filter(kind=KIND).exists():
        stats_rebuild()
