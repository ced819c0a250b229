"""Statistics of a city-year at the scale of 10,000,000 petitions, on PostgreSQL: the
real `indicators_compute` of xinfang/stats/indicators.py over roll-up rows of the size ten
million cases over five years produce.

    .venv/bin/python bench/stats_city.py [--cases 10000000] [--runs 3]

What is generated, and what is not (so the figure is read for what it is):
- a city of 10 districts, each with a 信访局 and 10 streets of 3 communities (410 units the
  matters count under);
- the MONTHLY roll-up rows those cases give (stats_statrollup, grain 'M'): per unit and
  month, every measure and every dimension value the write hook keeps (channel, claim
  type, reception level, 15 first-level categories, 20 places, 10 handling units, the
  months created of the closed, the months received of the higher-assigned answered) —
  with counts summing to the cases asked for. They are generated in SQL, not by playing
  10 million cases through the services (that takes hours here), so this measures reading;
- no daily rows, no fact rows and no case rows: a period of whole months (a report's
  month, quarter or year) reads only the monthly rows. A period starting or ending inside
  a month also reads daily rows and, for two figures, the fact rows (bench/stats.py
  measures those paths with real cases at 200,000).
The baseline printed beside it is a plain COUNT(*) of the roll-up table in the same run.
"""
import argparse

import _harness as h

