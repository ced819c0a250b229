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
from .selectors import _int_arg

# _int_arg: the search app's one check of a numeric argument (ValidationFailed with the field).

HOT_MAX_CASES = 20000
DAYS_MAX = 366
PERIODS_MAX = 12
LIMIT_MAX = 50
# What is read of each case: the title, and the beginning of the account (where residents
# say where; read as characters for the place names, as stored words for the subject).
CONTENT_CHARS = 160
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

# --- named places in a text -------------------------------------------------------------

# The endings of names residents give to the places of a matter, longest first. 街道,
# 社区, 镇, 乡 are units of the tree (places.py finds those); 府, 庭, 里 end too many common
# words (政府, 家庭, 这里) to be told apart from names without a dictionary.
PLACE_ENDINGS = ("幼儿园", "小区", "花园", "花苑", "家园", "公寓", "大厦", "广场", "新村", "新城", "大道", "中学", "小学",
                 "医院", "市场", "公园", "学院", "大学", "学校", "村", "路", "街", "巷", "苑", "城", "园", "湾")
# Words with a place ending that name no one place.
_GENERIC_PLACE_WORDS = """
马路 道路 公路 铁路 高速公路 出路 走路 修路 水路 网路 线路 思路 电路 门路 环路 老城 新城 主城 城区 县城 省城 进城
农村 乡村 城乡 城市 全城 新农村 配套幼儿园 普惠性幼儿园 普惠幼儿园 公办幼儿园 民办幼儿园 公立幼儿园 私立幼儿园 配套学校 配套小学
十字路 断头路 水泥路 快速路 必经之路 线路 住宅小区 商品房 居民区 城区 公园 医院 学校 大学 市场 幼儿园 花园 家园 校园 菜园 果园 产业园 工业园 科技园 园区
老小区 新小区 本小区 该小区 我们小区 附近小区 周边小区 居民小区 商品房小区 安置小区 整个小区 老旧小区 各小区 周边学校
步行街 大街 小街 街巷 小巷 背街小巷 人民医院 中心医院 中医院 民办学校 公办学校 小学 中学 初中 高中 商城 农贸市场 菜市场
"""
GENERIC_PLACES = frozenset(_GENERIC_PLACE_WORDS.split())
# 街 of 街道 and 村 of 村委会 end a unit's name, which places.py finds in the unit tree; 城 of
# 城市 ends no name.
_ENDING_RE = re.compile("(?:" + "|".join(PLACE_ENDINGS) + ")(?!道|委|民委|(?<=城)市)")
# A name ending with one of these is a kind of place, not a place (过马路, 公交线路, 住宅小区).
_GENERIC_LONGEST = max(len(g) for g in GENERIC_PLACES)
_ROAD_ENDINGS = ("路", "街", "巷", "大道")
# The public data's anonymised codes (A市, A3区, K9县) and the 省 / 市 / 县 / 镇 / 乡 of a
# division's name end a name: what comes after them starts one (but 市场, 乡村 are words).
_DIVISION_RE = re.compile(r"[a-z]\d{0,2}[市区县]|[省县](?=[\u4e00-\u9fff])|(?<!城)市(?![场民政委长级属容貌值])|[镇乡](?![村镇民亲下])")
# Full-width letters and digits (Ａ３区): only these need NFKC (slow) before the codes are read.
_WIDE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_NOT_NAME = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
# Where a name cannot run across: words that introduce or follow a place in an account.
_BOUNDARY = re.compile(
    "反映|关于|投诉|举报|咨询|建议|请求|要求|希望|请问|解决|附近|周边|旁边|门口|对面|楼下|隔壁|小区|社区|街道|位于|地处|"
    "我们|我家|住在|居住|业主|居民|网友|问题|请|的|在|是|了|对|从|到|向|给|把|被|将|及|或|与|和|由|为|因|至|等|我|你|他|她")
# jieba's part-of-speech tags of words that are not part of a name: verbs, prepositions,
# adverbs, pronouns, conjunctions, numerals, measure and direction words of two characters
# or more (改变麓谷明珠小区 → 麓谷明珠小区, 影响小区 → no name); of the particles only the
# grammar's (的, 了): 之 is part of names (魅力之城).
_NOT_IN_NAME_TAGS = ("v", "p", "d", "r", "c", "m", "q", "f")
_NOT_IN_NAME_PARTICLES = frozenset("的了着过地得")
# A numeral word that counts or points (很多, 一些, 这条); 万家 of 万家丽路 is tagged a numeral
# too, and is a name.
_COUNTING = re.compile("[一二三四五六七八九十几多些某每两各这那该本此]")
_STEM_MIN, _STEM_MAX = 2, 8
_LONGEST_WORD = 4
_dictionary = None


def _words_and_tags() -> tuple[dict, dict]:
    """jieba's word frequencies and part-of-speech tags (loaded once with the segmenter)."""
    global _dictionary
    if _dictionary is None:
        t._segmenter()
        import jieba
        import jieba.posseg

        _dictionary = (jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab)
    return _dictionary


def _name_start(stem: str) -> int:
    """Where the name begins in `stem`: after the last word that cannot be part of a name,
    the words taken by forward maximum matching on jieba's dictionary."""
    freq, tags = _words_and_tags()
    cut, i = 0, 0
    while i < len(stem):
        j = next((j for j in range(min(len(stem), i + _LONGEST_WORD), i + 1, -1) if freq.get(stem[i:j])), i + 1)
        word = stem[i:j]
        tag = tags.get(word, "")
        # One character says too little (发 of 丽发新城 is a verb too): only words of two or more.
        if word in _NOT_IN_NAME_PARTICLES or (len(word) >= 2 and tag.startswith(_NOT_IN_NAME_TAGS)
                                              and (tag[0] != "m" or _COUNTING.search(word))):
            cut = j
        i = j
    return cut


