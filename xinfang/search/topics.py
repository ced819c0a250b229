"""Hot topics: what many recent cases in the user's scope are about, at one place — for
the leader's dashboard, the statistics page and the search app's hot-topics page.

A topic is a place and the subject words its cases share:
- the place is, first, a named place the case's text gives (an estate, road, village,
  school, hospital, market …: 魅力之城, 丽发新城, 汇金路), found by the names' own endings
  (小区, 花园, 苑, 路, 村, 学校 …) in the title and the beginning of the account. A named place
  counts only when at least two recent cases name it. Otherwise the place is the case's
  place unit (发生地, a district, street or community of the unit tree), or none.
- the subject is a word among each case's key words (TF-IDF over the case's stored
  segmentation: title words weigh more than words of the account), the words of place
  names left out; words that mostly describe the same cases join one topic (停车 beside
  停车费), and groups that mostly hold the same cases are one topic.
- size: the cases received in the last `days` days; growth: against the average of the
  `periods` periods of the same length before, counted the same way (same place, same
  subject word). `distinct` says how many of the cases are not near-copies of another
  (character-bigram Jaccard of the titles, text.jaccard): a matter resubmitted many times
  is one matter, many times.

Matter-centred: what is read and shown is the matter (title, account, place, dates), never
who petitioned: no grouping by petitioner, no names. Every read starts from the caller's
data scope (core.selectors.cases_visible_to): a case outside it is never counted.

The work is bounded: at most HOT_MAX_CASES cases are read (the newest first), and no text
is segmented again — the words are those search_index_case stored (SearchDocument).
"""
from __future__ import annotations

import datetime as dt
import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Substr

from xinfang.core import clock
from xinfang.core.errors import NotFound
from xinfang.core.models import Case
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import Unit, User

from . import text as t
from .named_places import (
    MATTER_PLACE_CHARS,
    jieba_words_and_tags,
    named_places_cache_clear,
    named_places_in,
    named_places_of_matter,
    places_canonical,
)
from .selectors import _int_arg

# _int_arg: the search app's one check of a numeric argument (ValidationFailed with the field).

HOT_MAX_CASES = 20000
DAYS_MAX = 366
PERIODS_MAX = 12
LIMIT_MAX = 50
# What is read of each case: the title, and the beginning of the account (where residents
# say where; read as characters for the place names, as stored words for the subject).
CONTENT_CHARS = MATTER_PLACE_CHARS
BODY_SEG_CHARS = 240
KEY_WORDS = 6
TITLE_WEIGHT = 3
# A topic holds at least this many recent cases.
MIN_SIZE = 2
# A word more than this share of the recent cases have, at this many places or more, is no
# subject at a unit or nowhere.
GENERAL_SHARE = 0.04
GENERAL_PLACES = 5
# Titles this alike (character bigrams) are near-copies of one matter (text.jaccard).
NEAR_COPY = 0.6

# Words that say nothing about which matter it is.
_STOP_WORDS = """
问题 反映 关于 建议 咨询 投诉 举报 请求 希望 要求 情况 处理 解决 相关 部门 政府 领导 我们 你们 他们 市民 群众
居民 业主 现在 目前 一直 已经 没有 什么 怎么 为什么 如何 是否 可以 不能 能否 还是 以及 进行 存在 严重 影响
请问 恳请 强烈 一个 这个 那个 一些 有关 工作 单位 地方 时间 问政 留言 网友 您好 谢谢 感谢 市长 书记 尊敬
领导 你好 小区 社区 街道 附近 周边 旁边 多次 至今 望 帮助 重视 落实 导致 造成 部分 今年 去年 每天 长期
我家 本人 家里 家人 自己 东路 西路 南路 北路 中路 县市
纠纷 矛盾 争执 承办 涉及 切身 利益 办理 答复 协调 督促 整改 依法 及时 有效 群众利益
"""
TOPIC_STOP = frozenset(_STOP_WORDS.split())
# Common surnames: a word the dictionary does not know that starts with one is likely a
# person's name (王建国), and persons are never a topic (信访工作条例 Art. 46: petitioners'
# identities are protected).
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
                      "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

