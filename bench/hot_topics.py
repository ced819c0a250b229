"""Hot topics on real messages: do the topics a leader is shown hold what the public
supported? The old finder (bench/hot_topics_old.py, the product's until session 4: place unit × one
title word) and the new one (xinfang.search.topics.hot_topics_for: a named place in the
text or the place unit × key words) in the same run, on the same database.

    .venv/bin/python bench/hot_topics.py [--db sqlite|postgres] [--scale 20000] [--show 2019-07-31,...]

Data: messages_with_votes.csv (../shared/data/teddy2020): 4,326 real messages with their
date (留言时间) and public support (点赞数) and opposition (反对数); the 129 without a date
are left out. Each message becomes a case received on its date by bulk insert of the
rows the finders read (Case and its SearchDocument, segmented by search.text.segmented as
search_index_case does; the account is segmented from its first 300 characters, more than
either finder reads) — the services are bypassed for speed, and support counts are kept
beside the database, never in it. The 发生地 is the district the message names by its
anonymised code (A3区, A7县: a unit each under A市), the first in the title, else in the
text, else A市 when it names that, else none: what a registrar would choose.

Windows: the last 30 days of each month of 2019 (periods=3: growth against the 90 days
before), top 10 topics, as the dashboard asks. For each window and finder:
- support share: the share of the window's total support that lies in the messages of
  the top-10 topics, against the same number of messages drawn at random (mean of 1,000
  draws: what "10 random groups of equal size" hold);
- top-5 hit: of the window's 5 most-supported messages, how many are in a top-10 topic;
- the reference hot issues of the 2020 competition that are in the data, where a window
  holds at least 2 of their messages: the rank of the topic holding at least 2 of them as
  at least half of its cases ("—": no such topic), and how many of the window's messages
  of the issue it holds.
The old finder's topics list no members; its members are its own grouping rule (window
cases at the topic's place whose title words contain its first word), as the dashboard's
hot_topic_cases_for lists them.

Timing (--scale N): N cases copied from the messages, spread over the 120 days a 30-day
hot-topics read with periods=3 scans, read by a leader (whole scope) — the HOT_MAX_CASES
bound is 20,000; median of 5 calls per finder. The documents carry the topic features
search_index_case stores (named places, key words), as the product's do. "texts read" then
clears those, as on documents indexed before they were stored: the finder reads the texts,
and keeps what it read of each case per process (topics_cache_clear empties it): "first
call" empties it before each call, "again" does not. The quality windows are each a first
call.
"""
import argparse
import csv
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATA = Path(os.environ.get("XINFANG_TEDDY", ROOT.parent / "shared" / "data" / "teddy2020"))

CODE = re.compile(r"([A-Z]\d{1,2})([区县])")
REFERENCE = {
    "魅力之城小区临街餐饮油烟噪音扰民":
        lambda s: "魅力之城" in s and any(w in s for w in ("油烟", "噪音", "噪声", "餐饮", "扰民")),
    "伊景园滨河苑捆绑销售车位": lambda s: ("伊景园" in s or "滨河苑" in s) and "车位" in s,
    "丽发新城小区附近搅拌站噪音扰民": lambda s: "丽发新城" in s and "搅拌" in s,
}
WINDOW_ENDS = [dt.date(2019, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)] + [dt.date(2019, 12, 31)]
DAYS, PERIODS, LIMIT = 30, 3, 10


def messages() -> list[dict]:
    out = []
    with open(DATA / "messages_with_votes.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            m = re.match(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", r["留言时间"].strip())
            if not m:
                continue
            title, content = r["留言主题"].strip(), "".join(r["留言详情"].split())
            code = CODE.search(title) or CODE.search(content)
            out.append({"title": title, "content": content, "when": dt.date(*map(int, m.groups())),
                        "likes": int(r["点赞数"] or 0), "against": int(r["反对数"] or 0),
                        "district": code.group(0) if code else ("A市" if "A市" in title + content else None)})
    return out


