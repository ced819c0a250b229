"""What a registrar gets while typing, the routing advice on a case page, the API, and
retraining on the deployment's own cases."""
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse

from xinfang.api import intake as api
from xinfang.audit.models import AuditEntry
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.intake.models import IntakeModel, RoutingRule
from xinfang.intake.selectors import classifier_active, intake_suggest
from xinfang.intake.services import classifier_train_from_cases, intake_model_activate
from xinfang.petitions.tests.builders import register

from .corpus import corpus_rows

pytestmark = pytest.mark.django_db

ESTATE = dict(title="青松社区物业乱收停车费", content="甲街道一社区的物业公司擅自上调停车费，电梯坏了也不维修。")


@pytest.fixture
def rules(tree, categories):
    RoutingRule.objects.create(category=categories.town, place_unit=None, responsible_unit=tree.housing,
                               reason="住房城乡建设事项由住建局主管")
    RoutingRule.objects.create(category=categories.town, place_unit=tree.street_a, responsible_unit=tree.street_a,
                               reason="物业纠纷属地街道先行调处")


def test_suggestion_gives_top_three_categories_places_and_the_unit_with_its_reason(tree, categories, rules):
    s = intake_suggest(title=ESTATE["title"], content=ESTATE["content"])
    assert [c.name for c in s.categories][0] == "城乡建设" and len(s.categories) == 3
    assert s.categories[0].category_id == categories.town.pk
    assert s.categories[0].confidence > s.categories[1].confidence
    assert {p.unit_name for p in s.places} >= {"甲街道", "一社区"}
    assert s.routes[0].name == "甲街道" and "按「城乡建设」×「甲街道」规则" in s.routes[0].reason
    assert "推荐分类" in s.category_for_routing and "文中提到" in s.place_for_routing


def test_named_places_of_the_account_are_listed_and_route_nothing(tree, categories, rules):
    s = intake_suggest(title="丽发新城小区旁搅拌站噪音扰民", content="甲街道丽发新城小区南面的搅拌站每天夜里施工。")
    assert [(p.name, p.kind, p.unit_id) for p in s.places if p.kind == "地名"] == [("丽发新城", "地名", None)]
    assert s.places[0].unit_name == "甲街道"          # the tree's units first: they route
    assert "文中提到" in s.place_for_routing and "甲街道" in s.place_for_routing


def test_a_chosen_category_and_place_override_the_guesses(tree, categories, rules):
    s = intake_suggest(title=ESTATE["title"], content=ESTATE["content"], category_id=categories.edu.pk,
                       place_unit_id=tree.street_b.pk)
    assert s.routes[0].name == "乙街道" and "属地管理" in s.routes[0].reason   # no 教育文体 rule: 属地
    assert "已选分类" in s.category_for_routing and "已选发生地" in s.place_for_routing


