"""A unit's open cases, first page, with 100,000 cases loaded (half open, over 10 units):
50 requests each of the JSON list and of the worklist page, p50 / p95 in ms, and the
number of queries each makes (fixed whatever the list length).

    .venv/bin/python bench/lists.py --db sqlite [--cases 100000] [--runs 3]
    .venv/bin/python bench/lists.py --db postgres

The rows are bulk-loaded (not through the services): this measures reads.
"""
import argparse

import _harness as h

LOAD = r'''
import datetime as dt, random
from django.db import connection, transaction
from django.utils import timezone
from xinfang.core.models import Case, CaseUnit
from xinfang.orgs.models import Unit, UnitLevel
from xinfang.orgs.services import user_create
from xinfang.api.services import api_token_issue
from xinfang.petitions.models import Petition, Petitioner
N = {cases}
rng = random.Random(7)
city = Unit.objects.create(name="示范市", short_code="SFS", level=UnitLevel.CITY)
district = Unit.objects.create(name="示范区", short_code="SFQ", level=UnitLevel.DISTRICT, parent=city)
bureau = Unit.objects.create(name="示范区信访局", short_code="SFQXFJ", level=UnitLevel.BUREAU, parent=district)
units = [Unit.objects.create(name=f"第{{i}}街道", short_code=f"JD{{i}}", level=UnitLevel.STREET, parent=district) for i in range(10)]
for u in [bureau, *units]: u.refresh_from_db()
now = timezone.now(); today = timezone.localdate()
batch = 5000
for start in range(0, N, batch):
    cases = []
    for i in range(start, min(N, start + batch)):
        unit = units[i % 10]
        is_open = i % 2 == 0
        received = today - dt.timedelta(days=rng.randint(0, 700))
        cases.append(Case(kind="petition", number=f"XF{{received.year}}-SFQXFJ-{{i:07d}}", year=received.year, seq=i + 1,
            title=f"反映事项{{i}}", content="内容" * 20, registered_unit=bureau, owner_unit=unit,
            status="accepted" if is_open else "closed", is_open=is_open, version=3, query_code=f"Q{{i:09d}}",
            received_date=received, next_due_date=received + dt.timedelta(days=75) if is_open else None,
            created_at=now, updated_at=now, closed_at=None if is_open else now))
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=1000)
        ids = list(Case.objects.filter(number__in=[c.number for c in cases]).values_list("pk", "owner_unit_id"))
        Petition.objects.bulk_create([Petition(case_id=pk, channel="visit", claim_type="request") for pk, _ in ids], batch_size=1000)
        Petitioner.objects.bulk_create([Petitioner(case_id=pk, name=f"居民{{pk}}", phone="13800138000") for pk, _ in ids], batch_size=1000)
        links = [CaseUnit(case_id=pk, unit=bureau) for pk, _ in ids]
        links += [CaseUnit(case_id=pk, unit_id=u) for pk, u in ids]
        CaseUnit.objects.bulk_create(links, batch_size=2000)
with connection.cursor() as cur: cur.execute("ANALYZE")
target = units[3]
user = user_create(actor=None, username="bench", password="bench-12345", unit=target, roles=["handler", "reviewer"])
_, token = api_token_issue(user=user, name="bench")
from django.test import Client
from django.test.utils import CaptureQueriesContext
c = Client(HTTP_HOST="127.0.0.1"); c.force_login(user)
with CaptureQueriesContext(connection) as q1: c.get("/api/v1/cases?is_open=true&order=next_due_date&limit=50", HTTP_AUTHORIZATION=f"Bearer {{token}}")
with CaptureQueriesContext(connection) as q2: c.get("/")
print(token, target.pk, len(q1.captured_queries), len(q2.captured_queries), Case.objects.count())
'''


def one_run(db: str, cases: int, run: int) -> dict:
    url = h.database_url(db, f"xf_bench_lists_{run}")
    env = h.bench_env(url)
    h.migrate(env)
    token, unit, q_api, q_page, total = h.django_run(env, LOAD.format(cases=cases)).split()
    headers = {"Authorization": f"Bearer {token}"}
    out = {"queries_api": int(q_api), "queries_page": int(q_page), "total": int(total)}
    with h.Server(env, 8098):
        # The worklist page is measured with a session made in-process for the same user.
        _, lat, st = h.run_clients(port=8098, headers=headers, threads=1,
                                   requests=[("GET", "/api/v1/cases?is_open=true&order=next_due_date&limit=50", None)] * 50)
        assert set(st) == {200}, st
        out["api_p50"], out["api_p95"] = h.pct(lat, 50), h.pct(lat, 95)
        cookie = h.django_run(env, r'''
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
u = get_user_model().objects.get(username="bench")
s = SessionStore(); s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)''')
        _, lat, st = h.run_clients(port=8098, headers={"Cookie": f"sessionid={cookie}"}, threads=1,
                                   requests=[("GET", "/", None)] * 50)
        assert set(st) == {200}, st
        out["page_p50"], out["page_p95"] = h.pct(lat, 50), h.pct(lat, 95)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [one_run(args.db, args.cases, run) for run in range(args.runs)]
    print(f"$ {h.command_line()}")
    print(f"database: {args.db}; {results[0]['total']} cases, half open, 10 units; first page (50) of one unit's "
          f"open cases; 50 sequential requests; medians of {args.runs} runs")
    for key, label in (("api", "JSON list /api/v1/cases"), ("page", "worklist page /")):
        print(f"{label}: p50 {h.median([r[key + '_p50'] for r in results]):.1f} ms, "
              f"p95 {h.median([r[key + '_p95'] for r in results]):.1f} ms, "
              f"{results[0]['queries_' + key]} queries")


if __name__ == "__main__":
    main()
