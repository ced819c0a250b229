"""Full-text search: the index follows every write, Chinese words are found inside
sentences, scope and identity rules hold, snippets are safe."""
import pytest
from django.core.management import call_command
from django.db import connection

from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import ANSWER, act, build_on, register
from xinfang.search.models import SameMatterBand, SameMatterPlace, SearchDocument
from xinfang.search.selectors import cases_search
from xinfang.search.services import search_reindex

pytestmark = pytest.mark.django_db


def numbers(user, q):
    return [h.case.number for h in cases_search(user=user, q=q).hits]


def test_a_new_case_is_found_by_a_word_inside_a_sentence(tree):
    case = register(tree, title="噪音扰民", content="东风路烧烤摊每晚营业到凌晨两点，油烟和噪音严重影响居民休息。")
    register(tree, title="路灯不亮", content="和平小区路灯坏了一个月。")
    assert numbers(tree.registrar, "烧烤") == [case.number]
    assert numbers(tree.registrar, "油烟 休息") == [case.number]
    assert numbers(tree.registrar, "凌晨营业") == [case.number]  # 凌晨 and 营业, in either order
    assert numbers(tree.registrar, "游泳池") == []


def test_an_answer_is_indexed_when_it_is_written(tree):
    case = build_on(tree, "accepted", title="路灯损坏", content="小区路灯长期不亮。")
    assert numbers(tree.registrar, "督促整改") == []
    act(case, tree.handler_a, "submit_answer", **ANSWER)
    assert numbers(tree.registrar, "督促整改") == [case.number]
    page = cases_search(user=tree.registrar, q="督促整改")
    assert page.hits[0].snippet_label == "答复"
    assert "<mark>督促整改</mark>" in page.hits[0].snippet_html


def test_a_returned_answer_leaves_the_index(tree):
    case = build_on(tree, "answer_pending", title="路灯损坏", content="小区路灯长期不亮。")
    assert numbers(tree.registrar, "督促整改") == [case.number]
    act(case, tree.reviewer_a, "return_answer", reason="事实不清")
    assert numbers(tree.registrar, "督促整改") == []


def test_a_case_outside_scope_is_never_returned(tree):
    mine = build_on(tree, "assigned", title="甲街道烧烤油烟", content="烧烤油烟扰民，晚上无法休息。")
    other = register(tree, actor=tree.court_registrar, title="法院门口烧烤", content="烧烤摊占道经营，影响通行。")
    assert numbers(tree.handler_a, "烧烤") == [mine.number]
    assert numbers(tree.handler_b, "烧烤") == []
    assert numbers(tree.court_registrar, "烧烤") == [other.number]
    assert set(numbers(tree.leader, "烧烤")) == {mine.number, other.number}


def test_names_are_searched_only_for_roles_that_may_see_identities(tree):
    register(tree, title="路灯损坏", content="小区路灯长期不亮。", petitioners=[dict(name="欧阳明", phone="13900000001")])
    inspector = tree.user("inspector_a", tree.bureau, "inspector", scope=DataScope.SUBTREE)
    assert len(numbers(tree.registrar, "欧阳明")) == 1
    assert cases_search(user=tree.registrar, q="欧阳明").hits[0].names_html == "<mark>欧阳明</mark>"
    assert numbers(inspector, "欧阳明") == []
    assert cases_search(user=inspector, q="欧阳明").names_searched is False


def test_names_never_match_for_the_accused_unit(tree):
    case = register(tree, title="举报住建局工作人员", content="某工作人员收受好处", claim_type="accusation",
                    accused_unit_id=tree.housing.pk, petitioners=[dict(name="司马光", phone="13900000002")])
    act(case, tree.registrar, "transfer", unit_id=tree.court.pk)  # never to the accused unit
    from xinfang.core.models import CaseUnit
    CaseUnit.objects.get_or_create(case=case, unit=tree.housing)  # suppose it once held the case
    assert numbers(tree.handler_h, "收受好处") == [case.number]
    assert numbers(tree.handler_h, "司马光") == []
    hit = cases_search(user=tree.handler_h, q="收受好处").hits[0]
    assert hit.names_html == ""
    assert numbers(tree.registrar, "司马光") == [case.number]


