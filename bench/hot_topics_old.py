"""The hot-topics finder as it was before session 4 (place unit × one title word), kept
only as bench/hot_topics.py's baseline: the product uses xinfang.search.topics."""
import datetime as dt
from collections import Counter, defaultdict

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.core.selectors import cases_visible_to
from xinfang.orgs.models import Unit, User
from xinfang.search.selectors import _int_arg
from xinfang.search.topics import (
    HotTopic,  # the same result type: the bench compares like with like
)

HOT_MAX_CASES = 20000
# Words that say nothing about which matter it is.
_TOPIC_STOP = frozenset("""
问题 反映 关于 建议 咨询 投诉 请求 希望 要求 情况 处理 解决 相关 部门 政府 领导 我们 你们 他们 市民 群众
居民 业主 现在 目前 一直 已经 没有 什么 怎么 为什么 如何 是否 可以 不能 能否 还是 以及 进行 存在 严重 影响
请问 恳请 强烈 一个 这个 那个 一些 有关 工作 单位 地方 时间 问政 留言 网友 您好 谢谢 感谢 市长 书记
""".split())


def _place_words() -> frozenset[str]:
    """The words of the unit tree's own names (示范, 社区, 东山 …): a topic is grouped by place
    already, so a place's name is not a subject. Read per call: a few hundred short names."""
    from xinfang.search.text import segmented
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