def test_fragment_has_fill_buttons_and_a_full_page_without_htmx(client, tree, categories, rules):
    client.force_login(tree.registrar)
    r = client.get("/intake/suggest/", {**ESTATE, "category_id": "", "place_unit_id": ""}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body
    assert f'data-fill="category_id" data-value="{categories.town.pk}"' in body
    assert "建议责任单位" in body and "甲街道" in body and "物业纠纷属地街道先行调处" in body
    page = client.get("/intake/suggest/", ESTATE).content.decode()
    assert "<html" in page and "返回登记" in page and "登记建议" in page


def test_empty_text_gets_a_hint_and_bad_ids_a_clear_message(client, tree):
    client.force_login(tree.registrar)
    r = client.get("/intake/suggest/", {"title": " ", "content": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "填写标题或内容后" in r.content.decode()
    r = client.get("/intake/suggest/", {"title": "物业", "category_id": "abc"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "分类不是有效的选项" in r.content.decode()


def test_suggest_needs_a_login(client):
    assert client.get("/intake/suggest/", ESTATE).status_code == 302


def test_route_fragment_for_a_visible_case_and_404_outside_scope(client, tree, categories, rules):
    case = register(tree, **ESTATE, category_id=categories.estate.pk, place_unit_id=tree.community.pk)
    client.force_login(tree.registrar)
    body = client.get(f"/intake/route/{case.number}/", HTTP_HX_REQUEST="true").content.decode()
    assert "交办建议" in body and "甲街道" in body and "按「城乡建设」×「甲街道」规则" in body
    client.force_login(tree.handler_b)
    assert client.get(f"/intake/route/{case.number}/").status_code == 404
    assert client.get("/intake/route/NO-SUCH/").status_code == 404


def test_api_handlers_answer_and_respect_scope(tree, categories, rules):
    out = api.intake_suggest_endpoint(SimpleNamespace(auth=tree.registrar), api.SuggestIn(**ESTATE))
    assert out["categories"][0] == {"category_id": categories.town.pk, "name": "城乡建设",
                                    "confidence": out["categories"][0]["confidence"]}
    assert out["units"][0]["unit_id"] == tree.street_a.pk and out["units"][0]["action"] == "assign"
    assert any(p["unit_id"] == tree.community.pk for p in out["places"])
    case = register(tree, **ESTATE, category_id=categories.town.pk)
    assert api.intake_case_route(SimpleNamespace(auth=tree.registrar), case.number)["units"]
    with pytest.raises(NotFound):
        api.intake_case_route(SimpleNamespace(auth=tree.handler_b), case.number)


def test_api_over_http_when_mounted(client, tree, categories, rules):
    try:
        url = reverse("api:intake_suggest")
    except NoReverseMatch:
        pytest.skip("xinfang/api/api.py does not mount the intake router yet")

    client.force_login(tree.registrar)
    r = client.post(url, {"title": ESTATE["title"], "content": ESTATE["content"]}, content_type="application/json")
    assert r.status_code == 200 and r.json()["units"][0]["name"] == "甲街道"
    case = register(tree, **ESTATE)
    client.force_login(tree.handler_b)
    r = client.get(reverse("api:intake_case_route", args=[case.number]))
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def _cases_from_corpus(tree, categories, n=14):
    label_to_cat = {"城乡建设": categories.estate, "教育文体": categories.edu, "卫生计生": categories.health}
    for row in corpus_rows(n_per_label=n, seed=11):
        register(tree, title=row["标题"], content=row["内容"], category_id=label_to_cat[row["类别"]].pk)


def test_retraining_on_own_cases_records_and_activates_a_model(tree, categories, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _cases_from_corpus(tree, categories)
    row = classifier_train_from_cases(actor=tree.leader, level=1, min_cases=30)
    assert row.is_active and row.sample_count == 42 and row.heldout_count > 0
    assert set(row.labels) == {"城乡建设", "教育文体", "卫生计生"} and 0 <= row.heldout_macro_f1 <= 1
    assert (tmp_path / row.path).is_file()
    assert classifier_active().sample_count == 42           # the page now uses it
    assert AuditEntry.objects.filter(action="intake.model.activate", object_id=str(row.pk)).exists()
    # Labels by path at level 2: the model's labels still map onto the tree.
    row2 = classifier_train_from_cases(actor=tree.leader, level=2, min_cases=30)
    assert "城乡建设/住房保障与房地产" in row2.labels and IntakeModel.objects.filter(is_active=True).get() == row2
    s = intake_suggest(title="小区电梯坏了物业不修", content="")
    assert s.categories[0].category_id == categories.housing.pk
    intake_model_activate(actor=tree.leader, model=None)
    assert not IntakeModel.objects.filter(is_active=True).exists()


def test_retraining_with_too_few_cases_is_refused_and_changes_nothing(tree, categories, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    register(tree, **ESTATE, category_id=categories.town.pk)
    with pytest.raises(ValidationFailed, match="至少需要 50 件"):
        classifier_train_from_cases(actor=tree.leader)
    assert not IntakeModel.objects.exists() and not (tmp_path / "intake_models").exists()
    with pytest.raises(ValidationFailed, match="分类层级"):
        classifier_train_from_cases(actor=tree.leader, level=5)


def test_admin_retrain_button_and_activate_action(client, tree, categories, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    admin_user = tree.user("root", tree.bureau, "admin")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    r = client.post(reverse("admin:intake_intakemodel_retrain"), {"level": "1"}, follow=True)
    assert "至少需要 50 件" in r.content.decode() and not IntakeModel.objects.exists()
    _cases_from_corpus(tree, categories, n=18)
    r = client.post(reverse("admin:intake_intakemodel_retrain"), {"level": "1"}, follow=True)
    assert "已用 54 条样本训练并启用" in r.content.decode()
    first = IntakeModel.objects.get()
    intake_model_activate(actor=admin_user, model=None)
    r = client.post(reverse("admin:intake_intakemodel_changelist"),
                    {"action": "activate_selected", "_selected_action": [first.pk]}, follow=True)
    first.refresh_from_db()
    assert first.is_active and "已启用所选模型" in r.content.decode()
    r = client.get(reverse("admin:intake_routingrule_add"))
    assert r.status_code == 200 and "责任单位" in r.content.decode()
