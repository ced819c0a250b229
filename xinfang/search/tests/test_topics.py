"""Hot topics (search.topics): grouped by a named place in the text or by the place unit,
with growth, within the user's data scope, and never about persons."""
import dataclasses
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.petitions.tests.builders import build_on, petitioner, register
from xinfang.search.named_places import named_places_in
from xinfang.search.topics import hot_topic_cases, hot_topic_get, hot_topics_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 30)
RECENT = dt.datetime(2026, 3, 20, 9)


def fumes(estate: str, i: int) -> dict:
    return {"title": f"{estate}小区临街餐饮油烟扰民{i}",
            "content": f"{estate}小区楼下临街餐饮店油烟直排，噪音很大，居民无法开窗，请求整治。"}


def test_named_places_in_text():
    assert named_places_in("A市A5区魅力之城小区临街门面油烟扰民") == ["魅力之城"]
    assert named_places_in("伊景园滨河苑捆绑销售车位") == ["伊景园"]
    assert named_places_in("万家丽南路丽发新城居民区附近搅拌站扰民") == ["万家丽南路", "丽发新城"]
    # Kinds of places, not places.
    assert named_places_in("影响小区居民休息，孩子过马路不安全，老旧小区改造") == []


def test_same_subject_at_two_estates_of_one_unit_are_two_topics(tree):
    with clock.frozen(RECENT):
        for i in range(3):
            register(tree, place_unit_id=tree.street_a.pk, **fumes("魅力之城", i))
        for i in range(2):
            register(tree, place_unit_id=tree.street_a.pk, **fumes("丽发新城", i))
    topics = hot_topics_for(user=tree.registrar, today=TODAY)
    by_place = {tp.place: tp for tp in topics}
    assert by_place["魅力之城"].size == 3 and by_place["丽发新城"].size == 2
    first = by_place["魅力之城"]
    assert first.place_kind == "named" and first.place_unit == "甲街道" and "油烟" in first.words
    assert first.unit_ids == [tree.street_a.pk] and first.place_unit_id == tree.street_a.pk
    assert "甲街道" not in by_place      # no topic of the unit's that lumps both estates


def test_without_a_named_place_the_unit_is_the_place(tree):
    with clock.frozen(RECENT):
        for i in range(3):
            register(tree, title=f"夜市噪音扰民{i}", content="每晚夜市噪音很大，烧烤油烟多，影响休息。",
                     place_unit_id=tree.street_a.pk)
        register(tree, title="夜市噪音扰民", content="每晚夜市噪音很大，影响休息。", place_unit_id=tree.street_b.pk)
    top = hot_topics_for(user=tree.registrar, today=TODAY)[0]
    assert top.place == "甲街道" and top.place_kind == "unit" and top.size == 3 and "夜市" in top.label


def test_only_matters_residents_bring_make_topics(tree):
    from xinfang.core.models import Case

    with clock.frozen(RECENT):
        cases = [register(tree, title=f"仓库消防通道堵塞{i}", content="仓库消防通道被货物堵塞，存在安全隐患。",
                          place_unit_id=tree.street_a.pk) for i in range(3)]
    assert hot_topics_for(user=tree.registrar, today=TODAY)          # as petitions they are a topic
    # the same matters found by inspectors (安全隐患) are no hot topic of what residents raise
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(kind="hazard")
    assert hot_topics_for(user=tree.registrar, today=TODAY) == []


def test_growth_against_the_periods_before(tree):
    with clock.frozen(dt.datetime(2026, 1, 20, 9)):   # in the periods before the last 30 days
        register(tree, place_unit_id=tree.street_a.pk, **fumes("魅力之城", 9))
    with clock.frozen(RECENT):
        for i in range(4):
            register(tree, place_unit_id=tree.street_a.pk, **fumes("魅力之城", i))
    top = hot_topics_for(user=tree.registrar, today=TODAY)[0]
    assert top.place == "魅力之城" and top.size == 4
    assert top.previous == pytest.approx(1 / 3) and top.growth == pytest.approx((4 - 1 / 3) / (1 / 3))
    assert top.growth_percent == 1100
    # A topic none of the periods before had is new.
    top_new = hot_topics_for(user=tree.registrar, today=TODAY, periods=1)[0]
    assert top_new.previous == 0 and top_new.growth is None


def test_near_copies_are_counted_as_one_matter(tree):
    with clock.frozen(RECENT):
        for _ in range(3):
            register(tree, title="魅力之城小区临街餐饮油烟扰民", content=fumes("魅力之城", 0)["content"],
                     place_unit_id=tree.street_a.pk)
        register(tree, title="魅力之城小区烧烤店夜间油烟噪音", content="魅力之城小区烧烤店油烟很大。",
                 place_unit_id=tree.street_a.pk)
    top = hot_topics_for(user=tree.registrar, today=TODAY)[0]
    assert top.size == 4 and top.distinct == 2


