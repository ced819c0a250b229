"""Named places in a resident's account: the estates, roads, villages, schools … a matter
happens at (丽发新城, 汇金路, 金鼎村), found by the endings such names have. Hot topics group
by them (topics.py) and the same-matter check looks up open cases naming the same place
(selectors.cases_same_matter). Units of the tree (街道, 社区, 镇) are found by intake's
places.py instead.

No dictionary of places is needed or shipped: a name is the run of characters before its
ending, cut after the last word that cannot be part of a name (jieba's dictionary and
part-of-speech tags, which ship with jieba)."""
import re
from collections import Counter

from . import text as t

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
# Nor do 城 of 城管, 城区, 城乡 (but 万达城管理处 is 万达城), 市场 of 市场监管 and 村 of 村民:
# words of offices, areas and people (岳麓区城管局, 雨花区市场监督管理局, 六个村民小组).
_ENDING_RE = re.compile("(?:" + "|".join(PLACE_ENDINGS) + ")"
                        "(?!道|委|民委|(?<=城)(?:市|区|乡|管(?!理))|(?<=市场)监|(?<=村)民)")
# A name ending with one of these is a kind of place, not a place (过马路, 公交线路, 住宅小区).
_GENERIC_LONGEST = max(len(g) for g in GENERIC_PLACES)
_ROAD_ENDINGS = ("路", "街", "巷", "大道")
# The public data's anonymised codes (A市, A3区, K9县) and the 省 / 市 / 县 / 镇 / 乡 / 区 of a
# division's name end a name: what comes after them starts one (临岳麓区富之源小区 → 富之源小区;
# but 市场, 乡村 are words, and 小区, 社区, 园区, 校区 … are places, not divisions).
_DIVISION_RE = re.compile(r"[a-z]\d{0,2}[市区县]|[省县](?=[\u4e00-\u9fff])|(?<!城)市(?![场民政委长级属容貌值])|[镇乡](?![村镇民亲下])"
                          r"|(?<![小社园校景片城矿厂山郊辖街营商宅库病学市老半禁])区(?=[\u4e00-\u9fff])")
# Full-width letters and digits (Ａ３区): only these need NFKC (slow) before the codes are read.
_WIDE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_NOT_NAME = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
# Where a name cannot run across: words that introduce or follow a place in an account.
_BOUNDARY = re.compile(
    "反映|关于|投诉|举报|咨询|建议|请求|要求|希望|请问|解决|附近|周边|旁边|门口|对面|楼下|隔壁|小区|社区|街道|位于|地处|"
    "我们|我家|住在|居住|住|业主|居民|网友|问题|请|的|在|是|了|对|从|到|向|给|把|被|将|及|或|与|和|由|为|因|至|等|我|你|他|她|"
    # A count or a date (1993年, 1588号, 1000米) starts no name.
    r"\d+[年号米个]")
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


def jieba_words_and_tags() -> tuple[dict, dict]:
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
    freq, tags = jieba_words_and_tags()
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


def named_places_cache_clear() -> None:
    """Forget the names read so far (for measuring a first call)."""
    _names_seen.clear()


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


# Where residents say where: the title and the beginning of the account (a place named
# further on is often a comparison or an office, not where the matter is).
MATTER_PLACE_CHARS = 160
# A name longer than this is a run of words, not a name (the finder keeps at most 8
# characters before an ending of at most 3).
NAME_MAX = 40


def named_places_of_matter(*, title: str, content: str) -> list[str]:
    """The named places of a matter: in its title and the beginning of its account."""
    return [n for n in named_places_in(f"{title}\n{content[:MATTER_PLACE_CHARS]}") if len(n) <= NAME_MAX]


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


def places_canonical(counts: Counter) -> dict[str, str]:
    """Each name to the shortest name it ends with that others give too (万科魅力之城 →
    魅力之城): one place however much of its name an account gives. Not to a tail whose
    stem is a common word (国际城 of 辉煌国际城 and 凯乐国际城): that is a kind of name."""
    freq, tags = jieba_words_and_tags()
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