# --- key words from the stored segmentation ---------------------------------------------

_idf_table = None


def _idf() -> tuple[dict, float]:
    global _idf_table
    if _idf_table is None:
        t._segmenter()
        import jieba.analyse

        table = jieba.analyse.default_tfidf
        _idf_table = (table.idf_freq, table.median_idf)
    return _idf_table


_CODE_WORD = re.compile(r"[0-9a-z]+[市区县]?|[0-9a-z]{1,3}\S?")
_DIVISION_CHARS = "市区县省"
_word_weights: dict[str, float] = {}


def _word_weight(word: str) -> float:
    """The word's IDF when it can say what a matter is about, else 0 (kept per process:
    the same few thousand words recur in every case)."""
    weight = _word_weights.get(word)
    if weight is None:
        idf, median = _idf()
        freq, tags = jieba_words_and_tags()
        if len(word) < 2 or word in TOPIC_STOP or _CODE_WORD.fullmatch(word) \
                or (word[0] in _DIVISION_CHARS and not freq.get(word)) or _maybe_person(word, freq, tags):
            # 市伊, 县星沙: a division code's word run into a name (A市伊景园), no word.
            weight = 0.0
        else:
            weight = idf.get(word, median)
        if len(_word_weights) < 200_000:
            _word_weights[word] = weight
    return weight


def _maybe_person(word: str, freq: dict, tags: dict) -> bool:
    """A person's name by the dictionary's tag (nr), or a word it does not know that starts
    with a common surname (王小明): left out, whatever it is."""
    return tags.get(word, "").startswith("nr") or (len(word) <= 4 and word[0] in _SURNAMES and not freq.get(word))


def _key_words(title_seg: str, body_seg: str, skip: frozenset[str], names: list[str], k: int = KEY_WORDS) -> list[str]:
    """The case's k words by TF-IDF (title words count TITLE_WEIGHT times), without the
    words of place names, nor the middle of a longer word (作人 of 工作人员: a search sub-word)."""
    score: dict[str, float] = {}
    long_words = set()
    weights = _word_weights
    for weight, seg in ((TITLE_WEIGHT, title_seg), (1, body_seg)):
        for w, n in Counter(seg.split()).items():
            idf = weights.get(w)
            if idf is None:
                idf = _word_weight(w)
            if idf and w not in skip:
                score[w] = score.get(w, 0.0) + n * weight * idf
                if len(w) >= 4:
                    long_words.add(w)
    out = []
    for w in heapq.nsmallest(k * 3, score, key=lambda w: (-score[w], w)):
        if any(w in n for n in names) or any(w in lw[1:-1] for lw in long_words):
            continue
        out.append(w)
        if len(out) == k:
            break
    return out


# Key words stored per case: more than a topic reads, so that the words of the unit tree's
# place names (dropped when the topics are read: the tree may change) rarely leave too few.
STORED_WORDS = 2 * KEY_WORDS


def case_topic_features(*, title: str, content: str, title_seg: str, body_seg: str) -> tuple[list[str], list[str]]:
    """What hot topics read of a case, computed once when it is indexed (search_index_case
    stores it on the search document): its named places, and its STORED_WORDS key words from
    the title and the beginning of the account — the same text a topic read takes."""
    names = named_places_of_matter(title=title, content=content)
    head = body_seg[:BODY_SEG_CHARS]
    if len(body_seg) > BODY_SEG_CHARS:
        head = head.rsplit(" ", 1)[0]   # the last word of the cut may be cut too
    return names, _key_words(title_seg, head, frozenset(), names, k=STORED_WORDS)


def _unit_words() -> frozenset[str]:
    """The words of the unit tree's place names (示范, 东山 …): a place, not a subject."""
    names = Unit.objects.values_list("name", flat=True)
    return frozenset(w for name in names for w in t.tokens_for_index(name) if len(w) >= 2)


