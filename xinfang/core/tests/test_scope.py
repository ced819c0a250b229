"""Data scope: what each user can see through the selectors. A case outside the scope is
"not found", with the same message as a case that does not exist."""
import pytest

from xinfang.core import clock
from xinfang.core.errors import NotFound
from xinfang.core.selectors import case_get_for, cases_visible_to, cases_worklist_for
from xinfang.core.services import case_transition
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import BASE_DAY, act, build, register


@pytest.fixture
def cases(tree):
    with clock.frozen(BASE_DAY):
        return {
            "at_bureau": register(tree),                                   # never handed on
            "to_a": build(tree, "accepted"),                               # bureau → 甲街道
            "to_b": _assigned(tree, tree.street_b),                        # bureau → 乙街道
            "at_a": register(tree, actor=tree.registrar_a),                # registered by 甲街道
            "to_grid": _assigned(tree, tree.grid),                         # bureau → 一网格 (below 甲街道)
            "to_court": build(tree, "transferred"),                        # out of the 区
            "escalated": build(tree, "under_review"),                      # 甲街道 → 示范区 (复查)
        }


def _assigned(tree, unit):
    case = register(tree)
    act(case, tree.registrar, "assign", unit_id=unit.pk)
    return case


def visible(user) -> set[str]:
    return set(cases_visible_to(user=user).values_list("number", flat=True))


def names(cases, *keys) -> set[str]:
    return {cases[k].number for k in keys}


def test_own_unit_scope_sees_only_cases_its_unit_held(tree, cases):
    assert visible(tree.handler_a) == names(cases, "to_a", "at_a", "escalated")
    assert visible(tree.handler_b) == names(cases, "to_b")
    assert visible(tree.court_registrar) == names(cases, "to_court")
    assert visible(tree.district_reviewer) == names(cases, "escalated")
    assert visible(tree.city_reviewer) == set()


def test_subtree_scope_sees_below_but_not_beside_or_above(tree, cases):
    street_lead = tree.user("street_lead", tree.street_a, "reviewer", scope=DataScope.SUBTREE)
    assert visible(street_lead) == names(cases, "to_a", "at_a", "to_grid", "escalated")
    district_lead = tree.user("district_lead", tree.district, "reviewer", scope=DataScope.SUBTREE)
    # the transferred one too: its registering unit, the 信访局, is in the 区
    assert visible(district_lead) == names(cases, *cases)
    grid_worker = tree.user("grid_worker", tree.grid, "mediator", scope=DataScope.SUBTREE)
    assert visible(grid_worker) == names(cases, "to_grid")


def test_all_scope_and_superusers_see_everything(tree, cases):
    everything = names(cases, *cases)
    assert visible(tree.leader) == everything
    admin = tree.user("admin", tree.street_b, "admin")
    admin.is_superuser = True
    admin.save()
    assert visible(admin) == everything
    nowhere = tree.user("nowhere", tree.street_a, "handler")
    nowhere.unit = None
    nowhere.save()
    assert visible(nowhere) == set()


def test_a_unit_keeps_seeing_what_it_handed_on(tree, cases):
    # the 信访局 registered every one of its cases and handed most on
    assert visible(tree.registrar) == names(cases, *cases) - names(cases, "at_a")
    # 甲街道 answered, the case went up for 复查: the street still sees it
    assert cases["escalated"].number in visible(tree.reviewer_a)
    # but it is no longer on the street's worklist
    assert cases["escalated"].number not in {c.number for c in cases_worklist_for(user=tree.reviewer_a)}
    assert cases["to_a"].number in {c.number for c in cases_worklist_for(user=tree.reviewer_a)}


def test_case_get_for_says_not_found_alike_for_missing_and_forbidden(tree, cases):
    number = cases["to_a"].number
    assert case_get_for(user=tree.handler_a, number=number).pk == cases["to_a"].pk
    with pytest.raises(NotFound) as forbidden:
        case_get_for(user=tree.handler_b, number=number)
    with pytest.raises(NotFound) as missing:
        case_get_for(user=tree.handler_b, number="XF2026-SFQXFJ-99999")
    assert forbidden.value.as_dict() == missing.value.as_dict()
    assert forbidden.value.message == "未找到该记录，或无权查看。"


def test_a_user_outside_the_scope_cannot_act_on_a_case(tree, cases):
    case = cases["to_a"]
    case.refresh_from_db()
    with pytest.raises(NotFound):
        case_transition(case=case, actor=tree.handler_b, action="submit_answer", version=case.version,
                        payload={})
    assert case.events.count() == 3
