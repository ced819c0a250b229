"""Intake over HTTP: registrations per second through `POST /api/v1/petitions`, each doing
what a real registration does here (validation, numbering, the workflow's creating
transition with its clock, the Event, the audit entry), atomically.

    .venv/bin/python bench/intake.py --db sqlite --n 2000 --runs 3
    .venv/bin/python bench/intake.py --db postgres --n 2000 --runs 3

Prints medians of the runs, and intake ÷ raw, where raw is the same rows inserted by one
`executemany` in one transaction through the driver (../shared/BENCH.md).
"""
import argparse
import random
import sqlite3
import time

import _harness as h

SETUP = r'''
from xinfang.orgs.models import Unit, UnitLevel
from xinfang.orgs.services import user_create
from xinfang.api.services import api_token_issue
city = Unit.objects.create(name="示范市", short_code="SFS", level=UnitLevel.CITY)
district = Unit.objects.create(name="示范区", short_code="SFQ", level=UnitLevel.DISTRICT, parent=city)
bureau = Unit.objects.create(name="示范区信访局", short_code="SFQXFJ", level=UnitLevel.BUREAU, parent=district)
units = [Unit.objects.create(name=f"第{i}街道", short_code=f"JD{i}", level=UnitLevel.STREET, parent=district) for i in range(10)]
user = user_create(actor=None, username="bench", password="bench-12345", unit=bureau, roles=["registrar"], data_scope="subtree")
_, token = api_token_issue(user=user, name="bench")
print(token, ",".join(str(u.pk) for u in units))
'''

TOPICS = ["小区路灯损坏", "物业费收取不合理", "噪音扰民", "拖欠工资", "道路积水", "违章搭建", "学校招生", "医保报销"]


def id_number(rng: random.Random) -> str:
    from xinfang.core.identity import id_number_check_digit
    first = f"370202{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + id_number_check_digit(first)


def bodies(n: int, units: list[int], seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        topic = rng.choice(TOPICS)
        out.append({
            "title": f"{topic}（{i}）", "content": f"反映{topic}问题，已持续一个月，请求有关部门尽快处理。编号{i}。",
            "channel": rng.choice(["letter", "visit", "web", "phone"]), "claim_type": "request",
            "place_unit_id": rng.choice(units),
            "petitioners": [{"name": f"居民{i}", "id_number": id_number(rng), "phone": f"138{rng.randint(0, 99999999):08d}",
                             "address": f"示范区某小区{rng.randint(1, 30)}号楼"}],
        })
    return out


def raw_insert(db: str, url: str, rows: list[dict]) -> float:
    """The same rows by one executemany in one transaction: the limit of the driver."""
    records = [(f"R{i}", r["title"], r["content"], r["channel"], r["petitioners"][0]["name"],
                r["petitioners"][0]["id_number"], r["petitioners"][0]["phone"]) for i, r in enumerate(rows)]
    ddl = ("CREATE TABLE raw_intake (number varchar(40) primary key, title varchar(200), content text, "
           "channel varchar(10), name varchar(40), id_number varchar(18), phone varchar(20))")
    if db == "sqlite":
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(ddl)
        t0 = time.perf_counter()
        with conn:
            conn.executemany("INSERT INTO raw_intake VALUES (?,?,?,?,?,?,?)", records)
        elapsed = time.perf_counter() - t0
        conn.close()
    else:
        import psycopg
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            conn.execute(ddl)
            conn.commit()
            t0 = time.perf_counter()
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO raw_intake VALUES (%s,%s,%s,%s,%s,%s,%s)", records)
            conn.commit()
            elapsed = time.perf_counter() - t0
    return len(rows) / elapsed


def one_run(db: str, n: int, threads: int, run: int) -> dict:
    url = h.database_url(db, f"xf_bench_intake_{run}")
    env = h.bench_env(url)
    h.migrate(env)
    token, unit_ids = h.django_run(env, SETUP).split()
    rows = bodies(n, [int(u) for u in unit_ids.split(",")], seed=run)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with h.Server(env, 8097):
        wall, lat, statuses = h.run_clients(port=8097, requests=[("POST", "/api/v1/petitions", b) for b in rows],
                                            headers=headers, threads=threads)
    bad = [s for s in statuses if s != 201]
    if bad:
        raise SystemExit(f"{len(bad)} registrations failed, e.g. status {bad[0]}")
    check = h.django_run(env, "from xinfang.core.models import Case, Event; from xinfang.audit.models import AuditEntry;"
                              "print(Case.objects.count(), Event.objects.count(), AuditEntry.objects.count())")
    raw = raw_insert(db, url, rows)
    return {"rate": n / wall, "p50": h.pct(lat, 50), "p95": h.pct(lat, 95), "raw": raw, "check": check}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [one_run(args.db, args.n, args.threads, run) for run in range(args.runs)]
    rate = h.median([r["rate"] for r in results])
    raw = h.median([r["raw"] for r in results])
    print(f"$ {h.command_line()}")
    print(f"database: {args.db}; {args.n} registrations, {args.threads} client threads, gunicorn 2 sync workers, "
          f"DEBUG=False; medians of {args.runs} runs")
    for i, r in enumerate(results):
        print(f"  run {i + 1}: {r['rate']:.1f}/s  p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  raw {r['raw']:.0f} rows/s"
              f"  (cases, events, audit entries: {r['check']})")
    print(f"intake over HTTP: {rate:.1f} registrations/s")
    print(f"intake p50 / p95: {h.median([r['p50'] for r in results]):.1f} / {h.median([r['p95'] for r in results]):.1f} ms")
    print(f"raw executemany insert: {raw:.0f} rows/s")
    print(f"intake ÷ raw: {rate / raw:.4f}")


if __name__ == "__main__":
    main()
