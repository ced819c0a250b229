"""Reads for the leader's dashboard and the statistics page's hot-topics section: which
figures a leader's speech counts, the slices behind a breakdown row, and what rises
against its own history. Every figure comes from indicators.py (one definition each); this
module only chooses, slices and compares them, at a fixed number of queries whatever the
number of cases."""
import dataclasses
import datetime as dt
from collections import Counter

from django.db.models import Q, QuerySet

from xinfang.core.errors import NotFound
from xinfang.core.models import Case, Category
from xinfang.core.selectors import cases_filter, cases_visible_to, category_subtree_ids
from xinfang.orgs.models import Unit, User
from xinfang.petitions.selectors import home_deadline_counts
from xinfang.search.topics import hot_topic_cases, hot_topics_for

from .indicators import KIND, Figure, Scope, indicator_compute, volume_by

# The figures of the field's year-end speeches, in the order they are read out: volume and
# its 同比, the three closure rates, repeat and skipped-level shares, backlog cleared,
# satisfaction; then the ledgers — disputes mediated and agreements, hazards open and major.
DASHBOARD_GROUPS = (
    ("信访总量", ("volume_batches", "volume_persons")),
    ("办理质量", ("first_on_time_rate", "assigned_closed_rate", "leader_received_closed_rate")),
    ("信访秩序", ("repeat_share", "skip_level_share", "backlog_cleared_rate")),
    ("群众满意", ("satisfaction_rate",)),
    ("矛盾纠纷", ("dispute_mediated", "dispute_agreements", "dispute_resolved")),
    ("安全隐患", ("hazard_open_at_end", "hazard_major_found", "hazard_rectified_on_time_rate")),
)

# Hot topics: the last HOT_DAYS days of the period (all of it when shorter), against the
# average of the HOT_PERIODS windows of the same length before it — as the search app's
# hot topics compare (search.topics.hot_topics_for).
HOT_DAYS = 30
HOT_PERIODS = 3
HOT_MIN_SIZE = 2
RISING_LIMIT = 8
HOT_LIMIT = 10
# hot_topics_for's own ceiling; asked for in full so the unit filter below has enough to choose from.
HOT_ASK = 50
HOT_DEFINITION = (f"近期（统计期间的最后{HOT_DAYS}天；期间不足{HOT_DAYS}天的为整个期间）收到、在您数据范围内的案件，"
                  "按发生地（文中写明的小区、道路、村、学校等地名，没有的按登记的发生地）和主题词归并；"
                  f"「此前每期」为此前{HOT_PERIODS}个等长时段的平均件数，增幅与之相比"
                  f"（此前没有的为「新出现」）；只列件数上升的，至少{HOT_MIN_SIZE}件。选择了单位的，只列发生地在该单位（含下级）的。")
RISING_DEFINITION = (f"近期（同上）收到的信访事项按一级分类、发生地统计的批次，高于其此前{HOT_PERIODS}个等长时段平均批次的，"
                     f"按增加的批次由多到少排列；至少{HOT_MIN_SIZE}批才列出。按登记单位统计，与信访总量同一口径。")

# The column a volume breakdown groups on (indicators.volume_by), to list a row's cases:
# the same column and value. 分类 counts under its first-level ancestor, so its row lists
# the category's whole subtree.
SLICE_COLUMNS = {
    "channel": "petition__channel",
    "unit": "registered_unit__name",
    "handling_unit": "petition__handling_unit__name",
    "place": "place_unit__name",
    "reception_level": "petition__reception_level",
    "claim_type": "petition__claim_type",
}
SLICE_DIMENSIONS = ("category", *SLICE_COLUMNS)
# The figures whose cases are "the petitions received in the period" and so may be sliced.
SLICEABLE = ("volume_batches", "volume_persons")


def dashboard_figures(*, scope: Scope) -> list[tuple[str, list[Figure]]]:
    """The dashboard's figures by group, each computed by its one definition."""
    base = dataclasses.replace(scope, kind=KIND)
    return [(title, [indicator_compute(key=key, scope=base) for key in keys]) for title, keys in DASHBOARD_GROUPS]