_names_seen: dict[tuple[str, str], str] = {}


def _name_at(run: str, end: int, ending: str, begin: int = 0) -> str:
    """The name ending at run[:end] with `ending`: its beginning cut at the last boundary word
    and after the last word that cannot be part of a name; "" when no name is left."""
    start = max(begin, end - len(ending) - _STEM_MAX)
    window = run[start:end - len(ending)]
    name = _names_seen.get((window, ending))
    if name is None:
        name = _name_in(window, ending)
        if len(_names_seen) < 200_000:
            _names_seen[(window, ending)] = name
    return name


def _name_in(window: str, ending: str) -> str:
    cut = 0
    for m in _BOUNDARY.finditer(window):
        cut = m.end()
    stem = window[cut:]
    stem = stem[_name_start(stem):]
    name = stem + ending
    if len(stem) < _STEM_MIN or stem.isdigit() \
            or any(name[-k:] in GENERIC_PLACES for k in range(len(ending) + 1, min(len(name), _GENERIC_LONGEST) + 1)):
        return ""
    return name


def named_places_in(text: str) -> list[str]:
    """The names of estates, roads, villages, schools … the text gives, in order, each once.
    A compound name is its first part (伊景园滨河苑 → 伊景园, 丽发新城小区 → 丽发新城): the
    estate, not its phase or the word 小区. Generic words (马路, 老旧小区) are not names."""
    text = _DIVISION_RE.sub("，", t.text_normalize(text) if _WIDE.search(text) else text.lower())
    out: dict[str, None] = {}
    for run in _NOT_NAME.split(text):
        if len(run) < _STEM_MIN + 1:
            continue
        taken_to, last_end = -1, 0
        for m in _ENDING_RE.finditer(run):
            if m.start() < taken_to:
                continue
            # A name starts after the place ending before it (劳动东路魅力之城 → 劳动东路, 魅力之城).
            name = _name_at(run, m.end(), m.group(), begin=last_end)
            last_end = m.end()
            if not name:
                continue
            # The rest of a compound name (滨河苑 of 伊景园滨河苑) is the same place; after a
            # road comes what lies on it (万家丽南路丽发新城).
            nxt = _ENDING_RE.search(run, m.end())
            compound = nxt and nxt.start() - m.end() <= 3 and not name.endswith(_ROAD_ENDINGS)
            taken_to = nxt.end() if compound else m.end()
            out.setdefault(name, None)
    return list(out)


def _canonical_places(counts: Counter) -> dict[str, str]:
    """Each name to the shortest name it ends with that others give too (万科魅力之城 →
    魅力之城): one place however much of its name an account gives. Not to a tail whose
    stem is a common word (国际城 of 辉煌国际城 and 凯乐国际城): that is a kind of name."""
    freq, tags = _words_and_tags()
    out = {}
    for name in counts:
        best = name
        for i in range(1, len(name) - _STEM_MIN):
            tail = name[i:]
            if tail not in counts or len(tail) < 3:
                continue
            ending = _ENDING_RE.search(tail)
            stem = tail[:ending.start()] if ending else tail
            if not freq.get(stem) or tags.get(stem, "").startswith(("ns", "nr", "nz")):
                best = tail
        out[name] = best
    return out


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
        freq, _tags = _words_and_tags()
        _freq, tags = _words_and_tags()
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


def _key_words(title_seg: str, body_seg: str, skip: frozenset[str], names: list[str]) -> list[str]:
    """The case's KEY_WORDS words by TF-IDF (title words count TITLE_WEIGHT times), without the
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
    for w in heapq.nsmallest(KEY_WORDS * 3, score, key=lambda w: (-score[w], w)):
        if any(w in n for n in names) or any(w in lw[1:-1] for lw in long_words):
            continue
        out.append(w)
        if len(out) == KEY_WORDS:
            break
    return out


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


# What residents bring: petitions and the disputes they report. Hazards are found by
# inspectors and emergencies are events: neither is a matter the public raises.
KINDS = ("petition", "dispute")


def _rows(user: User, earliest: dt.date, today: dt.date) -> list[_Row]:
    qs = (cases_visible_to(user=user).filter(kind__in=KINDS, received_date__gte=earliest, received_date__lte=today)
          .order_by("-received_date", "-id")
          .annotate(head=Substr("content", 1, CONTENT_CHARS), body_head=Substr("search_document__body_seg", 1,
                                                                                BODY_SEG_CHARS))
          .values_list("pk", "received_date", "place_unit_id", "title", "head", "search_document__title_seg",
                       "body_head")[:HOT_MAX_CASES])
    # The last word of the cut segmentation may be cut too.
    return [_Row(pk=pk, received=received, unit=unit, title=title, text=f"{title}\n{head or ''}",
                 title_seg=title_seg or "", body_seg=(body_head or "").rsplit(" ", 1)[0])
            for pk, received, unit, title, head, title_seg, body_head in qs]


# What a case's texts give (its named places and key words), kept per process: a case's
# title and account are fixed at registration, and a dashboard asks again and again.
_CASE_CACHE_MAX = 200_000
_case_cache: dict[tuple, tuple[list[str], list[str]]] = {}


def topics_cache_clear() -> None:
    """Forget what was read of the cases' texts (for measuring a first call)."""
    _case_cache.clear()
    _names_seen.clear()
    _word_weights.clear()


def _read_case(r: _Row, unit_words: frozenset[str]) -> None:
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
    canonical = _canonical_places(Counter(n for r in rows for n in r.names))
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
            if not words or not any(w in r.title_seg or w in r.body_seg for w in words):
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