LOAD = r'''
import datetime as dt, time, statistics
from django.db import connection
from xinfang.orgs.models import Unit, UnitLevel
from xinfang.stats.indicators import Scope, indicators_compute
CASES = {cases}
city = Unit.objects.create(name="示范市", short_code="C", level=UnitLevel.CITY)
pool, districts = [], []
for d in range(10):
    district = Unit.objects.create(name=f"第{{d}}区", short_code=f"D{{d}}", level=UnitLevel.DISTRICT, parent=city)
    districts.append(district)
    pool.append(Unit.objects.create(name=f"第{{d}}区信访局", short_code=f"D{{d}}B", level=UnitLevel.BUREAU, parent=district))
    for s in range(10):
        street = Unit.objects.create(name=f"第{{d}}区第{{s}}街道", short_code=f"D{{d}}S{{s}}", level=UnitLevel.STREET, parent=district)
        pool.append(street)
        for c in range(3):
            pool.append(Unit.objects.create(name=f"第{{d}}区第{{s}}街道第{{c}}社区", short_code=f"D{{d}}S{{s}}C{{c}}",
                                            level=UnitLevel.COMMUNITY, parent=street))
ids = [u.pk for u in pool]
per = CASES / (len(ids) * 60)          # cases per unit and month over five years
dims = ([("channel:" + c, 6) for c in ("visit", "letter", "web", "phone", "fax", "higher")]
        + [("claim_type:" + c, 5) for c in ("request", "suggestion", "complaint", "accusation", "opinion")]
        + [("reception_level:" + c, 5) for c in ("community", "street", "district", "city", "province")]
        + [(f"category:{{i}}", 15) for i in range(1, 16)]
        + [(f"place:{{i}}", 20) for i in range(20)] + [(f"handling_unit:{{i}}", 10) for i in range(10)])
simple = [("repeat", 0.05), ("skip", 0.03), ("on_spot", 0.1), ("acceptance_due", 1), ("acceptance_met", 0.95),
          ("handling_due", 0.8), ("handling_met", 0.75), ("handling_due_first", 0.6), ("handling_met_first", 0.57),
          ("answered", 0.8), ("answered_extended", 0.08), ("created", 1), ("closed", 0.9)]
values = [("intake", "", 1.0)] + [("intake", dim, 1.0 / k) for dim, k in dims] + [(m, "", f) for m, f in simple] \
    + [("rating", lv, f) for lv, f in (("satisfied", .3), ("basic", .15), ("unsatisfied", .05))] \
    + [("closed_from", "", 0)] \
    + [("higher_answered", "", 0)]
t = time.perf_counter()
with connection.cursor() as cur:
    cur.execute("CREATE TEMP TABLE spec (measure text, dim text, share float8)")
    cur.executemany("INSERT INTO spec VALUES (%s, %s, %s)", [v for v in values if v[2] > 0])
    cur.execute("CREATE TEMP TABLE units (id int)")
    cur.executemany("INSERT INTO units VALUES (%s)", [(i,) for i in ids])
    month = "(date '2022-01-01' + (m || ' month')::interval)::date"
    cur.execute(f"""INSERT INTO stats_statrollup (kind, grain, day, unit_id, measure, dim, n, total)
        SELECT 'petition', 'M', {{month}}, u.id, s.measure, s.dim,
               greatest(0, round(%s * s.share * (0.5 + random())))::bigint,
               CASE WHEN s.measure = 'intake' THEN round(%s * s.share * 1.8)::bigint
                    WHEN s.measure = 'answered' THEN round(%s * s.share * 41)::bigint ELSE 0 END
        FROM units u CROSS JOIN generate_series(0, 59) m CROSS JOIN spec s""", [per, per, per])
    # closed by month created (the 12 months before), answered higher-assigned by month received (3 before)
    cur.execute(f"""INSERT INTO stats_statrollup (kind, grain, day, unit_id, measure, dim, n, total)
        SELECT 'petition', 'M', {{month}}, u.id, 'closed_from',
               to_char({{month}} - (k || ' month')::interval, 'YYYY-MM'), round(%s * 0.9 / 12 * (0.5 + random()))::bigint, 0
        FROM units u CROSS JOIN generate_series(0, 59) m CROSS JOIN generate_series(0, 11) k""", [per])
    cur.execute(f"""INSERT INTO stats_statrollup (kind, grain, day, unit_id, measure, dim, n, total)
        SELECT 'petition', 'M', {{month}}, u.id, 'higher_answered',
               to_char({{month}} - (k || ' month')::interval, 'YYYY-MM'), round(%s * 0.1 / 3 * (0.5 + random()))::bigint, 0
        FROM units u CROSS JOIN generate_series(0, 59) m CROSS JOIN generate_series(0, 2) k""", [per])
    cur.execute("ANALYZE")
    cur.execute("SELECT count(*), sum(n) FILTER (WHERE measure = 'intake' AND dim = '') FROM stats_statrollup")
    rows, cases = cur.fetchone()
load = time.perf_counter() - t
def timed(fn, n=5):
    out = []
    for _ in range(n):
        t = time.perf_counter(); fn(); out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)
def count_all():
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM stats_statrollup"); cur.fetchone()
year = Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), unit=city)
quarter = Scope(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), unit=city)
district = Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), unit=districts[3])
indicators_compute(scope=year)
print(timed(lambda: indicators_compute(scope=year)), timed(lambda: indicators_compute(scope=quarter)),
      timed(lambda: indicators_compute(scope=district)), timed(count_all), rows, cases, load)
'''


def one_run(cases: int, run: int) -> list[float]:
    env = h.bench_env(h.database_url("postgres", f"xf_bench_city_{run}"))
    h.migrate(env)
    return [float(x) for x in h.django_run(env, LOAD.format(cases=cases)).split()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.cases, run) for run in range(args.runs)]
    year, quarter, district, count = (h.median([r[i] for r in runs]) for i in range(4))
    print(f"$ {h.command_line()}")
    print(f"database: postgres; monthly roll-up rows of {int(runs[0][5]):,} cases over 5 years in 410 units: "
          f"{int(runs[0][4]):,} rows (generated in {runs[0][6]:.0f} s); median of 5 calls per run, "
          f"medians of {args.runs} runs")
    print(f"COUNT(*) of the roll-up table: {count:.1f} ms")
    print(f"city-year:     {year:.1f} ms ({year / count:.2f}× the COUNT(*))")
    print(f"city-quarter:  {quarter:.1f} ms ({quarter / count:.2f}× the COUNT(*))")
    print(f"district-year: {district:.1f} ms ({district / count:.2f}× the COUNT(*))")


if __name__ == "__main__":
    main()