# --- the topics -------------------------------------------------------------------------

@dataclass
class HotTopic:
    words: list[str]
    place: str                 # the named place, else the place unit's name, else ""
    size: int                  # cases in the recent period
    previous: float            # cases per period before it (average)
    growth: float | None       # (size - previous) / previous; None when new
    cases: list[Case]          # a few of them, newest first
    place_kind: str = ""       # "named": found in the texts; "unit": the cases' 发生地; "": none
    place_unit: str = ""       # the 发生地 most of its cases have (for a named place: where it lies)
    place_unit_id: int | None = None   # that unit (a dashboard's unit filter reads it)
    unit_ids: list[int] = field(default_factory=list)   # the 发生地 of its cases (scope filters)
    case_ids: list[int] = field(default_factory=list)   # all its recent cases, newest first
    distinct: int = 0          # of `size`, how many are not near-copies of another
    key: str = ""              # names the topic for hot_topic_cases (same window, same data → same key)

    @property
    def label(self) -> str:
        return "·".join(self.words)

    @property
    def growth_percent(self) -> int | None:
        return None if self.growth is None else round(self.growth * 100)


@dataclass
class _Row:
    pk: int
    received: dt.date
    unit: int | None
    title: str
    text: str                  # title and the beginning of the account (place names are read here)
    title_seg: str
    body_seg: str
    names: list[str] = field(default_factory=list)
    words: list[str] | None = None
    place: tuple = ("u", None)
    stored_words: list[str] | None = None   # the key words stored at indexing, if any


# What residents bring: petitions and the disputes they report. Hazards are found by
# inspectors and emergencies are events: neither is a matter the public raises.
KINDS = ("petition", "dispute")


def _rows(user: User, earliest: dt.date, today: dt.date) -> list[_Row]:
    """The recent cases, newest first, with what was stored of them at indexing. A document
    indexed before those were stored (search migration 0005, until `xinfang search reindex`)
    has its texts read instead, and is read as before."""
    qs = (cases_visible_to(user=user).filter(kind__in=KINDS, received_date__gte=earliest, received_date__lte=today)
          .order_by("-received_date", "-id")
          .values_list("pk", "received_date", "place_unit_id", "title", "search_document__topic_places",
                       "search_document__topic_words")[:HOT_MAX_CASES])
    rows, unread = [], {}
    for pk, received, unit, title, places, words in qs:
        r = _Row(pk=pk, received=received, unit=unit, title=title, text=title, title_seg="", body_seg="")
        if places is None or words is None:
            unread[pk] = r
        else:
            r.names = places.split("\n") if places else []
            r.text = "\n".join([title, *r.names])
            r.stored_words = words.split()
        rows.append(r)
    ids = list(unread)
    for i in range(0, len(ids), 500):
        texts = (Case.objects.filter(pk__in=ids[i:i + 500])
                 .annotate(head=Substr("content", 1, CONTENT_CHARS),
                           body_head=Substr("search_document__body_seg", 1, BODY_SEG_CHARS))
                 .values_list("pk", "head", "search_document__title_seg", "body_head"))
        for pk, head, title_seg, body_head in texts:
            r = unread[pk]
            # The last word of the cut segmentation may be cut too.
            r.text, r.title_seg, r.body_seg = f"{r.title}\n{head or ''}", title_seg or "", \
                (body_head or "").rsplit(" ", 1)[0]
    return rows


# What a case's texts give (its named places and key words), kept per process: a case's
# title and account are fixed at registration, and a dashboard asks again and again.
_CASE_CACHE_MAX = 200_000
_case_cache: dict[tuple, tuple[list[str], list[str]]] = {}


def topics_cache_clear() -> None:
    """Forget what was read of the cases' texts (for measuring a first call)."""
    _case_cache.clear()
    named_places_cache_clear()
    _word_weights.clear()


