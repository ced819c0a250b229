"""Same-matter detection on messages about the same place and topic (not resubmissions):
how many such pairs the check shows, how precise it is, and whether place and time help.

    .venv/bin/python bench/samematter_places.py

Data: the 7,142 messages of messages_with_votes.csv and messages_with_replies.csv
(../shared/data/teddy2020), each with its 留言时间.

The pairs ("same place and topic"), built by rule since the data carries no such label:
- place: names found by jieba's part-of-speech cut in the title and the first 120
  characters of the message, a word ending in 小区 / 花园 / 家园 / 苑 / 广场 / 社区 / 街道 /
  村 / 镇 / 路 / 街 / 大道 / 学校 / 医院 … joined with up to two noun words before it
  (金鼎村, 黄兴路步行街, 青青家园小区). The anonymised codes (A市, A2区, K3县) are dropped
  first. A place counts only if it has at least 4 characters, is not a generic word
  (马路, 本小区 …) and is named by at most 1 % of the messages.
- topic: the 8 key words of title + message by TF-IDF (jieba's IDF table), without the
  words of the place names, the generic words the hot-topics grouping drops and the
  anonymised codes; two messages are on the same topic when they share at least 2.
- a pair: two messages naming the same place and on the same topic. Pairs that are the
  same message submitted again (same title or same text) are counted apart: they are the
  resubmission set of bench/samematter.py --quality.

Limits of the rule: the place finder misses names without a suffix (一米阳光婚纱摄影, 地铁3号
线) and sometimes takes a word too many (面改变麓谷明珠小区 → 明珠小区), and key words shared
by chance (停车, 收费) make some pairs of the same place not the same matter. A sample of
pairs is printed so a reader can judge.

What is measured, for every message with at least one such partner (the check run for it
as a registrar's check is: LSH candidates, then exact Jaccard of character bigrams):
- the product: shown when Jaccard ≥ threshold. Recall = place-topic pairs shown / all;
  precision = shown that are a place-topic pair or a resubmission / all shown.
- ranking: among the messages whose check shows a right candidate at all, how often the
  first shown is right when ordered by similarity alone and by the product's score
  (similarity + 0.1 for the same place + up to 0.1 for closeness in time, 180 days).
- the product's place path (selectors.cases_same_matter): candidates also taken from the
  open cases naming a place that the product's finder (named_places.named_places_of_matter)
  reads in both, received within SAME_PLACE_DAYS, shown from the lower SAME_PLACE_MIN; its
  recall and precision at several such thresholds.
"""
import datetime as dt
import logging
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SUFFIXES = ("小区", "花园", "花苑", "家园", "公寓", "大厦", "广场", "新村", "新城", "社区", "街道", "大道", "中学",
            "小学", "幼儿园", "医院", "市场", "公园", "学院", "大学", "学校", "村", "路", "街", "镇", "乡", "苑", "城")
GENERIC = set(re.findall(r"\S+", """马路 道路 公路 小区 社区 农村 乡村 城乡 城市 老小区 新小区 本小区 该小区 我们小区 公园 医院 学校 大学 市场
城镇 乡镇 街道 全市 县城 省城 进城 高速公路 出路 走路 修路 铁路 水路 网路 线路 思路 电路 门路 环路 老城 新城 主城 城区
附近小区 周边小区 居民小区 商品房小区 安置小区 整个小区 小区业主 老旧小区 各小区 有关街道 所在街道 所在社区 当地村
"""))
NOUNISH = ("n", "ns", "nr", "nz", "nt", "eng", "j", "l")
CODE = re.compile(r"[A-Za-z]\d*[市区县]")
DAYS = 180