def load(rows: list[dict], copies: list[tuple[dict, dt.date]]) -> tuple[dict, object]:
    """Units, a leader with the whole scope, and the cases; returns {case pk: row index}."""
    from django.core.management import call_command
    from django.utils import timezone

    from xinfang.core.models import Case
    from xinfang.orgs.models import DataScope, Unit, UnitLevel, User
    from xinfang.search.models import SearchDocument
    from xinfang.search.text import segmented

    call_command("migrate", verbosity=0)
    # The anonymised province is in the tree as the city's parent, as a deployment's own names are.
    province = Unit.objects.create(name="西地省", short_code="XD", level=UnitLevel.CITY)
    city = Unit.objects.create(name="A市", short_code="A", level=UnitLevel.CITY, parent=province)
    bureau = Unit.objects.create(name="A市信访局", short_code="AXFJ", level=UnitLevel.BUREAU, parent=city)
    units = {"A市": city}
    for code in sorted({r["district"] for r in rows if r["district"] and r["district"] != "A市"}):
        units[code] = Unit.objects.create(name=code, short_code=code, level=UnitLevel.DISTRICT, parent=city)
    leader = User.objects.create_user(username="bench_leader", password="x" * 12, unit=bureau,
                                      data_scope=DataScope.ALL, display_name="领导")
    from xinfang.search.topics import case_topic_features

    segs = {}
    for r in rows:
        title_seg, body_seg = segmented(r["title"]), segmented(r["content"][:300])
        # What search_index_case stores for the topics (from the first 240 characters of the
        # segmentation, so the first 300 of the text are enough).
        places, words = case_topic_features(title=r["title"][:200], content=r["content"], title_seg=title_seg,
                                            body_seg=body_seg)
        segs[id(r)] = (title_seg, body_seg, "\n".join(places), " ".join(words))
    items = [(i, r, r["when"]) for i, r in enumerate(rows)] + [(-1, r, when) for r, when in copies]
    pk_to_row = {}
    now = timezone.now()
    for begin in range(0, len(items), 2000):
        batch = items[begin:begin + 2000]
        cases = [Case(kind="petition", number=f"B{begin + k}", year=when.year, seq=begin + k + 1, title=r["title"][:200],
                      content=r["content"], place_unit=units.get(r["district"]), registered_unit=bureau,
                      owner_unit=bureau, status="registered", is_open=True, query_code=f"Q{begin + k:011d}",
                      received_date=when, created_at=now, updated_at=now)
                 for k, (_, r, when) in enumerate(batch)]
        Case.objects.bulk_create(cases)
        SearchDocument.objects.bulk_create(
            [SearchDocument(case_id=c.pk, title_seg=segs[id(r)][0], body_seg=segs[id(r)][1],
                            topic_places=segs[id(r)][2], topic_words=segs[id(r)][3])
             for c, (_, r, _) in zip(cases, batch)])
        pk_to_row.update({c.pk: i for c, (i, _, _) in zip(cases, batch) if i >= 0})
    return pk_to_row, leader


def old_members(topic, window_pks: list[int], place_of: dict, title_seg: dict) -> set[int]:
    word = topic.words[0]
    return {pk for pk in window_pks if place_of[pk] == topic.place and word in title_seg[pk].split()}


def evaluate(rows, pk_to_row, leader, show: set[dt.date]) -> None:
    import hot_topics_old as old

    from xinfang.core.models import Case
    from xinfang.search import topics as new

    place_of, title_seg = {}, {}
    for pk, unit, seg in Case.objects.values_list("pk", "place_unit__name", "search_document__title_seg"):
        place_of[pk], title_seg[pk] = unit or "", seg or ""
    rng = random.Random(20260302)
    totals = {name: Counter() for name in ("old", "new")}
    found = {name: Counter() for name in ("old", "new")}
    print(f"{'window end':<11} {'msgs':>5} {'support':>7} | {'finder':<4} {'in top-10':>9} {'share':>6} "
          f"{'random':>6} {'lift':>5} {'top-5 hit':>9} {'ms':>6}")
    detail = []
    for end in WINDOW_ENDS:
        start = end - dt.timedelta(days=DAYS - 1)
        window = [pk for pk, i in pk_to_row.items() if start <= rows[i]["when"] <= end]
        likes = {pk: rows[pk_to_row[pk]]["likes"] for pk in window}
        total = sum(likes.values()) or 1
        top5 = set(sorted(window, key=lambda pk: -likes[pk])[:5])
        for name, finder in (("old", old.hot_topics_for), ("new", new.hot_topics_for)):
            new.topics_cache_clear()
            t0 = time.perf_counter()
            topics = finder(user=leader, days=DAYS, limit=LIMIT, periods=PERIODS, today=end)
            ms = (time.perf_counter() - t0) * 1000
            members = [set(tp.case_ids) if name == "new" else old_members(tp, window, place_of, title_seg)
                       for tp in topics]
            covered = set().union(*members) if members else set()
            share = sum(likes[pk] for pk in covered) / total
            draws = [sum(likes[pk] for pk in rng.sample(window, len(covered))) / total for _ in range(1000)]
            rand = statistics.mean(draws)
            hit = len(top5 & covered)
            totals[name].update(share=share, random=rand, hit=hit, n=1, ms=ms)
            print(f"{end.isoformat():<11} {len(window):>5} {total:>7} | {name:<4} {len(covered):>9} {share:>6.1%} "
                  f"{rand:>6.1%} {share / rand if rand else 0:>5.1f} {hit:>7}/5 {ms:>6.0f}")
            for issue, test in REFERENCE.items():
                mine = {pk for pk in window if test(rows[pk_to_row[pk]]["title"] + rows[pk_to_row[pk]]["content"])}
                if len(mine) < 2:
                    continue
                rank = next((k for k, m in enumerate(members, 1) if len(m & mine) >= 2 and len(m & mine) >= len(m) / 2),
                            None)
                held = len(members[rank - 1] & mine) if rank else 0
                found[name].update(windows=1, surfaced=rank is not None)
                detail.append(f"  {end} {name}: {issue}: {len(mine)} messages in the window; "
                              + (f"topic #{rank} ({topics[rank - 1].place} {topics[rank - 1].label}) holds {held}"
                                 if rank else "—"))
            if end in show:
                print(f"    top topics of the {name} finder, {start} – {end}:")
                for tp, m in zip(topics, members):
                    kind = f" [{tp.place_kind}]" if name == "new" else ""
                    extra = f" distinct {tp.distinct}" if name == "new" else ""
                    growth = "new" if tp.growth is None else f"{tp.growth:+.0%}"
                    print(f"      {tp.label:<18} {tp.place or '—'}{kind}: {tp.size} cases{extra}, before {tp.previous:.1f}"
                          f"/period ({growth}), support {sum(likes[pk] for pk in m)}")
    print("\nReference hot issues (2020 competition) in the windows that hold ≥ 2 of their messages:")
    print("\n".join(detail))
    print("\nOver the windows:")
    for name in ("old", "new"):
        s = totals[name]
        print(f"  {name}: support share in top-10 {s['share'] / s['n']:.1%} (random {s['random'] / s['n']:.1%}), "
              f"top-5 most supported in a topic {s['hit']}/{5 * s['n']}, reference issues surfaced "
              f"{found[name]['surfaced']}/{found[name]['windows']} window-issues, mean {s['ms'] / s['n']:.0f} ms per call")


