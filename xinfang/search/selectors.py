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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case
from xinfang.core.selectors import case_links_visible_to, cases_visible_to
from xinfang.orgs.models import User
from xinfang.orgs.selectors import units_in_scope_of
from xinfang.petitions.models import Answer
from xinfang.petitions.selectors import identity_hidden_from, user_may_unmask

from . import text as t
from .named_places import named_places_of_matter

QUERY_MAX_CHARS = 100
PAGE_MAX = 100
OFFSET_MAX = 980
# PostgreSQL ranks the most recent matches of a query, at most this many, found in ranges of
# case ids of which the first is this long (see _ranked_in_windows).
RANK_WINDOW = 200
WINDOW_FIRST = 5000
RANGE_GROWTH = 16
# The next range is sized for this many times the matches still wanted: one range too many
# costs a whole posting-list read of a common word (35 ms for 西地省 at 1,000,000 cases), a
# range too wide only a few more heap visits.
RANGE_MARGIN = 2.0
# A range in which the user's scope holds at most this many cases has each of them tested.
SCOPE_TEST_MAX = 3000
# Same matter: shown from this similarity of the texts (character bigram Jaccard); see
# bench/samematter.py for the precision and recall it gives on the public data.
SAME_MATTER_MIN = 0.3
SAME_MATTER_CANDIDATES = 200
SAME_MATTER_PER_KEY = 50
# Same matter, second path: open cases whose accounts name the same place (an estate, road,
# village: named_places) and were received within SAME_PLACE_DAYS are shown from this lower
# similarity — one matter at one place, told in other words (bench/samematter_places.py).
SAME_PLACE_MIN = 0.15
SAME_PLACE_DAYS = 180
SAME_MATTER_PER_PLACE = 20
SAME_MATTER_PLACE_CANDIDATES = 40
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
    """The data scope as `case_id IN (case ids of the scope's unit links)`: straight on the
    (unit, case) index, without passing through the case table."""
    links = case_links_visible_to(user=user)
    if links is None:
        return "", []
    sql, params = links.values("case_id").query.sql_with_params()
    return f" AND d.case_id IN ({sql})", list(params)


def _scope_unit_ids(user: User) -> list[int] | None:
    units = units_in_scope_of(user=user)
    return None if units is None else list(units)


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


