"""Reads of the search indexes: full-text search, same-matter candidates, similar resolved
cases, hot topics. Every read starts from the caller's data scope (core.selectors
.cases_visible_to): a case outside it is never returned, nor counted.

Identity protection (信访工作条例 Arts 30, 46): party names take part in a search only for
roles that may see identities (Role.sees_personal_data), and never for a case whose
petitioner identity is hidden from the user (a 检举控告 matter accusing the user's unit).
"""
import datetime as dt
import html
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import Answer
from xinfang.petitions.selectors import identity_hidden_from, user_may_unmask

from . import text as t
from .models import SameMatterBand

QUERY_MAX_CHARS = 100
PAGE_MAX = 100
OFFSET_MAX = 980
# PostgreSQL ranks the most recent matches of a query, at most this many (see _match_ids).
RANK_WINDOW = 1000
# Same matter: shown from this similarity of the texts (character bigram Jaccard); see
# bench/samematter.py for the precision and recall it gives on the public data.
SAME_MATTER_MIN = 0.3
SAME_MATTER_CANDIDATES = 200
_ANSWER_SHOWN = ("pending", "approved")


# --- the engines: one interface --------------------------------------------------------

@dataclass
class _Match:
    """Cases whose documents match any clause (a clause: all of its terms)."""

    clauses: list[list[str]]
    is_open: bool | None = None
    exclude_id: int | None = None
    names: bool = False             # may names match at all?
    hidden_units: list[int] = field(default_factory=list)   # accused units whose names never match


def _scope_sql(user: User) -> tuple[str, list]:
    scope = cases_visible_to(user=user)
    if not scope.query.where:
        return "", []
    sql, params = scope.values("pk").query.sql_with_params()
    return f" AND d.case_id IN ({sql})", list(params)