def test_highlight_escapes_html(tree):
    register(tree, title="<script>alert(1)</script>物业收费", content="物业 <b>乱收费</b> & 停车费上涨")
    hit = cases_search(user=tree.registrar, q="停车费").hits[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<b>" not in hit.snippet_html and "&lt;b&gt;" in hit.snippet_html
    assert "&amp;" in hit.snippet_html
    assert "<mark>停车费</mark>" in hit.snippet_html


@pytest.mark.parametrize("q, field", [("", "q"), ("   ", "q"), ("！？。", "q"), ("字" * 101, "q")])
def test_bad_queries_are_refused_clearly(tree, q, field):
    with pytest.raises(ValidationFailed) as exc:
        cases_search(user=tree.registrar, q=q)
    assert exc.value.field == field


def test_bad_paging_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        cases_search(user=tree.registrar, q="路灯", limit="abc")
    assert exc.value.field == "limit"
    with pytest.raises(ValidationFailed):
        cases_search(user=tree.registrar, q="路灯", offset=-1)


def test_paging_has_next_without_counting(tree):
    for i in range(3):
        register(tree, title=f"路灯损坏{i}", content="小区路灯长期不亮。")
    first = cases_search(user=tree.registrar, q="路灯", limit=2)
    second = cases_search(user=tree.registrar, q="路灯", limit=2, offset=2)
    assert first.has_next and not second.has_next
    assert len({h.case.pk for h in first.hits + second.hits}) == 3


def _index_state():
    docs = list(SearchDocument.objects.order_by("pk").values_list("pk", "title_seg", "body_seg", "names_seg",
                                                                  "is_open", "answer_count"))
    bands = sorted(SameMatterBand.objects.values_list("key", "case_id"))
    places = sorted(SameMatterPlace.objects.values_list("name", "case_id"))
    return docs, bands, places


def test_reindex_rebuilds_the_same_index_and_is_idempotent(tree):
    open_case = register(tree, title="噪音扰民", content="东风路烧烤摊噪音很大，影响休息。")
    closed = build_on(tree, "closed", title="路灯损坏", content="小区路灯长期不亮。")
    before = _index_state()
    assert before[2], "the open case names a place"
    SearchDocument.objects.all().delete()
    SameMatterBand.objects.all().delete()
    SameMatterPlace.objects.all().delete()
    assert numbers(tree.registrar, "烧烤") == []
    assert search_reindex(batch_size=1) == Case.objects.count()
    assert _index_state() == before
    call_command("search", "reindex", "--batch", "2", stdout=open("/dev/null", "w"))
    assert _index_state() == before
    assert numbers(tree.registrar, "烧烤") == [open_case.number]
    assert numbers(tree.registrar, "路灯") == [closed.number]
    assert not SameMatterBand.objects.filter(case=closed).exists()


def test_the_engine_index_exists(tree):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_document_tsv'")
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'")
        assert cursor.fetchone() is not None


@pytest.mark.parametrize("scope_test_max", [0, 3000])
@pytest.mark.parametrize("first_range", [1, 3, 22])
def test_search_read_in_ranges_of_ids_finds_every_match_in_scope_and_no_other(tree, monkeypatch, first_range,
                                                                              scope_test_max):
    """PostgreSQL reads matches range by range of case ids (newest first), the scope's units
    ANDed in the index or, where the scope holds few cases of a range, each of them tested;
    whatever the ranges and the way, the same cases come back."""
    from xinfang.search import selectors

    monkeypatch.setattr(selectors, "WINDOW_FIRST", first_range)
    monkeypatch.setattr(selectors, "SCOPE_TEST_MAX", scope_test_max)
    mine = [build_on(tree, "assigned", title=f"烧烤油烟{i}", content="烧烤油烟扰民，晚上无法休息。") for i in range(3)]
    others = [register(tree, actor=tree.court_registrar, title=f"法院门口烧烤{i}", content="烧烤摊占道经营。")
              for i in range(25)]
    register(tree, title="路灯不亮", content="小区路灯坏了。")
    assert sorted(numbers(tree.handler_a, "烧烤")) == sorted(c.number for c in mine)
    assert numbers(tree.handler_b, "烧烤") == []
    page = cases_search(user=tree.leader, q="烧烤", limit=50)
    assert sorted(h.case.number for h in page.hits) == sorted(c.number for c in mine + others)
    assert not page.has_next
    first = cases_search(user=tree.leader, q="烧烤", limit=20)
    second = cases_search(user=tree.leader, q="烧烤", limit=20, offset=20)
    assert first.has_next and not second.has_next
    assert {h.case.pk for h in first.hits} | {h.case.pk for h in second.hits} == {c.pk for c in mine + others}


def test_names_and_words_together_across_ranges(tree, monkeypatch):
    from xinfang.search import selectors

    monkeypatch.setattr(selectors, "WINDOW_FIRST", 2)
    case = register(tree, title="路灯损坏", content="小区路灯长期不亮。", petitioners=[{"name": "欧阳明", "phone": "13900000001"}])
    for i in range(4):
        register(tree, title=f"路灯问题{i}", content="路灯坏了。")
    assert numbers(tree.registrar, "欧阳明 路灯") == [case.number]   # one word in the names, one in the text
    assert numbers(tree.registrar, "欧阳明 游泳池") == []


def test_a_narrow_scope_still_finds_its_older_matches(tree, monkeypatch):
    """Most matches outside a street handler's scope: ranges grown from its few matches still reach its oldest."""
    from xinfang.search import selectors

    monkeypatch.setattr(selectors, "WINDOW_FIRST", 22)
    monkeypatch.setattr(selectors, "RANGE_GROWTH", 1)
    mine = [build_on(tree, "assigned", title=f"烧烤油烟{i}", content="烧烤油烟扰民。") for i in range(3)]
    for i in range(40):
        register(tree, actor=tree.court_registrar, title=f"法院门口烧烤{i}", content="烧烤摊占道经营。")
    assert sorted(numbers(tree.handler_a, "烧烤")) == sorted(c.number for c in mine)
    assert numbers(tree.handler_a, "占道") == []


def test_a_unit_the_case_is_handed_to_finds_it_and_the_first_keeps_sight(tree):
    """Scope follows the case's units as they change after indexing: on PostgreSQL through
    the units stored on the search document (kept by triggers on core_caseunit)."""
    case = register(tree, title="烧烤油烟", content="烧烤油烟扰民，晚上无法休息。")
    assert numbers(tree.handler_a, "烧烤") == []
    assert numbers(tree.handler_b, "烧烤") == []
    act(case, tree.registrar, "assign", unit_id=tree.street_b.pk)
    assert numbers(tree.handler_b, "烧烤") == [case.number]
    act(case, tree.handler_b, "object", reason="不属本街道职责")
    act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    assert numbers(tree.handler_a, "烧烤") == [case.number]
    assert numbers(tree.handler_b, "烧烤") == [case.number]   # a unit keeps sight of what it held
    SearchDocument.objects.all().delete()
    search_reindex()
    assert numbers(tree.handler_a, "烧烤") == [case.number]
    assert numbers(tree.handler_b, "烧烤") == [case.number]