def _ranked_in_windows(*, match_sql: str, match_args: list, units: list[int] | None, q_text: str, window: int,
                       limit: int, offset: int) -> list[int]:
    """PostgreSQL: the `window` most recent matches in the user's scope, read range by range of
    case ids from the newest down, then ranked by ts_rank.

    Why ranges: the GIN index answers "which documents match" in no order, and keeping the
    newest of them costs a heap visit per match (西地省, in a sixth of a million cases: half a
    second). A range of ids ANDed with the GIN bitmap visits only the matches inside it; the
    first range is small, and each next one is sized from the density seen so far, so a
    common word costs about `window` visits and a rare one a few index reads. The result is
    the same as ranking the `window` newest matches of the whole table (the ranges are
    disjoint and read newest first).

    Scope: the document carries the ids of the units that have held its case (`unit_ids`,
    kept from core_caseunit by triggers, migration 0003), so a narrow scope is one more
    condition the planner ANDs inside the indexes, and a street's handler no longer visits
    the district's other matches to drop them."""
    if units is not None and not units:
        return []
    scope_sql, scope_args = ("", []) if units is None else (" AND d.unit_ids && %s::bigint[]", [units])
    head = "SELECT d.case_id FROM search_searchdocument d WHERE "
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(case_id) FROM search_searchdocument")
        top = cursor.fetchone()[0]
        if top is None:
            return []
        ids: list[int] = []
        hi, size = top + 1, WINDOW_FIRST
        while hi > 0 and len(ids) < window:
            lo = max(0, hi - size)
            # The last range has no lower bound and its upper one is not offered to the index:
            # a bitmap of half a million ids costs more than the few matches it would skip.
            bounds = ("d.case_id >= %s AND d.case_id < %s AND ", [lo, hi]) if lo > 0 else \
                ("d.case_id + 0 < %s AND ", [hi])
            if units is not None and hi <= top and _scope_docs_at_most(cursor, units, lo, hi, SCOPE_TEST_MAX):
                # Few of the scope's documents in the range: test each of them (found by the
                # (unit, case) index) rather than have the index read a common word's whole
                # posting list, which the planner takes for cheap (西地省: 35 ms a read). The
                # OFFSET 0 keeps the words' test out of the index.
                cursor.execute("SELECT d.case_id FROM (SELECT * FROM search_searchdocument s WHERE s.case_id IN"
                               " (SELECT l.case_id FROM core_caseunit l WHERE l.unit_id = ANY(%s)"
                               " AND l.case_id >= %s AND l.case_id < %s) OFFSET 0) d WHERE " + match_sql,
                               [units, lo, hi, *match_args])
            else:
                cursor.execute(f"{head}{bounds[0]}{match_sql}{scope_sql}", [*bounds[1], *match_args, *scope_args])
            ids += sorted((row[0] for row in cursor.fetchall()), reverse=True)[:window - len(ids)]
            covered = top + 1 - lo
            # Ids per match so far, with a margin; at most RANGE_GROWTH times the last range.
            wanted = (window - len(ids)) * covered / max(len(ids), 1) * RANGE_MARGIN
            size = int(min(size * RANGE_GROWTH, max(size, wanted)))
            hi = lo
        if not ids:
            return []
        cursor.execute("SELECT d.case_id FROM search_searchdocument d WHERE d.case_id = ANY(%s)"
                       " ORDER BY ts_rank(d.tsv, to_tsquery('simple', %s)) DESC, d.case_id DESC LIMIT %s OFFSET %s",
                       [ids, q_text, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _scope_docs_at_most(cursor, units: list[int], lo: int, hi: int, most: int) -> bool:
    """Whether the scope's units hold at most `most` cases with ids in [lo, hi) (reads at most
    most + 1 entries of the (unit, case) index)."""
    cursor.execute("SELECT count(*) FROM (SELECT 1 FROM core_caseunit WHERE unit_id = ANY(%s)"
                   " AND case_id >= %s AND case_id < %s LIMIT %s) x", [units, lo, hi, most + 1])
    return cursor.fetchone()[0] <= most


def _match_ids(*, user: User, match: _Match, limit: int, offset: int = 0) -> list[int]:
    """Case ids, best first, applying scope, open/closed, the excluded case and the name rule."""
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
            # Written so that the index reads one tsquery of all the words (GIN skips through a
            # common word's entries using a rare one's) or the names' small index; testing each
            # word against both indexes made every window read a common word's whole list.
            found = ("(d.tsv @@ to_tsquery('simple', %s) OR (d.tsv_names @@ to_tsquery('simple', %s)"
                     " AND (d.tsv || d.tsv_names) @@ to_tsquery('simple', %s)))")
            found_params = [q_text, " | ".join(match.clauses[0]), q_text]
        else:
            found, found_params = "d.tsv @@ to_tsquery('simple', %s)", [q_text]
        hidden, hidden_params = _hidden_sql(match, "d.tsv @@ to_tsquery('simple', %s)")
        return _ranked_in_windows(match_sql=f"{found}{extra}{hidden}",
                                  match_args=[*found_params, *params, *hidden_params, *([q_text] if hidden else [])],
                                  units=_scope_unit_ids(user), q_text=q_text, window=max(RANK_WINDOW, limit + offset),
                                  limit=limit, offset=offset)
    else:
        scope_sql, scope_params = _scope_sql(user)
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

    @property
    def last_shown(self) -> int:
        """The position of the page's last hit (第 1–20 条)."""
        return self.offset + len(self.hits)


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
    same_place: bool           # the same place unit (发生地), or a named place both accounts give
    days_apart: int
    place_name: str = ""       # the named place both accounts give, if any

    @property
    def status_label(self) -> str:
        return _status_label(self.case)

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def _band_candidates(keys: list[int], *, exclude_id: int | None) -> list[int]:
    """The cases sharing most LSH keys with the text, at most SAME_MATTER_CANDIDATES.

    Each key brings at most its SAME_MATTER_PER_KEY newest cases (a backward read of the
    (key, case) primary key): a few keys are shared by hundreds of open cases (a common
    title, a stock sentence), and reading all of them made a check's cost follow the
    largest bucket rather than the text. A true repeat usually shares several keys, so a
    crowded key dropping its older cases loses little (bench/samematter.py measures it)."""
    exclude = " AND case_id <> %s" if exclude_id is not None else ""
    one = (f"SELECT * FROM (SELECT case_id FROM search_samematterband WHERE key = %s{exclude}"
           " ORDER BY case_id DESC LIMIT %s) k")
    keys = sorted(set(keys))
    sql = ("SELECT case_id FROM (" + " UNION ALL ".join([one] * len(keys)) + ") b"
           " GROUP BY case_id ORDER BY count(*) DESC, case_id DESC LIMIT %s")
    args = [x for key in keys for x in ([key, exclude_id] if exclude_id is not None else [key])
            + [SAME_MATTER_PER_KEY]]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*args, SAME_MATTER_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def _place_candidates(names: list[str], *, received: dt.date, exclude_id: int | None) -> dict[int, str]:
    """The open cases naming one of these places and received within SAME_PLACE_DAYS of
    `received`, at most SAME_MATTER_PER_PLACE newest per place (the (name, received_date)
    index) and SAME_MATTER_PLACE_CANDIDATES in all (the places in the order the text names
    them), each with the first of `names` it shares."""
    exclude = " AND case_id <> %s" if exclude_id is not None else ""
    one = ("SELECT * FROM (SELECT name, case_id, received_date FROM search_samematterplace WHERE name = %s"
           f" AND received_date BETWEEN %s AND %s{exclude} ORDER BY received_date DESC, case_id DESC LIMIT %s) p")
    window = [received - dt.timedelta(days=SAME_PLACE_DAYS), received + dt.timedelta(days=SAME_PLACE_DAYS)]
    args = [x for name in names for x in [name, *window, *([exclude_id] if exclude_id is not None else []),
                                          SAME_MATTER_PER_PLACE]]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one] * len(names)), args)
        found = cursor.fetchall()
    order = {name: i for i, name in enumerate(names)}
    out: dict[int, str] = {}
    for name, case_id, _received in sorted(found, key=lambda row: (order[row[0]], -row[2].toordinal(), -row[1])):
        out.setdefault(case_id, name)
        if len(out) == SAME_MATTER_PLACE_CANDIDATES:
            break
    return out


