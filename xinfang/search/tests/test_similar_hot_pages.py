"""Similar resolved cases, hot topics, the search page and the API handlers."""
from types import SimpleNamespace

import pytest

from xinfang.api import search as api
from xinfang.core.errors import ValidationFailed
from xinfang.petitions.tests.builders import ANSWER, build_on, register
from xinfang.search.demo import DEFAULT_CSV, similar_demo_corpus_load
from xinfang.search.selectors import cases_similar_resolved
from xinfang.search.topics import hot_topics_for

pytestmark = pytest.mark.django_db

PARKING = dict(title="阳光小区物业乱收停车费", content="阳光小区物业公司擅自将地面停车费从每月100元提高到300元，未经业主大会同意，请求查处。")
PARKING_2 = dict(title="绿地小区物业停车费上涨", content="绿地小区物业公司未经业主同意上调停车费，业主不满，请求规范物业收费。")
SCHOOL = dict(title="学校食堂卫生差", content="某中学食堂卫生条件差，学生多次腹泻，请求卫生部门检查。")


def test_similar_resolved_shows_closed_cases_with_their_answers(tree):
    closed = build_on(tree, "closed", **PARKING)
    build_on(tree, "closed", **SCHOOL)
    still_open = register(tree, **PARKING)
    current = register(tree, **PARKING_2)
    items = cases_similar_resolved(user=tree.registrar, case=current)
    assert [s.case.pk for s in items] == [closed.pk]
    assert items[0].answers and items[0].answers[0].facts == ANSWER["facts"]
    assert "停车费" in items[0].shared
    assert still_open.pk not in [s.case.pk for s in items]


def test_similar_fragment_and_scope(client, tree):
    build_on(tree, "closed", **PARKING)
    current = register(tree, **PARKING_2)
    client.force_login(tree.registrar)
    body = client.get(f"/search/similar/{current.number}/", HTTP_HX_REQUEST="true").content.decode()
    assert "相似已办结案件" in body and "阳光小区物业乱收停车费" in body and "<html" not in body
    assert cases_similar_resolved(user=tree.handler_b, case=current) == []


def test_hot_topics_refuses_bad_days(client, tree):
    with pytest.raises(ValidationFailed) as exc:
        hot_topics_for(user=tree.registrar, days=0)
    assert exc.value.field == "days"
    client.force_login(tree.leader)
    assert client.get("/search/hot-topics/", {"days": "x"}).status_code == 422
    assert "热点问题" in client.get("/search/hot-topics/").content.decode()


def test_search_page(client, tree):
    case = register(tree, title="烧烤<油烟>扰民", content="东风路烧烤摊油烟很大，影响居民休息。")
    client.force_login(tree.registrar)
    page = client.get("/search/").content.decode()
    assert '<label for="search-q">' in page and "<html" in page
    body = client.get("/search/", {"q": "烧烤"}).content.decode()
    assert case.number in body and "<mark>烧烤</mark>&lt;油烟&gt;" in body
    assert "第 1–1 条" in body
    for i in range(3):
        register(tree, title=f"烧烤摊占道{i}", content="烧烤摊占道经营。")
    assert "第 1–2 条" in client.get("/search/", {"q": "烧烤", "limit": "2"}).content.decode()
    assert "第 3–4 条" in client.get("/search/", {"q": "烧烤", "limit": "2", "offset": "2"}).content.decode()
    bad = client.get("/search/", {"q": ""})
    assert bad.status_code == 422 and "请输入检索词" in bad.content.decode()
    assert client.get("/search/").status_code == 200


def test_search_page_needs_login(client, tree):
    assert client.get("/search/", {"q": "烧烤"}).status_code == 302


def test_api_handlers(tree):
    case = register(tree, title="烧烤油烟扰民", content="东风路烧烤摊油烟很大，影响居民休息。")
    request = SimpleNamespace(auth=tree.registrar)
    out = api.search(request, q="烧烤", limit=20, offset=0)
    assert out["items"][0]["number"] == case.number and "<mark>" in out["items"][0]["snippet_html"]
    assert api.case_same_matter(request, number=case.number) == []
    same = api.same_matter(request, title=case.title, content=case.content, place_unit_id=None)
    assert same[0]["number"] == case.number and same[0]["similarity"] == 1.0
    with pytest.raises(ValidationFailed):
        api.search(request, q=" ", limit=20, offset=0)


@pytest.mark.skipif(not DEFAULT_CSV.exists(), reason="public data not present")
def test_demo_corpus_loads_closed_cases_with_real_answers(tree):
    cases = similar_demo_corpus_load(registrar=tree.registrar, handler=tree.handler_a, reviewer=tree.reviewer_a,
                                     unit=tree.street_a, limit=3)
    assert len(cases) == 3 and all(c.status == "closed" and not c.is_open for c in cases)
    current = register(tree, title=cases[0].title, content=cases[0].content)
    assert cases[0].pk in [s.case.pk for s in cases_similar_resolved(user=tree.registrar, case=current)]