def test_a_user_sees_topics_over_the_cases_in_their_scope_only(tree):
    for i in range(3):   # registered by the bureau, assigned to 甲街道
        build_on(tree, "assigned", RECENT.date(), place_unit_id=tree.street_a.pk, **fumes("魅力之城", i))
    with clock.frozen(RECENT):
        for i in range(3, 5):   # held by the bureau only
            register(tree, place_unit_id=tree.street_a.pk, **fumes("魅力之城", i))
    assert hot_topics_for(user=tree.registrar, today=TODAY)[0].size == 5
    mine = hot_topics_for(user=tree.handler_a, today=TODAY)
    assert [tp.size for tp in mine] == [3]
    assert hot_topics_for(user=tree.handler_b, today=TODAY) == []
    # The cases behind a topic: the same ones, and none outside the scope.
    listed = hot_topic_cases(user=tree.handler_a, key=mine[0].key, today=TODAY)
    assert sorted(listed.values_list("pk", flat=True)) == sorted(mine[0].case_ids)
    assert hot_topic_cases(user=tree.handler_b, key=mine[0].key, today=TODAY).count() == 0
    assert hot_topic_get(user=tree.handler_a, key=mine[0].key, today=TODAY).size == 3
    with pytest.raises(NotFound):
        hot_topic_get(user=tree.handler_b, key=mine[0].key, today=TODAY)


@pytest.mark.parametrize("args, field", [
    ({"days": 0}, "days"), ({"days": 367}, "days"), ({"days": "x"}, "days"),
    ({"limit": 0}, "limit"), ({"limit": 51}, "limit"), ({"periods": 0}, "periods"),
])
def test_refuses_arguments_out_of_range(tree, args, field):
    with pytest.raises(ValidationFailed) as exc:
        hot_topics_for(user=tree.registrar, **args)
    assert exc.value.field == field and "须" in exc.value.message


def test_no_person_in_a_topic(tree):
    person = petitioner()
    person["name"] = "王小明"
    with clock.frozen(RECENT):
        for i in range(3):
            register(tree, title=f"王小明反映魅力之城小区油烟扰民{i}",
                     content="我是王小明，魅力之城小区临街餐饮油烟扰民，王小明多次反映未果。",
                     petitioners=[dict(person)] if i == 0 else [petitioner()], place_unit_id=tree.street_a.pk)
    topics = hot_topics_for(user=tree.registrar, today=TODAY)
    assert topics and topics[0].place == "魅力之城"
    shown = [{f.name: getattr(tp, f.name) for f in dataclasses.fields(tp) if f.name != "cases"} | {"label": tp.label}
             for tp in topics]
    assert "王小明" not in repr(shown) and "小明" not in repr(shown)
    assert not any(hasattr(tp, "petitioners") for tp in topics)


def _topics_seen(topics):
    return [(tp.place, tp.place_kind, tp.words, tp.size, tp.previous, tp.distinct, tp.case_ids) for tp in topics]


def test_topics_read_from_stored_features_equal_topics_read_from_the_texts(tree):
    """What indexing stored of each case (named places, key words) gives the same topics as
    reading the texts, which documents indexed before the features existed still need."""
    from xinfang.search.models import SearchDocument

    with clock.frozen(dt.datetime(2026, 2, 10, 9)):
        for i in range(2):
            register(tree, place_unit_id=tree.street_a.pk, **fumes("魅力之城", i))
    with clock.frozen(RECENT):
        for i in range(4):
            register(tree, place_unit_id=tree.street_a.pk, **fumes("魅力之城", i + 10))
        for i in range(2):
            register(tree, place_unit_id=tree.street_b.pk, **fumes("丽发新城", i))
        for i in range(3):
            register(tree, title=f"夜市噪音扰民{i}", content="每晚夜市噪音很大，烧烤油烟多，影响休息。",
                     place_unit_id=tree.street_a.pk)
    assert not SearchDocument.objects.filter(topic_words__isnull=True).exists()
    stored = _topics_seen(hot_topics_for(user=tree.registrar, today=TODAY))
    assert len(stored) >= 3 and any(tp[1] == "named" for tp in stored) and any(tp[4] > 0 for tp in stored)
    SearchDocument.objects.update(topic_places=None, topic_words=None)
    assert _topics_seen(hot_topics_for(user=tree.registrar, today=TODAY)) == stored
    # Half and half: a deployment part-way through reindexing.
    from xinfang.search.services import search_reindex

    assert search_reindex(batch_size=6) == 11
    later = list(SearchDocument.objects.order_by("pk").values_list("pk", flat=True)[6:])
    SearchDocument.objects.filter(pk__in=later).update(topic_places=None, topic_words=None)
    assert _topics_seen(hot_topics_for(user=tree.registrar, today=TODAY)) == stored


def test_offices_people_and_dates_are_no_places():
    assert named_places_in("岳麓区城管局不作为，雨花区市场监督管理局不管") == []
    assert named_places_in("该厂1000米距离内有6个村民小组，1993年学校建成") == []
    assert named_places_in("万达城管理处不作为，金鼎村村民反映") == ["万达城", "金鼎村"]
    assert named_places_in("示范区城区西农贸市场旁，示范区城乡建设局") == []


def test_a_division_before_a_name_is_not_part_of_it():
    assert named_places_in("临岳麓区富之源小区自来水不能上七层") == ["富之源小区"]
    assert named_places_in("高新区麓谷明珠小区，我家住丽发新城") == ["麓谷明珠小区", "丽发新城"]