def cases_same_matter(*, user: User, title: str, content: str, place_unit_id: int | None = None,
                      received: dt.date | None = None, exclude: Case | None = None, limit: int = 5,
                      threshold: float = SAME_MATTER_MIN) -> list[SameMatterCandidate]:
    """The OPEN cases in the user's scope most likely about the same matter as this text
    (信访工作条例 Art 30: a matter already being handled is not opened twice; the registrar
    decides). Candidates come from the LSH bands (near-copies of the text) and from the
    named places the text gives (other accounts of a matter at the same place, shown from
    SAME_PLACE_MIN when received within SAME_PLACE_DAYS); each is then compared exactly."""
    mine = t.shingles(t.matter_text(title, content))
    if not mine:
        return []
    exclude_id = exclude.pk if exclude is not None else None
    ids = _band_candidates(t.lsh_keys(t.minhash(mine)), exclude_id=exclude_id)
    received = received or clock.today()
    places = named_places_of_matter(title=title, content=content)
    at_place = _place_candidates(places, received=received, exclude_id=exclude_id) if places else {}
    if not ids and not at_place:
        return []
    # Only what the comparison needs; the few shown are then read whole (a candidate row with
    # its units costs more to build than to compare).
    rows = (cases_visible_to(user=user).filter(pk__in={*ids, *at_place}, is_open=True)
            .values_list("pk", "title", "content", "place_unit_id", "received_date"))
    low = min(threshold, SAME_PLACE_MIN)
    scored = []
    for pk, title_, content_, place_id, received_date in rows:
        similarity = t.jaccard(mine, t.shingles(t.matter_text(title_, content_)))
        days = abs((received - received_date).days)
        place_name = at_place.get(pk, "")
        if similarity < (low if place_name else threshold):
            continue
        same_place = bool(place_name) or (place_unit_id is not None and place_id == place_unit_id)
        # Same place and a recent date make a repeat likelier; neither alone makes one.
        score = similarity + (0.1 if same_place else 0.0) + 0.1 * max(0.0, 1 - days / SAME_PLACE_DAYS)
        scored.append((score, pk, similarity, same_place, days, place_name))
    scored.sort(key=lambda x: (-x[0], -x[1]))
    scored = scored[:limit]
    cases = Case.objects.select_related("owner_unit", "place_unit").in_bulk([x[1] for x in scored])
    return [SameMatterCandidate(case=cases[pk], similarity=similarity, score=score, same_place=same_place,
                                days_apart=days, place_name=place_name)
            for score, pk, similarity, same_place, days, place_name in scored if pk in cases]


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
