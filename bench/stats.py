"""Statistics of a district-year: every indicator of xinfang/stats/indicators.py for one
district over one year with N cases received in that year (default 100,000) and as many in
the year before (for 同比 and the backlog), against a plain COUNT(*) of the case table in
the same process and run (the ratio is what compares across machines). Also the statistics
page's breakdowns and trend, and the time `xinfang stats rebuild` takes over the 2N cases.

    .venv/bin/python bench/stats.py --db sqlite [--cases 100000] [--runs 3]
    .venv/bin/python bench/stats.py --db postgres

The rows are bulk-loaded (not through the services): this measures reads. Target (issue 5):
a district-year under 300 ms.
"""
import argparse

import _harness as h

LOAD = r'''
import datetime as dt, random, time, statistics
from django.db import connection, transaction
from django.utils import timezone
from xinfang.core.models import Case, CaseUnit, Deadline, Event
from xinfang.orgs.models import Unit, UnitLevel
from xinfang.petitions.models import Petition
from xinfang.stats.indicators import Scope, indicators_compute, volume_by, volume_trend, VOLUME_DIMENSIONS
from xinfang.stats.facts import stats_rebuild
N = 2 * {cases}
rng = random.Random(11)
city = Unit.objects.create(name="示范市", short_code="SFS", level=UnitLevel.CITY)
district = Unit.objects.create(name="示范区", short_code="SFQ", level=UnitLevel.DISTRICT, parent=city)
bureau = Unit.objects.create(name="示范区信访局", short_code="SFQXFJ", level=UnitLevel.BUREAU, parent=district)
units = [Unit.objects.create(name=f"第{{i}}街道", short_code=f"JD{{i}}", level=UnitLevel.STREET, parent=district) for i in range(10)]
for u in [district, bureau, *units]: u.refresh_from_db()
start = dt.date(2025, 1, 1)
tz = timezone.get_current_timezone()
batch = 5000
for first in range(0, N, batch):
    cases, plan = [], []
    for i in range(first, min(N, first + batch)):
        received = start + dt.timedelta(days=rng.randint(0, 729))
        unit = units[i % 10]
        answered = rng.random() < 0.8
        accepted = received + dt.timedelta(days=rng.randint(1, 20))
        handling_due = accepted + dt.timedelta(days=60)
        answered_on = accepted + dt.timedelta(days=rng.randint(10, 75)) if answered else None
        closed = answered and rng.random() < 0.7
        created = timezone.make_aware(dt.datetime.combine(received, dt.time(10)), tz)
        cases.append(Case(kind="petition", number=f"XF{{received.year}}-SFQXFJ-{{i:07d}}", year=received.year, seq=i + 1,
            title=f"反映事项{{i}}", content="内容", registered_unit=bureau, owner_unit=unit,
            status="closed" if closed else ("answered" if answered else "accepted"), is_open=not closed, version=5,
            query_code=f"Q{{i:09d}}", received_date=received, next_due_date=None if answered else handling_due,
            created_at=created, updated_at=created,
            closed_at=timezone.make_aware(dt.datetime.combine(answered_on + dt.timedelta(days=31), dt.time(1)), tz) if closed else None))
        plan.append((received, accepted, handling_due, answered_on, unit))
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=1000)
        ids = list(Case.objects.filter(number__in=[c.number for c in cases]).order_by("seq").values_list("pk", flat=True))
        pets, dls, evs, links = [], [], [], []
        for pk, (received, accepted, due, answered_on, unit) in zip(ids, plan):
            pets.append(Petition(case_id=pk, channel=rng.choice(["visit", "letter", "web", "higher"]), claim_type="request",
                                 person_count=rng.randint(1, 3), is_first=rng.random() < 0.7, handling_unit=unit,
                                 is_skip_level=rng.random() < 0.05, extension_days=30 if rng.random() < 0.1 else 0))
            dls.append(Deadline(case_id=pk, key="acceptance_notice", label="受理告知", obligation="organ", counting="calendar",
                                length_days=15, legal_source="", start_date=received, due_date=received + dt.timedelta(days=15),
                                active=False, stopped_on=accepted))
            dls.append(Deadline(case_id=pk, key="handling", label="办理期限", obligation="organ", counting="calendar",
                                length_days=60, legal_source="", start_date=accepted, due_date=due,
                                active=answered_on is None, stopped_on=answered_on))
            if answered_on and rng.random() < 0.6:
                at = timezone.make_aware(dt.datetime.combine(answered_on + dt.timedelta(days=3), dt.time(11)), tz)
                evs.append(Event(case_id=pk, seq=5, action="rate", label="评价", from_status="answered", to_status="answered",
                                 actor_kind="public", at=at, payload={{"level": rng.choice(["satisfied", "basic", "unsatisfied"])}}))
            links += [CaseUnit(case_id=pk, unit=bureau), CaseUnit(case_id=pk, unit=unit)]
        Petition.objects.bulk_create(pets, batch_size=1000)
        Deadline.objects.bulk_create(dls, batch_size=2000)
        Event.objects.bulk_create(evs, batch_size=2000)
        CaseUnit.objects.bulk_create(links, batch_size=2000)
t = time.perf_counter(); stats_rebuild(); rebuild = (time.perf_counter() - t) * 1000
with connection.cursor() as cur: cur.execute("ANALYZE")
scope = Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), unit=district)
indicators_compute(scope=scope)  # warm
def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter(); fn(); out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)
def count_all():
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM core_case"); cur.fetchone()
full = timed(lambda: indicators_compute(scope=scope), 5)
street = timed(lambda: indicators_compute(scope=Scope(start=scope.start, end=scope.end, unit=units[3])), 5)
count = timed(count_all, 5)
def count_year():
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM core_case WHERE received_date BETWEEN %s AND %s", [scope.start, scope.end]); cur.fetchone()
count_y = timed(count_year, 5)
def page():
    for d in VOLUME_DIMENSIONS: volume_by(scope=scope, dimension=d)
    volume_trend(scope=scope)
breakdowns = timed(page, 5)
year = Case.objects.filter(received_date__year=2026).count()
print(full, street, count, breakdowns, rebuild, Case.objects.count(), year, count_y)
'''


def one_run(db: str, cases: int, run: int) -> list[float]:
    env = h.bench_env(h.database_url(db, f"xf_bench_stats_{run}"))
    h.migrate(env)
    return [float(x) for x in h.django_run(env, LOAD.format(cases=cases)).split()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.db, args.cases, run) for run in range(args.runs)]
    full, street, count, breakdowns, rebuild = (h.median([r[i] for r in runs]) for i in range(5))
    print(f"$ {h.command_line()}")
    print(f"database: {args.db}; {int(runs[0][5])} cases over 2 years ({int(runs[0][6])} in the year measured), "
          f"10 streets; every petition indicator of the year; median of 5 calls per run, medians of {args.runs} runs")
    count_y = h.median([r[7] for r in runs])
    print(f"COUNT(*) of the case table: {count:.2f} ms; COUNT(*) of the year's cases (received_date range): "
          f"{count_y:.2f} ms")
    print(f"district-year: {full:.1f} ms ({full / count:.1f}× the table's COUNT(*), {full / count_y:.2f}× the year's)")
    print(f"street-year:   {street:.1f} ms ({street / count_y:.2f}× the year's COUNT(*))")
    print(f"breakdowns (7 dimensions) and the monthly trend of the district-year: {breakdowns:.1f} ms "
          f"({breakdowns / count_y:.2f}× the year's COUNT(*))")
    print(f"xinfang stats rebuild over all the cases: {rebuild / 1000:.1f} s")


if __name__ == "__main__":
    main()
