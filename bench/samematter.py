"""Same-matter detection: quality on pairs built from the public data, and the time of one
check (xinfang.search.selectors.cases_same_matter) against the bench database.

    .venv/bin/python bench/samematter.py --quality
    .venv/bin/python bench/samematter.py --url postgres://postgres@127.0.0.1:5432/xf_search_bench [--n 300] [--runs 3]
        [--without-place-path]

Quality: the 7,142 messages of messages_with_votes.csv and messages_with_replies.csv are
indexed in memory exactly as the product indexes a case (title + content, character
bigrams, 20 bands × 3 rows). Each message whose title or text occurs more than once (a
resident resubmitting the same matter) asks for its candidates, as a registrar's check
does; a candidate counts as right when it is a resubmission of the same message (same
title or same text). Precision = right / shown, recall = resubmission pairs found / all.
A second set adds rewordings (one sentence dropped, one from another message added, to
each text) so the rewording the registrar most often meets is measured too.

Timing: texts of cases in the database, reworded the same way, checked by the leader
(whose scope is everything: the largest candidate set). bench/search_corpus.py writes bands
for every case (the worst case: as if all were open); delete those of the closed cases to
measure what the product keeps, and bench/samematter_allopen.py puts them back.
"""
import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def reword(content: str, other: str, rng: random.Random) -> str:
    from search_corpus import sentences_of

    parts = sentences_of(content) or [content]
    if len(parts) > 2:
        parts.pop(rng.randrange(len(parts)))
    extra = sentences_of(other)
    if extra:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(extra))
    return "".join(parts)


def quality() -> None:
    import django

    django.setup()
    from search_corpus import corpus_rows

    from xinfang.search import text as t
    from xinfang.search.selectors import SAME_MATTER_MIN

    rows = []
    for name in ("messages_with_votes.csv", "messages_with_replies.csv"):
        rows += [(r["留言主题"].strip(), "".join(r["留言详情"].split())) for r in corpus_rows(name)]
    rng = random.Random(11)
    base_n = len(rows)

    def evaluate(items, group_of, label):
        shingles = [t.shingles(t.matter_text(a, b)) for a, b in items]
        buckets = defaultdict(set)
        for i, sh in enumerate(shingles):
            for k in t.lsh_keys(t.minhash(sh)):
                buckets[k].add(i)
        groups = defaultdict(set)
        for i in range(len(items)):
            groups[group_of(i)].add(i)
        queries = [i for i in range(len(items)) if len(groups[group_of(i)]) > 1]
        print(f"\n{label}: {len(items)} texts, {len(queries)} with a resubmission "
              f"({sum(len(g) * (len(g) - 1) for g in groups.values() if len(g) > 1)} ordered pairs)")
        print("threshold  precision  recall   shown")
        for threshold in (0.2, 0.3, 0.4, 0.5, 0.6):
            shown = right = found = wanted = 0
            for i in queries:
                cands = set().union(*(buckets[k] for k in t.lsh_keys(t.minhash(shingles[i])))) - {i}
                hits = {j for j in cands if t.jaccard(shingles[i], shingles[j]) >= threshold}
                truth = groups[group_of(i)] - {i}
                shown += len(hits)
                right += len(hits & truth)
                found += len(hits & truth)
                wanted += len(truth)
            mark = "  ← product" if abs(threshold - SAME_MATTER_MIN) < 1e-9 else ""
            print(f"   {threshold:.1f}      {right / max(shown, 1):6.1%}   {found / max(wanted, 1):6.1%}  "
                  f"{shown:6d}{mark}")

    # Same title or same text: the same message submitted again.
    parent = list(range(base_n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    first_by = {}
    for i, (title, content) in enumerate(rows):
        for key in (("t", title), ("c", content)):
            if key in first_by:
                parent[find(i)] = find(first_by[key])
            else:
                first_by[key] = i
    evaluate(rows, find, "Resubmissions in the public data")
    # Rewordings: each of 500 messages also submitted again with one sentence changed.
    extra = []
    picked = rng.sample(range(base_n), 500)
    for i in picked:
        title, content = rows[i]
        extra.append((title if rng.random() < 0.5 else title[: max(4, len(title) - 3)],
                      reword(content, rows[rng.randrange(base_n)][1], rng)))
    origin = {base_n + k: i for k, i in enumerate(picked)}
    evaluate(rows + extra, lambda i: find(origin.get(i, i)), "Plus 500 rewordings (a sentence dropped, one added)")


def timing(url: str, n: int, runs: int, *, place_path: bool = True) -> None:
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    if not place_path:
        # The check as before its place path: no named place read, so no place candidates.
        from xinfang.search import selectors

        selectors.named_places_of_matter = lambda **_: []
    from xinfang.core.models import Case
    from xinfang.orgs.models import User
    from xinfang.search.models import SameMatterBand
    from xinfang.search.selectors import cases_same_matter

    user = User.objects.get(username="bench_leader")
    total, bands = Case.objects.count(), SameMatterBand.objects.count()
    max_id = Case.objects.order_by("-id").values_list("id", flat=True)[0]
    p50s, p95s, found = [], [], []
    for run in range(runs):
        rng = random.Random(run)
        samples = []
        while len(samples) < n:
            c = Case.objects.filter(pk__gte=rng.randint(1, max_id)).order_by("pk").first()
            if c is not None:
                samples.append(c)
        others = [c.content for c in samples[1:] + samples[:1]]
        texts = [(c.title, reword(c.content, o, rng), c.place_unit_id) for c, o in zip(samples, others)]
        for title, content, place in texts[:10]:
            cases_same_matter(user=user, title=title, content=content, place_unit_id=place)
        lat, hit = [], 0
        for (title, content, place), case in zip(texts, samples):
            t0 = time.perf_counter()
            cands = cases_same_matter(user=user, title=title, content=content, place_unit_id=place)
            lat.append((time.perf_counter() - t0) * 1000)
            hit += case.is_open and any(c.case.pk == case.pk for c in cands)
        ordered = sorted(lat)
        p50s.append(ordered[len(ordered) // 2])
        p95s.append(ordered[int(0.95 * (len(ordered) - 1))])
        found.append(hit / max(1, sum(c.is_open for c in samples)))
    print(f"$ python {' '.join(sys.argv)}")
    open_n = Case.objects.filter(is_open=True).count()
    # About 20 keys a case (fewer when two bands coincide): the cases the look-up searches.
    print(f"{total} cases, {open_n} open ({open_n / total:.0%}); {bands} band rows (≈ {bands / 20 / total:.0%} of "
          f"the cases: 100 % is the worst case, the product keeps the open ones); {n} checks per run, "
          f"medians of {runs} runs")
    print(f"same-matter check p50 {statistics.median(p50s):.1f} ms, p95 {statistics.median(p95s):.1f} ms; "
          f"reworded open case found {statistics.median(found):.0%}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--without-place-path", action="store_true",
                        help="time the check without its place path (to measure what the path costs)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    if args.quality:
        sys.path.insert(0, str(ROOT))
        print(f"$ python {' '.join(sys.argv)}")
        quality()
    if args.url:
        timing(args.url, args.n, args.runs, place_path=not args.without_place_path)


if __name__ == "__main__":
    main()