def _read_case(r: _Row, unit_words: frozenset[str]) -> None:
    if r.stored_words is not None:
        r.words = [w for w in r.stored_words if w not in unit_words][:KEY_WORDS]
        return
    key = (r.pk, hash(r.text), hash(r.title_seg), hash(r.body_seg), hash(unit_words))
    got = _case_cache.get(key)
    if got is None:
        names = named_places_in(r.text)
        got = (names, _key_words(r.title_seg, r.body_seg, unit_words, names))
        if len(_case_cache) >= _CASE_CACHE_MAX:
            _case_cache.clear()
        _case_cache[key] = got
    r.names, r.words = list(got[0]), list(got[1])


def _recent_places(rows: list[_Row], unit_words: frozenset[str]) -> None:
    """Each recent case's place — its first named place that another recent case names too,
    else its unit — and its key words."""
    for r in rows:
        _read_case(r, unit_words)
    canonical = places_canonical(Counter(n for r in rows for n in r.names))
    named = Counter()
    for r in rows:
        r.names = list(dict.fromkeys(canonical[n] for n in r.names))
        named.update(r.names)
    for r in rows:
        name = next((n for n in r.names if named[n] >= MIN_SIZE), None)
        r.place = ("n", name) if name else ("u", r.unit)


def _earlier_counts(rows: list[_Row], topics: list[dict], unit_words: frozenset[str]) -> Counter:
    """How many earlier cases each topic had: at its place (naming the named place, or with
    its unit and naming none of the topics' named places) with its first word among their
    key words. Only the cases that can count are read closely."""
    named = [tp["place"][1] for tp in topics if tp["place"][0] == "n"]
    wanted: dict[tuple, set[str]] = defaultdict(set)
    for tp in topics:
        wanted[tp["place"]].add(tp["key"][1])
    out: Counter = Counter()
    for r in rows:
        here = [("n", n) for n in named if n in r.text] or [("u", r.unit)]
        for place in here:
            words = wanted.get(place)
            if not words or (r.stored_words is None
                             and not any(w in r.title_seg or w in r.body_seg for w in words)):
                continue
            if r.words is None:
                _read_case(r, unit_words)
            for w in words & set(r.words):
                out[(place, w)] += 1
    return out


def _shown_words(words: list[str]) -> list[str]:
    """A topic's words without those inside another of them (公积 beside 公积金)."""
    return [w for w in words if not any(w != o and w in o for o in words)]


def _distinct(titles: list[str]) -> int:
    """How many of the titles are not a near-copy of an earlier one."""
    kept: list[set] = []
    for title in titles:
        sh = t.shingles(title)
        if not any(t.jaccard(sh, k) >= NEAR_COPY for k in kept):
            kept.append(sh)
    return len(kept)


def _key_of(place: tuple, word: str) -> str:
    kind, value = place
    return f"{kind}:{'' if value is None else value}:{word}"


