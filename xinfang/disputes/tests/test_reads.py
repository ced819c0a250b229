"""Reads: "小事不出村、大事不出镇" counts, petitions linked both ways, parties masked by role."""
import datetime as dt

import pytest

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.disputes.selectors import (
    dispute_facts_for,
    dispute_get_for,
    dispute_petition_links_for,
    disputes_resolution_by_level,
)
from xinfang.disputes.services import dispute_from_petition
from xinfang.orgs.models import Role
from xinfang.petitions.tests.builders import act as petition_act
from xinfang.petitions.tests.builders import register as petition_register

from .builders import (
    AGREEMENT,
    BASE_DAY,
    SESSION,
    act,
    build,
    mediators,
    party,
    register,
)

D = dt.date


def _agree(case, actor, day):
    act(case, actor, "accept", mediators="调解员甲")
    act(case, actor, "record_session", held_on=day.isoformat(), **SESSION)
    act(case, actor, "sign_agreement", **dict(AGREEMENT, signed_on=day.isoformat(),
                                               performance_by=(day + dt.timedelta(days=5)).isoformat()))


def test_resolution_is_counted_by_the_level_that_resolved_it(tree):
    mediators(tree)
    with clock.frozen(BASE_DAY):
        for _ in range(3):                                  # three in the community
            _agree(register(tree), tree.mediator_c, BASE_DAY)
        grid = register(tree, actor=tree.mediator_g)        # one in a grid: counts as 村级
        _agree(grid, tree.mediator_g, BASE_DAY)
        street = register(tree)                             # one handed to the street and resolved there
        act(street, tree.mediator_c, "hand_over", track="people", unit_id=tree.street_a.pk, reason="社区调解不成，提交街道调委会")
        _agree(street, tree.handler_a, BASE_DAY)
        court = register(tree)                              # one to the court
        act(court, tree.mediator_c, "hand_over", track="judicial", unit_id=tree.court.pk, reason="诉前调解")
        _agree(court, tree.court_registrar, BASE_DAY)
        build(tree, "ended")
        build(tree, "mediating")
    counts = disputes_resolution_by_level(user=tree.leader, date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))
    by = {row["code"]: row["count"] for row in counts["levels"]}
    assert by == {"village": 4, "town": 1, "district": 0, "outside": 1}
    assert counts["resolved"] == 6 and counts["found"] == 8 and counts["ended"] == 1
    assert counts["village_share"] == round(100 * 4 / 6, 1) and counts["town_share"] == round(100 * 5 / 6, 1)
    street_only = disputes_resolution_by_level(user=tree.leader, date_from=D(2026, 3, 1), date_to=D(2026, 3, 31),
                                               unit=tree.street_a)
    assert street_only["resolved"] == 5
    before = disputes_resolution_by_level(user=tree.leader, date_from=D(2026, 2, 1), date_to=D(2026, 2, 28))
    assert before["resolved"] == 0 and before["village_share"] is None
    # Out of scope: the street-b handler sees nothing of it.
    assert disputes_resolution_by_level(user=tree.handler_b, date_from=D(2026, 3, 1),
                                        date_to=D(2026, 3, 31))["resolved"] == 0


def test_a_petition_becomes_a_dispute_linked_both_ways(tree):
    mediators(tree)
    with clock.frozen(BASE_DAY):
        petition = petition_register(tree, actor=tree.registrar_sub_a,
                                     petitioners=[party(id_number="11010519491231002X")])
        petition_act(petition, tree.registrar_sub_a, "assign", unit_id=tree.community.pk)
        with pytest.raises(ValidationFailed) as exc:
            dispute_from_petition(actor=tree.mediator_c, petition_number=petition.number, data={})
        assert exc.value.field == "dispute_type"
        with pytest.raises(NotFound):
            dispute_from_petition(actor=tree.handler_b, petition_number=petition.number, data={"dispute_type": "other"})
        case = dispute_from_petition(actor=tree.mediator_c, petition_number=petition.number,
                                     data={"dispute_type": "property", "note": "物业费争议，适宜调解"})
    assert case.title == petition.title and case.dispute.dispute_type == "property"
    assert [p.id_number for p in case.dispute_parties.all()] == ["11010519491231002X"]
    from_dispute = dispute_petition_links_for(user=tree.mediator_c, case=case)
    from_petition = dispute_petition_links_for(user=tree.mediator_c, case=petition)
    assert [(link["number"], link["direction"]) for link in from_dispute] == [(petition.number, "to_dispute")]
    assert [(link["number"], link["direction"]) for link in from_petition] == [(case.number, "to_dispute")]
    # Someone who sees the petition but not the dispute is told the number, not the content.
    bureau_side = dispute_petition_links_for(user=tree.registrar, case=petition)
    assert bureau_side == [] or not bureau_side[0]["visible"]


def test_parties_are_masked_unless_the_role_may_see_and_asks(tree):
    mediators(tree)
    with clock.frozen(BASE_DAY):
        case = register(tree, parties=[party(name="王五", id_number="11010519491231002X", phone="13800138000",
                                             address="示范区甲街道一社区8号楼302室"),
                                       party(kind="organisation", name="某物业公司", id_number="91370200MA3C12345X",
                                             side="respondent")])
    parties = dispute_facts_for(user=tree.mediator_c, case=case)["parties"]
    assert parties[0]["id_number"] == "1101**********002X" and parties[0]["phone"] == "138****8000"
    assert parties[0]["address"].endswith("……") and parties[1]["id_number"] == "91370200MA3C12345X"
    audits = AuditEntry.objects.count()
    # Asking without the right: still masked, nothing audited.
    assert dispute_facts_for(user=tree.mediator_c, case=case, unmask=True)["parties"][0]["masked"]
    assert AuditEntry.objects.count() == audits
    Role.objects.filter(code="mediator").update(sees_personal_data=True)
    tree.mediator_c.refresh_from_db()
    shown = dispute_facts_for(user=tree.mediator_c, case=case, unmask=True)["parties"][0]
    assert shown["phone"] == "13800138000" and not shown["masked"]
    assert AuditEntry.objects.filter(action="case.unmask_parties", object_id=case.number).exists()


def test_dispute_get_for_applies_the_scope(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree)
    assert dispute_get_for(user=tree.mediator_c, number=case.number) == case
    for user in (tree.handler_b, tree.registrar):
        with pytest.raises(NotFound):
            dispute_get_for(user=user, number=case.number)
    with clock.frozen(BASE_DAY):
        petition = petition_register(tree)
    with pytest.raises(NotFound):
        dispute_get_for(user=tree.registrar, number=petition.number)