def timing(leader, scale_end: dt.date) -> None:
    import hot_topics_old as old

    from xinfang.core.models import Case
    from xinfang.search import topics as new

    scanned = Case.objects.filter(received_date__gt=scale_end - dt.timedelta(days=DAYS * (PERIODS + 1)),
                                  received_date__lte=scale_end).count()
    from xinfang.search.models import SearchDocument

    new.hot_topics_for(user=leader, days=DAYS, limit=LIMIT, periods=PERIODS, today=scale_end)   # loads jieba
    for name, finder, cold in (("old", old.hot_topics_for, False), ("new, first call", new.hot_topics_for, True),
                               ("new, again", new.hot_topics_for, False), ("texts read, first call", None, True),
                               ("texts read, again", None, False)):
        if finder is None:
            # Documents indexed before the topic features were stored (NULL): the texts are read.
            SearchDocument.objects.filter(topic_words__isnull=False).update(topic_places=None, topic_words=None)
            finder = new.hot_topics_for
        times = []
        for _ in range(5):
            if cold:
                new.topics_cache_clear()
            t0 = time.perf_counter()
            finder(user=leader, days=DAYS, limit=LIMIT, periods=PERIODS, today=scale_end)
            times.append(time.perf_counter() - t0)
        print(f"  {name}: {scanned} cases in the 120 days (read at most {new.HOT_MAX_CASES}): "
              f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over 5 calls")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=int, default=20000)
    parser.add_argument("--show", default="2019-07-31,2019-08-31,2019-12-31",
                        help="window ends whose top topics are printed (comma-separated dates, or 'all')")
    args = parser.parse_args()
    from _harness import database_url

    os.environ["DATABASE_URL"] = database_url(args.db, "xf_topics_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    import django

    django.setup()
    print(f"$ python {' '.join(sys.argv)}")
    rows = messages()
    rng = random.Random(7)
    scale_end = dt.date(2021, 4, 30)
    copies = [(rows[rng.randrange(len(rows))], scale_end - dt.timedelta(days=rng.randrange(DAYS * (PERIODS + 1))))
              for _ in range(args.scale)]
    t0 = time.time()
    pk_to_row, leader = load(rows, copies)
    print(f"{len(rows)} dated messages + {len(copies)} copies for timing loaded into {args.db} "
          f"by bulk insert in {time.time() - t0:.0f} s; "
          f"messages with a district code {sum(bool(r['district']) for r in rows)}")
    show = set(WINDOW_ENDS) if args.show == "all" else {dt.date.fromisoformat(d) for d in args.show.split(",") if d}
    evaluate(rows, pk_to_row, leader, show)
    print(f"\nTiming, a leader (whole scope), {args.db}:")
    timing(leader, scale_end)


if __name__ == "__main__":
    main()