def open_deadlines_for(*, user: User, unit: Unit | None) -> dict:
    """Open matters of the area now (every kind, as the case list shows them): in progress,
    due soon, overdue — one aggregate query, the case list's own boundaries."""
    return home_deadline_counts(qs=cases_filter(cases_visible_to(user=user), unit=unit))


def volume_slice(qs: QuerySet[Case], *, dimension: str, value: str) -> QuerySet[Case]:
    """The cases of one row of a volume breakdown (value "" is the row 「（未填）」)."""
    if dimension == "category":
        if not value:
            return qs.filter(category__isnull=True)
        category = Category.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if category is None:
            raise NotFound("没有该分类。")
        return qs.filter(category_id__in=category_subtree_ids(category=category))
    column = SLICE_COLUMNS.get(dimension)
    if column is None:
        raise NotFound(f"没有名为「{dimension[:20]}」的统计维度。")
    if not value:
        return qs.filter(Q(**{f"{column}__isnull": True}) | Q(**{column: ""}))
    return qs.filter(**{column: value})


# --- what rises --------------------------------------------------------------------------------

def hot_window(scope: Scope) -> Scope:
    """The last HOT_DAYS days of the period (or all of it), petitions, same unit."""
    start = max(scope.start, scope.end - dt.timedelta(days=HOT_DAYS - 1))
    return Scope(start=start, end=scope.end, unit=scope.unit, kind=KIND)


def _shifted(window: Scope, periods_back: int) -> Scope:
    days = (window.end - window.start).days + 1
    delta = dt.timedelta(days=days * periods_back)
    return Scope(start=window.start - delta, end=window.end - delta, unit=window.unit, kind=KIND)


def rising_by(*, scope: Scope, dimension: str, periods: int = HOT_PERIODS, limit: int = RISING_LIMIT) -> list[dict]:
    """Rows of a volume breakdown (分类 or 发生地; not the unfilled row) whose batches in the
    hot window exceed their own average over the `periods` windows before it: size, that average, growth (None when
    new), largest rise first. At least HOT_MIN_SIZE cases, as for hot topics."""
    window = hot_window(scope)
    before: Counter = Counter()
    for k in range(1, periods + 1):
        for row in volume_by(scope=_shifted(window, k), dimension=dimension):
            before[row["value"]] += row["batches"]
    out = []
    for row in volume_by(scope=window, dimension=dimension):
        previous = before[row["value"]] / periods
        # 「（未填）」 is not a place or a category: it cannot be a hot one.
        if row["value"] not in (None, "") and row["batches"] >= HOT_MIN_SIZE and row["batches"] > previous:
            out.append({**row, "previous": previous,
                        "growth": round((row["batches"] - previous) * 100 / previous) if previous else None})
    out.sort(key=lambda r: (-(r["batches"] - r["previous"]), -r["batches"], str(r["label"])))
    return out[:limit]


def hot_topics_in(*, user: User, scope: Scope, limit: int = HOT_LIMIT) -> list:
    """The search app's hot topics (subject word × place, search.topics.hot_topics_for)
    for the hot window that rise against their own history (new, or above their average
    before), keeping those whose place lies in the scope's unit subtree."""
    window = hot_window(scope)
    topics = [t for t in hot_topics_for(user=user, days=(window.end - window.start).days + 1, limit=HOT_ASK,
                                        periods=HOT_PERIODS, today=window.end)
              if t.growth is None or t.growth > 0]
    if scope.unit is not None:
        units = set(Unit.objects.filter(path__startswith=scope.unit.path).values_list("pk", flat=True))
        topics = [t for t in topics if t.place_unit_id in units]
    return topics[:limit]


def hot_topic_cases_for(*, user: User, key: str, window: Scope) -> QuerySet[Case]:
    """The cases of one hot topic (by its key) in the hot window, as hot_topics_in found it."""
    return hot_topic_cases(user=user, key=key, days=(window.end - window.start).days + 1, periods=HOT_PERIODS,
                           today=window.end)


def period_presets(*, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """本月, 本季度, 本年 (to date) and 上年: the periods a leader asks for."""
    quarter_first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return [("本月", today.replace(day=1), today), ("本季度", quarter_first, today),
            ("本年", dt.date(today.year, 1, 1), today),
            ("上年", dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))]
