"""The routing table: the most specific matching rule wins (deepest place, then deepest
category), its reason is shown, and with no rule the place's own street answers (属地)."""
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from xinfang.intake.models import RouteAction, RoutingRule
from xinfang.intake.selectors import routes_suggest, routing_rule_match, routing_rule_specificity
from xinfang.intake.services import routing_rules_demo_seed

pytestmark = pytest.mark.django_db


def rule(category, place, unit, reason="", **kw):
    return RoutingRule.objects.create(category=category, place_unit=place, responsible_unit=unit, reason=reason, **kw)


def test_the_deepest_place_wins_over_a_deeper_category(tree, categories):
    rule(categories.estate, None, tree.housing, "物业归住建局")
    rule(categories.town, tree.street_a, tree.street_a, "甲街道的城建事项属地先办")
    chosen = routing_rule_match(category_id=categories.estate.pk, place_unit=tree.community)
    assert chosen.responsible_unit == tree.street_a
    routes = routes_suggest(category_id=categories.estate.pk, place_unit=tree.community)
    assert [r.name for r in routes] == ["甲街道", "示范区住建局"]      # the other rule as an alternative
    assert routes[0].reason == "按「城乡建设」×「甲街道」规则交办「甲街道」：甲街道的城建事项属地先办"
    assert routes[1].reason.startswith("按「城乡建设/住房保障与房地产/物业管理」×「任何地点」规则")


def test_with_equal_places_the_deeper_category_wins(tree, categories):
    rule(categories.town, None, tree.street_b)
    rule(categories.housing, None, tree.housing)
    assert routing_rule_match(category_id=categories.estate.pk, place_unit=tree.grid).responsible_unit == tree.housing
    # Another branch of the tree: the 城乡建设 rule does not apply to 教育文体.
    assert routing_rule_match(category_id=categories.edu.pk, place_unit=tree.grid) is None


def test_inactive_rules_and_other_places_do_not_match(tree, categories):
    rule(categories.town, tree.street_b, tree.street_b)
    rule(categories.town, tree.street_a, tree.housing, is_active=False)
    assert routing_rule_match(category_id=categories.town.pk, place_unit=tree.community) is None


def test_no_rule_falls_back_to_the_street_of_the_place(tree, categories):
    routes = routes_suggest(category_id=categories.edu.pk, place_unit=tree.grid)
    assert [(r.name, r.action) for r in routes] == [("甲街道", RouteAction.ASSIGN)]
    assert "属地管理" in routes[0].reason and "第二十二条" in routes[0].reason
    assert routes_suggest(category_id=categories.edu.pk, place_unit=None) == []


def test_transfer_rules_say_so(tree, categories):
    rule(categories.health, None, tree.court, "涉诉", action=RouteAction.TRANSFER)
    route = routes_suggest(category_id=categories.health.pk, place_unit=None)[0]
    assert route.action == "transfer" and "规则转送「示范市中级人民法院」：涉诉" in route.reason


def _ancestors_or_self(category):
    out = []
    while category is not None:
        out.append(category.pk)
        category = category.parent
    return out


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_chosen_rule_is_never_less_specific_than_another_matching_rule(tree, categories, data):
    RoutingRule.objects.all().delete()
    cats = [None, categories.town, categories.housing, categories.estate, categories.edu, categories.health]
    places = [None, tree.city, tree.district, tree.street_a, tree.community, tree.grid, tree.street_b]
    targets = [tree.housing, tree.street_a, tree.street_b, tree.court, tree.bureau]
    specs = data.draw(st.lists(st.tuples(st.sampled_from(cats), st.sampled_from(places), st.sampled_from(targets),
                                         st.booleans()), max_size=8), label="rules")
    made = []
    for c, p, u, active in specs:
        if not RoutingRule.objects.filter(category=c, place_unit=p, responsible_unit=u).exists():
            made.append(rule(c, p, u, is_active=active))
    query_cat = data.draw(st.sampled_from(cats[1:]), label="category")
    query_place = data.draw(st.sampled_from(places), label="place")
    matching = [r for r in made if r.is_active
                and (r.category is None or r.category.pk in _ancestors_or_self(query_cat))
                and (r.place_unit is None or (query_place is not None and query_place.path.startswith(r.place_unit.path)))]
    chosen = routing_rule_match(category_id=query_cat.pk, place_unit=query_place)
    if not matching:
        assert chosen is None
        return
    assert chosen is not None and chosen.pk in {r.pk for r in matching}
    best = routing_rule_specificity(chosen)
    for other in matching:
        assert best >= routing_rule_specificity(other)


def test_demo_seed_creates_rules_for_the_units_and_categories_there(tree, categories):
    # The fixture tree has 住建局 (SFQZJJ) but not the demo's streets: only what exists is seeded.
    assert routing_rules_demo_seed() == 1
    assert routing_rules_demo_seed() == 0       # idempotent
    only = RoutingRule.objects.get()
    assert (only.category, only.place_unit, only.responsible_unit) == (categories.town, None, tree.housing)