def places_of(title: str, content: str) -> set[str]:
    import jieba.posseg as pseg

    text = CODE.sub("，", f"{title}，{content[:120]}")
    toks = list(pseg.cut(text))
    out = set()
    for i, (word, _flag) in enumerate(toks):
        suffix = next((s for s in SUFFIXES if word.endswith(s)), None)
        if suffix is None:
            continue
        name, j = word, i - 1
        while j >= 0 and i - j <= 2 and len(name) < 10 and toks[j].flag in NOUNISH and len(toks[j].word) >= 2:
            name = toks[j].word + name
            j -= 1
        if len(name) - len(suffix) >= 2 and len(name) >= 4 and name not in GENERIC \
                and re.fullmatch(r"[\u4e00-\u9fa5A-Za-z0-9]+", name):
            out.add(name)
    return out


def load_messages() -> list[dict]:
    from search_corpus import corpus_rows

    rows = []
    for name in ("messages_with_votes.csv", "messages_with_replies.csv"):
        for r in corpus_rows(name):
            m = re.match(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", r["留言时间"].strip())
            when = dt.date(*map(int, m.groups())) if m else None
            rows.append({"title": r["留言主题"].strip(), "content": "".join(r["留言详情"].split()), "when": when})
    return rows


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    import django

    django.setup()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    from xinfang.search import text as t
    from xinfang.search.selectors import SAME_MATTER_MIN
    from xinfang.search.topics import TOPIC_STOP

    started = time.time()
    rows = load_messages()
    n = len(rows)
    places = [places_of(r["title"], r["content"]) for r in rows]
    named = Counter(p for ps in places for p in ps)
    places = [{p for p in ps if named[p] <= 0.01 * n} for ps in places]
    place_chars = [set("".join(ps)) for ps in places]
    topics = []
    for r, ps in zip(rows, places):
        words = []
        for w in t.keywords(CODE.sub("，", t.matter_text(r["title"], r["content"])), k=16):
            if w in TOPIC_STOP or any(w in p for p in ps) or CODE.fullmatch(w) or re.search(r"[a-z]\d", w):
                continue
            words.append(w)
        topics.append(set(words[:8]))
    del place_chars
    print(f"$ python {' '.join(sys.argv)}")
    print(f"{n} messages; places found in {sum(bool(p) for p in places)}; prepared in {time.time() - started:.0f} s")

    # Resubmissions: same title or same text (as bench/samematter.py).
    first_by, resub = {}, defaultdict(set)
    for i, r in enumerate(rows):
        for key in (("t", r["title"]), ("c", r["content"])):
            if key in first_by:
                j = first_by[key]
                for a in resub[j] | {j}:
                    resub[a].add(i)
                    resub[i].add(a)
            else:
                first_by[key] = i
    by_place = defaultdict(set)
    for i, ps in enumerate(places):
        for p in ps:
            by_place[p].add(i)
    partners = defaultdict(set)
    for members in by_place.values():
        for i in members:
            for j in members:
                if i != j and j not in resub[i] and len(topics[i] & topics[j]) >= 2:
                    partners[i].add(j)
    pairs = sum(len(v) for v in partners.values())
    print(f"place-topic pairs (not resubmissions): {pairs} ordered pairs, {len(partners)} messages with a partner")
    rng = random.Random(5)
    print("a sample of pairs (title ‖ title · shared place · shared words):")
    for i in rng.sample(sorted(partners), min(8, len(partners))):
        j = rng.choice(sorted(partners[i]))
        print(f"  {rows[i]['title'][:30]} ‖ {rows[j]['title'][:30]} · {'/'.join(sorted(places[i] & places[j]))}"
              f" · {'/'.join(sorted(topics[i] & topics[j]))}")

    shingles = [t.shingles(t.matter_text(r["title"], r["content"])) for r in rows]
    keys = [t.lsh_keys(t.minhash(sh)) for sh in shingles]
    buckets = defaultdict(set)
    for i, ks in enumerate(keys):
        for k in ks:
            buckets[k].add(i)
    queries = sorted(partners)
    sims = [t.jaccard(shingles[i], shingles[j]) for i in queries for j in partners[i]]
    sims.sort()
    print("Jaccard of character bigrams over the place-topic pairs: "
          + ", ".join(f"p{p} {sims[int(p / 100 * (len(sims) - 1))]:.2f}" for p in (10, 25, 50, 75, 90, 99)))
    days = sorted(abs((rows[i]["when"] - rows[j]["when"]).days) for i in queries for j in partners[i]
                  if rows[i]["when"] and rows[j]["when"])
    print(f"days apart: median {days[len(days) // 2]}, within {DAYS} days {sum(d <= DAYS for d in days) / len(days):.0%}")

    def score(i, j, sim):
        same_place = bool(places[i] & places[j])
        d = abs((rows[i]["when"] - rows[j]["when"]).days) if rows[i]["when"] and rows[j]["when"] else DAYS
        return sim + (0.1 if same_place else 0.0) + 0.1 * max(0.0, 1 - d / DAYS)

    print("\nthe product's check (LSH candidates, Jaccard ≥ threshold), on the messages with a place-topic partner:")
    print("threshold  precision  recall   shown   first-shown right: by similarity / by score (of n)")
    lsh_cands = {i: set().union(*(buckets[k] for k in keys[i])) - {i} for i in queries}
    for threshold in (0.1, 0.2, 0.3, 0.4, 0.5):
        shown = right = found = wanted = 0
        first_sim = first_score = ranked = 0
        for i in queries:
            hits = [(j, t.jaccard(shingles[i], shingles[j])) for j in lsh_cands[i]]
            hits = [(j, s) for j, s in hits if s >= threshold]
            good = partners[i] | resub[i]
            shown += len(hits)
            right += sum(j in good for j, _ in hits)
            found += sum(j in partners[i] for j, _ in hits)
            wanted += len(partners[i])
            if any(j in partners[i] for j, _ in hits):
                ranked += 1
                first_sim += max(hits, key=lambda h: (h[1], -h[0]))[0] in good
                first_score += max(hits, key=lambda h: (score(i, h[0], h[1]), -h[0]))[0] in good
        mark = "  ← product" if abs(threshold - SAME_MATTER_MIN) < 1e-9 else ""
        print(f"   {threshold:.1f}      {right / max(shown, 1):6.1%}   {found / max(wanted, 1):6.1%}  {shown:6d}"
              f"   {first_sim}/{ranked} / {first_score}/{ranked}{mark}")

    # The product's place path (selectors.cases_same_matter): the named places its own finder
    # (named_places.named_places_of_matter) reads in each message, not this bench's rule.
    from xinfang.search.named_places import named_places_of_matter
    from xinfang.search.selectors import SAME_PLACE_DAYS, SAME_PLACE_MIN

    product_places = [set(named_places_of_matter(title=r["title"], content=r["content"])) for r in rows]
    by_product_place = defaultdict(set)
    for i, ps in enumerate(product_places):
        for p in ps:
            by_product_place[p].add(i)
    print(f"\nwith the product's place path (a place its finder reads in both, within {SAME_PLACE_DAYS} days, "
          "added to the LSH candidates):")
    print(f"places found in {sum(bool(p) for p in product_places)} messages by the product's finder")
    print("threshold at the same place  precision  recall   shown  (elsewhere: the product's threshold)")
    for low in (0.05, 0.1, 0.12, 0.15, 0.2, 0.3):
        shown = right = found = wanted = 0
        for i in queries:
            near = {j for p in product_places[i] for j in by_product_place[p] if j != i and rows[i]["when"]
                    and rows[j]["when"] and abs((rows[i]["when"] - rows[j]["when"]).days) <= SAME_PLACE_DAYS}
            hits = set()
            for j in lsh_cands[i] | near:
                s = t.jaccard(shingles[i], shingles[j])
                if s >= SAME_MATTER_MIN or (j in near and s >= low):
                    hits.add(j)
            good = partners[i] | resub[i]
            shown += len(hits)
            right += len(hits & good)
            found += len(hits & partners[i])
            wanted += len(partners[i])
        mark = "  ← product" if abs(low - SAME_PLACE_MIN) < 1e-9 else ""
        print(f"   {low:.2f}                      {right / max(shown, 1):6.1%}   {found / max(wanted, 1):6.1%}  "
              f"{shown:6d}{mark}")
    print(f"\n({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