def _fts5_expr(clauses: list[list[str]], text_only: bool) -> str:
    def phrase(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'
    expr = " OR ".join("(" + " AND ".join(phrase(x) for x in c) + ")" for c in clauses)
    return "{title_seg body_seg} : (" + expr + ")" if text_only else expr


def _tsquery(clauses: list[list[str]]) -> str:
    # Terms hold only letters, digits and CJK (text.tokens_for_query): no quoting needed.
    return " | ".join("(" + " & ".join(c) + ")" for c in clauses)


def _hidden_sql(match: _Match, text_test: str) -> tuple[str, list]:
    """Where names may match: a case accusing one of `hidden_units` must match on text alone."""
    if not (match.names and match.hidden_units):
        return "", []
    marks = ",".join(["%s"] * len(match.hidden_units))
    return (f" AND (d.accused_unit_id IS NULL OR d.accused_unit_id NOT IN ({marks}) OR {text_test})",
            list(match.hidden_units))


def _match_ids(*, user: User, match: _Match, limit: int, offset: int = 0) -> list[int]:
    """Case ids, best first, applying scope, open/closed, the excluded case and the name rule."""
    scope_sql, scope_params = _scope_sql(user)
    where, params = [], []
    if match.is_open is not None:
        where.append("d.is_open = %s")
        params.append(match.is_open)
    if match.exclude_id is not None:
        where.append("d.case_id <> %s")
        params.append(match.exclude_id)
    extra = "".join(f" AND {w}" for w in where)
    q_text = _tsquery(match.clauses) if connection.vendor == "postgresql" else _fts5_expr(match.clauses, True)
    if connection.vendor == "postgresql":
        if match.names:
            # Each word in the text or among the names (one clause: a search, not a similarity).
            terms = match.clauses[0]
            found = " AND ".join("(d.tsv @@ to_tsquery('simple', %s) OR d.tsv_names @@ to_tsquery('simple', %s))"
                                 for _ in terms)
            found_params = [x for term in terms for x in (term, term)]
        else:
            found, found_params = "d.tsv @@ to_tsquery('simple', %s)", [q_text]
        hidden, hidden_params = _hidden_sql(match, "d.tsv @@ to_tsquery('simple', %s)")
        # The most recent RANK_WINDOW matches are ranked: exact for any query with fewer
        # matches, and a bounded cost for a word half the cases contain.
        sql = ("SELECT m.case_id FROM (SELECT d.case_id, d.tsv FROM search_searchdocument d"
               f" WHERE {found}{extra}{scope_sql}{hidden}"
               " ORDER BY d.case_id DESC LIMIT %s) m"
               " ORDER BY ts_rank(m.tsv, to_tsquery('simple', %s)) DESC, m.case_id DESC LIMIT %s OFFSET %s")
        args = [*found_params, *params, *scope_params, *hidden_params, *([q_text] if hidden else []),
                RANK_WINDOW, q_text, limit, offset]
    else:
        q_all = _fts5_expr(match.clauses, text_only=not match.names)
        hidden, hidden_params = _hidden_sql(
            match, "d.case_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)")
        sql = ("SELECT d.case_id FROM search_fts JOIN search_searchdocument d ON d.case_id = search_fts.rowid"
               f" WHERE search_fts MATCH %s{extra}{scope_sql}{hidden}"
               " ORDER BY bm25(search_fts, 10.0, 3.0, 1.0), d.case_id DESC LIMIT %s OFFSET %s")
        args = [q_all, *params, *scope_params, *hidden_params, *([q_text] if hidden else []), limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [row[0] for row in cursor.fetchall()]


def _status_label(case: Case) -> str:
    from xinfang.core.workflow import workflow_for

    try:
        return workflow_for(case.kind).state(case.status).label
    except KeyError:
        return case.status


def _hidden_units(user: User) -> list[int]:
    """The units whose accusations hide identities from this user: its own and those above."""
    if user.unit_id is None:
        return []
    return [int(p) for p in user.unit.path.strip("/").split("/") if p]


def _cases_in_order(ids: list[int]) -> list[Case]:
    from xinfang.web.rows import cases_with_row_data

    by_id = {c.pk: c for c in cases_with_row_data(Case.objects.filter(pk__in=ids))}
    return [by_id[i] for i in ids if i in by_id]


def _answers_by_case(ids: list[int], statuses=_ANSWER_SHOWN) -> dict[int, list[Answer]]:
    out: dict[int, list[Answer]] = defaultdict(list)
    for a in Answer.objects.filter(case_id__in=ids, status__in=statuses).select_related("unit") \
            .order_by("submitted_at", "id"):
        out[a.case_id].append(a)
    return out


# --- full-text search -----------------------------------------------------------------

@dataclass
class SearchHit:
    case: Case
    title_html: str
    snippet_html: str
    snippet_label: str
    names_html: str


@dataclass
class SearchPage:
    query: str
    terms: list[str]
    hits: list[SearchHit]
    offset: int
    limit: int
    has_next: bool
    names_searched: bool


def _int_arg(value, *, name: str, label: str, low: int, high: int, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}须为整数。", field=name) from None
    if not low <= number <= high:
        raise ValidationFailed(f"{label}须在 {low}–{high} 之间。", field=name)
    return number


def search_query_terms(q: str | None) -> list[str]:
    """The words a query asks for; a clear message for an empty or overlong query."""
    q = (q or "").strip()
    if not q:
        raise ValidationFailed("请输入检索词。", field="q")
    if len(q) > QUERY_MAX_CHARS:
        raise ValidationFailed(f"检索词不能超过 {QUERY_MAX_CHARS} 个字。", field="q")
    terms = t.tokens_for_query(q)
    if not terms:
        raise ValidationFailed("检索词中没有可检索的文字（请输入汉字、字母或数字）。", field="q")
    return terms


def cases_search(*, user: User, q: str, limit=20, offset=0) -> SearchPage:
    """Cases in the user's scope whose title, content or answers (and, for roles that may
    see identities, party names) contain every word of the query, best first, each with a
    highlighted snippet. No total is counted: the next page exists or not."""
    terms = search_query_terms(q)
    limit = _int_arg(limit, name="limit", label="每页条数", low=1, high=PAGE_MAX, default=20)
    offset = _int_arg(offset, name="offset", label="起始位置", low=0, high=OFFSET_MAX, default=0)
    names = user_may_unmask(user=user)
    match = _Match(clauses=[terms], names=names, hidden_units=_hidden_units(user) if names else [])
    ids = _match_ids(user=user, match=match, limit=limit + 1, offset=offset)
    has_next = len(ids) > limit
    ids = ids[:limit]
    cases = _cases_in_order(ids)
    answers = _answers_by_case(ids)
    # The words as typed first (督促整改), then their parts (督促, 整改): longest marks win.
    marked = [t.text_normalize(part) for part in q.split()] + terms
    hits = []
    for case in cases:
        snippet, label = "", ""
        for source_label, source in [("内容", case.content),
                                     *[("答复", f"{a.facts} {a.text}") for a in answers.get(case.pk, [])]]:
            snippet = t.highlight(source, marked, width=120)
            if snippet:
                label = source_label
                break
        if not snippet:
            snippet = html.escape(case.content[:120]) + ("…" if len(case.content) > 120 else "")
        names_html = ""
        if names and not identity_hidden_from(user=user, case=case):
            # Prefetched with the row data: no query.
            shown = [t.highlight(p.name, marked, width=40) for p in case.petitioners.all()]
            names_html = "、".join(s for s in shown if s)
        hits.append(SearchHit(case=case, title_html=t.highlight(case.title, marked, width=200)
                              or html.escape(case.title), snippet_html=snippet, snippet_label=label,
                              names_html=names_html))
    return SearchPage(query=q.strip(), terms=terms, hits=hits, offset=offset, limit=limit, has_next=has_next,
                      names_searched=names)


# --- same matter ----------------------------------------------------------------------

@dataclass
class SameMatterCandidate:
    case: Case
    similarity: float          # Jaccard similarity of the character bigrams of title + content
    score: float               # similarity, boosted by the same place and closeness in time
    same_place: bool
    days_apart: int

    @property
    def status_label(self) -> str:
        return _status_label(self.case)

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def _band_candidates(keys: list[int], *, exclude_id: int | None) -> list[int]:
    qs = SameMatterBand.objects.filter(key__in=keys)
    if exclude_id is not None:
        qs = qs.exclude(case_id=exclude_id)
    from django.db.models import Count

    rows = (qs.values("case_id").annotate(hits=Count("key")).order_by("-hits", "-case_id")
            [:SAME_MATTER_CANDIDATES])
    return [r["case_id"] for r in rows]


def cases_same_matter(*, user: User, title: str, content: str, place_unit_id: int | None = None,
                      received: dt.date | None = None, exclude: Case | None = None, limit: int = 5,
                      threshold: float = SAME_MATTER_MIN) -> list[SameMatterCandidate]:
    """The OPEN cases in the user's scope most likely about the same matter as this text
    (信访工作条例 Art 30: a matter already being handled is not opened twice; the registrar
    decides). Candidates come from the LSH bands; each is then compared exactly."""
    mine = t.shingles(t.matter_text(title, content))
    if not mine:
        return []
    keys = t.lsh_keys(t.minhash(mine))
    ids = _band_candidates(keys, exclude_id=exclude.pk if exclude is not None else None)
    if not ids:
        return []
    received = received or clock.today()
    rows = (cases_visible_to(user=user).filter(pk__in=ids, is_open=True)
            .select_related("owner_unit", "place_unit"))
    out = []
    for case in rows:
        similarity = t.jaccard(mine, t.shingles(t.matter_text(case.title, case.content)))
        if similarity < threshold:
            continue
        same_place = place_unit_id is not None and case.place_unit_id == place_unit_id
        days = abs((received - case.received_date).days)
        # Same place and a recent date make a repeat likelier; neither alone makes one.
        score = similarity + (0.1 if same_place else 0.0) + 0.1 * max(0.0, 1 - days / 180)
        out.append(SameMatterCandidate(case=case, similarity=similarity, score=score, same_place=same_place,
                                       days_apart=days))
    out.sort(key=lambda c: (-c.score, -c.case.pk))
    return out[:limit]


def cases_same_matter_as(*, user: User, case: Case, limit: int = 5) -> list[SameMatterCandidate]:
    """For a registered case: the other open cases about the same matter, older first in
    score ties (the older one is the matter a repeat joins)."""
    return cases_same_matter(user=user, title=case.title, content=case.content, place_unit_id=case.place_unit_id,
                             received=case.received_date, exclude=case, limit=limit)


# --- similar resolved cases -----------------------------------------------------------

@dataclass
class SimilarResolved:
    case: Case
    answers: list[Answer]
    shared: list[str]          # the key words both cases have


def cases_similar_resolved(*, user: User, case: Case, limit: int = 5) -> list[SimilarResolved]:
    """CLOSED cases in the user's scope most like this one, with their delivered answers:
    how the same kind of matter was settled before. Cases sharing at least two of this
    case's key words, ranked by the engine; names never take part."""
    words = t.keywords(t.matter_text(case.title, case.content), k=6)
    if not words:
        return []
    clauses = [list(p) for p in itertools.combinations(words, 2)] if len(words) >= 2 else [words]
    ids = _match_ids(user=user, match=_Match(clauses=clauses, is_open=False, exclude_id=case.pk), limit=limit)
    if not ids and len(words) >= 2:
        ids = _match_ids(user=user, match=_Match(clauses=[[w] for w in words], is_open=False, exclude_id=case.pk),
                         limit=limit)
    cases = _cases_in_order(ids)
    answers = _answers_by_case(ids, statuses=("approved",))
    out = []
    for c in cases:
        text = t.text_normalize(t.matter_text(c.title, c.content))
        out.append(SimilarResolved(case=c, answers=answers.get(c.pk, []), shared=[w for w in words if w in text]))
    return out


# --- hot topics -----------------------------------------------------------------------

HOT_MAX_CASES = 20000
# Words that say nothing about which matter it is.
_TOPIC_STOP = frozenset("""
问题 反映 关于 建议 咨询 投诉 请求 希望 要求 情况 处理 解决 相关 部门 政府 领导 我们 你们 他们 市民 群众
居民 业主 现在 目前 一直 已经 没有 什么 怎么 为什么 如何 是否 可以 不能 能否 还是 以及 进行 存在 严重 影响
请问 恳请 强烈 一个 这个 那个 一些 有关 工作 单位 地方 时间 问政 留言 网友 您好 谢谢 感谢 市长 书记
""".split())


@dataclass
class HotTopic:
    words: list[str]
    place: str
    size: int                  # cases in the recent period
    previous: float            # cases per period before it (average)
    growth: float | None       # (size - previous) / previous; None when new
    cases: list[Case]          # a few of them, newest first

    @property
    def label(self) -> str:
        return "·".join(self.words)

    @property
    def growth_percent(self) -> int | None:
        return None if self.growth is None else round(self.growth * 100)


def _place_words() -> frozenset[str]:
    """The words of the unit tree's own names (示范, 社区, 东山 …): a topic is grouped by place
    already, so a place's name is not a subject. Read per call: a few hundred short names."""
    from .text import segmented
    names = Unit.objects.values_list("name", flat=True)
    return frozenset(w for name in names for w in segmented(name).split() if len(w) >= 2)


def _topic_words(title_seg: str, places: frozenset[str] = frozenset()) -> set[str]:
    return {w for w in title_seg.split()
            if len(w) >= 2 and not w.isdigit() and w not in _TOPIC_STOP and w not in places}


def hot_topics_for(*, user: User, days: int = 30, limit: int = 10, periods: int = 3,
                   today: dt.date | None = None) -> list[HotTopic]:
    """Subjects many recent cases share, at one place: the cases received in the last `days`
    days in the user's scope, grouped by place and title word, similar groups merged, with
    their size and growth over the average of the `periods` periods before. Matter-centred:
    nothing here is about persons."""
    days = _int_arg(days, name="days", label="统计天数", low=1, high=366, default=30)
    limit = _int_arg(limit, name="limit", label="条数", low=1, high=50, default=10)
    today = today or clock.today()
    start = today - dt.timedelta(days=days - 1)
    earliest = start - dt.timedelta(days=days * periods)
    rows = list(cases_visible_to(user=user).filter(received_date__gte=earliest, received_date__lte=today)
                .order_by("-received_date", "-id")
                .values_list("pk", "received_date", "place_unit_id", "search_document__title_seg")[:HOT_MAX_CASES])
    current: dict[tuple, set[int]] = defaultdict(set)
    before: Counter = Counter()
    places = _place_words()
    for pk, received, place, title_seg in rows:
        for word in _topic_words(title_seg or "", places):
            if received >= start:
                current[(place, word)].add(pk)
            else:
                before[(place, word)] += 1
    groups = sorted(((k, v) for k, v in current.items() if len(v) >= 2),
                    key=lambda kv: (-len(kv[1]), -len(kv[0][1]), kv[0][1]))
    topics: list[dict] = []
    for (place, word), ids in groups:
        home = next((tp for tp in topics if tp["place"] == place and len(ids & tp["ids"]) >= 0.5 * len(ids)), None)
        if home is not None:
            # Mostly the same cases: a word of that topic (停车 beside 停车费), not a topic of its own.
            if len(home["words"]) < 3 and len(ids & home["ids"]) >= 0.8 * len(home["ids"]):
                home["words"].append(word)
            continue
        if len(topics) < limit:
            topics.append({"place": place, "words": [word], "ids": set(ids), "key": (place, word)})
    places = {u.pk: u.name for u in Unit.objects.filter(pk__in={tp["place"] for tp in topics if tp["place"]})}
    sample_ids = {tp["key"]: sorted(tp["ids"], reverse=True)[:3] for tp in topics}
    by_id = {c.pk: c for c in Case.objects.filter(pk__in=[i for ids in sample_ids.values() for i in ids])
             .select_related("owner_unit")}
    out = []
    for tp in topics:
        previous = before[tp["key"]] / periods
        size = len(tp["ids"])
        out.append(HotTopic(words=tp["words"], place=places.get(tp["place"], ""), size=size, previous=previous,
                            growth=(size - previous) / previous if previous else None,
                            cases=[by_id[i] for i in sample_ids[tp["key"]] if i in by_id]))
    return out