def hot_topics_for(*, user: User, days: int = 30, limit: int = 10, periods: int = 3,
                   today: dt.date | None = None) -> list[HotTopic]:
    """Subjects many recent cases share at one place: the cases received in the last `days`
    days in the user's scope, grouped by place (a named place in the text, else the place
    unit) and key word, similar groups merged, largest first, with their growth over the
    average of the `periods` periods before. Nothing here is about persons."""
    days = _int_arg(days, name="days", label="统计天数", low=1, high=DAYS_MAX, default=30)
    limit = _int_arg(limit, name="limit", label="条数", low=1, high=LIMIT_MAX, default=10)
    periods = _int_arg(periods, name="periods", label="对比期数", low=1, high=PERIODS_MAX, default=3)
    today = today or clock.today()
    start = today - dt.timedelta(days=days - 1)
    rows = _rows(user, start - dt.timedelta(days=days * periods), today)
    recent = [r for r in rows if r.received >= start]
    unit_words = _unit_words()
    _recent_places(recent, unit_words)

    current: dict[tuple, list[int]] = defaultdict(list)    # (place, word) → recent case ids, newest first
    share, spread = Counter(), defaultdict(set)
    for r in recent:
        share.update(r.words)
        for w in r.words:
            current[(r.place, w)].append(r.pk)
            spread[w].add(r.place)
    # A word many recent cases at many places have says nothing of a matter at a unit or
    # nowhere (加快, 办理); at a named place it is that place's matter.
    general = {w for w, n in share.items() if n > GENERAL_SHARE * len(recent) and len(spread[w]) >= GENERAL_PLACES}
    idf, median = _idf()
    groups = sorted(((k, v) for k, v in current.items()
                     if len(v) >= MIN_SIZE and (k[0][0] == "n" or k[1] not in general)),
                    key=lambda kv: (-len(kv[1]), kv[0][0] != "n", -idf.get(kv[0][1], median), kv[0][1]))
    topics: list[dict] = []
    by_place: dict[tuple, list[dict]] = defaultdict(list)
    for (place, word), ids in groups:
        members = set(ids)
        home = next((tp for tp in by_place[place] if len(members & tp["set"]) >= 0.5 * len(members)), None)
        if home is not None:
            # Mostly the same cases: a word of that topic (停车 beside 停车费), not a topic of its own.
            if len(home["words"]) < 4 and len(members & home["set"]) >= 0.8 * len(home["set"]):
                home["words"].append(word)
            continue
        if len(topics) < limit:
            tp = {"place": place, "words": [word], "ids": ids, "set": members, "key": (place, word)}
            topics.append(tp)
            by_place[place].append(tp)
    before = _earlier_counts([r for r in rows if r.received < start], topics, unit_words)

    by_pk = {r.pk: r for r in rows}
    unit_ids = {r.unit for tp in topics for i in tp["ids"] for r in [by_pk[i]] if r.unit}
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    samples = {i for tp in topics for i in tp["ids"][:3]}
    cases = {c.pk: c for c in Case.objects.filter(pk__in=samples).select_related("owner_unit")}
    out = []
    for tp in topics:
        kind, value = tp["place"]
        size = len(tp["ids"])
        previous = before[tp["key"]] / periods
        in_units = Counter(by_pk[i].unit for i in tp["ids"] if by_pk[i].unit)
        common_id = in_units.most_common(1)[0][0] if in_units else None
        out.append(HotTopic(
            words=_shown_words(tp["words"])[:3], size=size, previous=previous,
            growth=(size - previous) / previous if previous else None,
            place=value if kind == "n" else units.get(value, ""),
            place_kind="named" if kind == "n" else ("unit" if value else ""),
            place_unit=units.get(common_id, ""), place_unit_id=common_id, unit_ids=sorted(in_units), case_ids=list(tp["ids"]),
            distinct=_distinct([by_pk[i].title for i in tp["ids"]]),
            cases=[cases[i] for i in tp["ids"][:3] if i in cases], key=_key_of(*tp["key"])))
    return out


def hot_topic_get(*, user: User, key: str, days: int = 30, periods: int = 3, today: dt.date | None = None) -> HotTopic:
    """One topic by its key, as hot_topics_for groups the same window (for the list behind a
    topic's count); NotFound when the window has no such topic (any more) for this user."""
    for tp in hot_topics_for(user=user, days=days, limit=LIMIT_MAX, periods=periods, today=today):
        if tp.key == key:
            return tp
    raise NotFound("没有该热点问题。")


def hot_topic_cases(*, user: User, key: str, days: int = 30, periods: int = 3,
                    today: dt.date | None = None) -> QuerySet[Case]:
    """The recent cases of one topic (hot_topic_get); none when the topic is not there."""
    try:
        topic = hot_topic_get(user=user, key=key, days=days, periods=periods, today=today)
    except NotFound:
        return Case.objects.none()
    return Case.objects.filter(pk__in=topic.case_ids)
