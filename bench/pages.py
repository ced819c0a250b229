"""Server time of the staff pages with the demo data: the worklist (/), a case page and the
case list (/cases/, plain and filtered), p50 / p95 over N requests made in-process with
django.test.Client (no network, no browser: the time Django spends on the request), and the
number of queries each makes. The Python CPU time per request (process time of the Django
process, excluding waits for the database) is printed too: on a shared machine it tells the
page's own cost apart from time spent queueing for a core or for the database server. The list is also measured with a page of 5 and of 30 rows, to
show the query count does not follow the length.

    .venv/bin/python bench/pages.py --db sqlite [--n 200] [--count 300]
    .venv/bin/python bench/pages.py --db postgres

The demo data is built by `xinfang demo` into a database of its own (a temp data dir for
SQLite, the database xf_bench_pages for PostgreSQL). Target: < 100 ms server time (p95).
"""
import argparse
import json
import subprocess
import sys

import _harness as h

MEASURE = r'''
import json, statistics, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
from django.db.models import Count
from xinfang.core.models import Case

N = {n}
User = get_user_model()
# The case with the longest timeline the registrar can see: the heaviest case page.
case = Case.objects.annotate(events_n=Count("events")).order_by("-events_n", "id").first()
handler_case = Case.objects.filter(owner_unit__users__username="handler", is_open=True).order_by("id").first()
pages = [
    ("worklist / (registrar)", "registrar", "/"),
    ("worklist / (handler)", "handler", "/"),
    ("worklist / (leader)", "leader", "/"),
    (f"case page ({{case.events_n}} events)", "registrar", f"/cases/{{case.number}}/"),
    ("case page (handler's open case)", "handler", f"/cases/{{handler_case.number}}/"),
    ("case list /cases/ (registrar, 30 rows)", "registrar", "/cases/"),
    ("case list, filtered + sorted", "registrar", "/cases/?kind=petition&open=1&deadline=normal&sort=due"),
    ("case list, a few rows", "registrar", "/cases/?q=" + Case.objects.order_by("id").first().number[:-1]),
    ("case list (city reviewer, all)", "city_reviewer", "/cases/?sort=-number"),
    ("export .xlsx (registrar, whole list)", "registrar", "/cases/export/?open=1"),
]
out = []
clients = {{}}
for label, username, url in pages:
    client = clients.get(username)
    if client is None:
        client = clients[username] = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
    for _ in range(5):                      # warm: templates compiled, caches filled
        assert client.get(url).status_code == 200, (url, client.get(url).status_code)
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    queries = len(q.captured_queries)     # read now: the log is gone once the connection is reopened
    rows = response.content.decode(errors="ignore").count('<td class="nowrap"><a href="/cases/')
    times, cpu = [], []
    for _ in range(N):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    out.append({{"label": label, "url": url, "queries": queries, "rows": rows,
                "cpu": statistics.median(cpu), "p50": statistics.median(times), "p95": times[min(len(times) - 1, round(.95 * (len(times) - 1)))]}})
print(json.dumps(out, ensure_ascii=False))
'''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=200, help="requests per page")
    parser.add_argument("--count", type=int, default=300, help="demo petitions (xinfang demo --count)")
    args = parser.parse_args()
    url = h.database_url(args.db, "xf_bench_pages")
    env = h.bench_env(url)
    env["XINFANG_DATA_DIR"] = "/tmp/xinfang-bench/pages-data"
    h.migrate(env)
    subprocess.run([str(h.ROOT / ".venv" / "bin" / "xinfang"), "demo", "--count", str(args.count)], env=env,
                   cwd=h.ROOT, check=True, capture_output=True)
    results = json.loads(h.django_run(env, MEASURE.format(n=args.n)).splitlines()[-1])
    total = h.django_run(env, "from xinfang.core.models import Case; print(Case.objects.count())")
    print(f"$ {h.command_line()}")
    print(f"database: {args.db}; demo data ({total} cases); DEBUG=False; {args.n} requests per page through "
          f"django.test.Client in one process (server time: middleware, views, queries, templates)")
    width = max(len(r["label"]) for r in results)
    for r in results:
        rows = f"{r['rows']:>3} rows" if r["rows"] else "        "
        flag = "  (a file, not a page: no target)" if "export" in r["url"] else \
            "" if r["p95"] < 100 else "  ← over 100 ms"
        print(f"{r['label']:<{width}}  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  (Python CPU p50 {r['cpu']:5.1f} ms)  "
              f"{r['queries']:>3} queries  "
              f"{rows}{flag}")
    if args.db == "sqlite":
        h.cleanup_sqlite()
    return 0 if all(r["p95"] < 100 for r in results if "export" not in r["url"]) else 1


if __name__ == "__main__":
    sys.exit(main())
