"""Full-text search latency on the bench database, through the selector the page and the
API call (xinfang.search.selectors.cases_search: scope, match, rank, rows, snippets).

    .venv/bin/python bench/search_corpus.py --url postgres://postgres@127.0.0.1:5432/xf_search_bench --cases 1000000
    .venv/bin/python bench/search.py --url postgres://postgres@127.0.0.1:5432/xf_search_bench [--n 200] [--runs 3]

Queries: one or two key words of real titles of the public data (what staff type), for
three users: the leader (all cases), the district registrar (the district's subtree) and a
street handler (own unit). In-process, one connection kept (CONN_MAX_AGE), after a warm-up.
"""
import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def queries_make(n: int, seed: int) -> list[str]:
    from search_corpus import corpus_rows

    from xinfang.search import text as t

    rng = random.Random(seed)
    titles = [r["留言主题"] for r in corpus_rows("titles_labelled.csv")]
    out = []
    while len(out) < n:
        words = [w for w in t.keywords(rng.choice(titles), k=3) if not w.isascii()]
        if words:
            out.append(" ".join(words[:rng.choice([1, 2])]))
    return out


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    import django

    django.setup()
    from xinfang.core.models import Case
    from xinfang.orgs.models import User
    from xinfang.search.selectors import cases_search

    total = Case.objects.count()
    results = {}
    for username in ("bench_leader", "bench_registrar", "bench_handler"):
        user = User.objects.get(username=username)
        runs = []
        for run in range(args.runs):
            queries = queries_make(args.n, seed=run)
            for q in queries[:10]:
                cases_search(user=user, q=q)   # warm-up
            lat, hits = [], 0
            for q in queries:
                t0 = time.perf_counter()
                page = cases_search(user=user, q=q)
                lat.append((time.perf_counter() - t0) * 1000)
                hits += bool(page.hits)
            runs.append((pct(lat, 50), pct(lat, 95), hits / len(queries)))
        results[username] = tuple(statistics.median(r[i] for r in runs) for i in range(3))
    print(f"$ python {' '.join(sys.argv)}")
    print(f"{total} cases; {args.n} queries per run, medians of {args.runs} runs; first page of 20, "
          "ranked, with highlighted snippets")
    for username, (p50, p95, found) in results.items():
        print(f"{username:16s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   queries with results {found:.0%}")


if __name__ == "__main__":
    main()
