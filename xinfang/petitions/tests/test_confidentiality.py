"""Identity protection (信访工作条例 Art 30, 46): an accusation's petitioner is never shown
to the accused unit or anyone below it; everyone else sees masked data unless their role
may unmask, and each unmasking is audited."""
import json

import pytest

from xinfang.audit.models import AuditEntry
from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.orgs.models import DataScope, Unit, UnitLevel
from xinfang.petitions.selectors import petition_parties_for, petitioner_summary_for

from .builders import BASE_DAY, register

ACCUSER = dict(name="赵六", id_number="11010519491231002X", phone="13912345678", address="示范区乙街道幸福路88号")


@pytest.fixture
def accusation(tree):
    with clock.frozen(BASE_DAY):
        return register(tree, claim_type="accusation", accused_unit_id=tree.housing.pk,
                        title="检举住建局工作人员", content="反映住建局某科室工作人员违规审批的问题。",
                        petitioners=[ACCUSER])


def leaks(parties) -> list[str]:
    text = json.dumps(parties, ensure_ascii=False)
    return [v for v in (ACCUSER["name"], ACCUSER["id_number"], ACCUSER["phone"], ACCUSER["address"],
                        ACCUSER["phone"][-4:], ACCUSER["id_number"][-4:]) if v in text]


def test_the_accused_unit_and_units_below_it_never_see_the_accuser(tree, accusation):
    section = Unit.objects.create(name="住建局审批科", short_code="ZJJSPK", level=UnitLevel.DEPARTMENT,
                                  parent=tree.housing)
    section.refresh_from_db()
    people = [tree.handler_h, tree.reviewer_h,
              tree.user("housing_head", tree.housing, "leader", "registrar", scope=DataScope.ALL),
              tree.user("section_clerk", section, "registrar", scope=DataScope.ALL)]
    audit_before = AuditEntry.objects.count()
    for user in people:
        for unmask in (False, True):
            parties = petition_parties_for(user=user, case=accusation, unmask=unmask)
            assert leaks(parties) == [], user
            assert parties[0]["hidden"] is True and parties[0]["name"] == "（依法保密）"
        assert petitioner_summary_for(user=user, case=accusation) == "（依法保密）"
    assert AuditEntry.objects.count() == audit_before        # nothing was unmasked, nothing to audit


def test_others_see_masked_values(tree, accusation):
    [p] = petition_parties_for(user=tree.registrar, case=accusation)
    assert p["name"] == "赵六" and p["masked"] is True
    assert p["id_number"] == "1101**********002X" and p["phone"] == "139****5678"
    assert p["address"] == "示范区乙街道……"
    assert petitioner_summary_for(user=tree.registrar, case=accusation) == "赵六"


def test_unmasking_by_an_allowed_role_is_audited(tree, accusation):
    before = AuditEntry.objects.count()
    [p] = petition_parties_for(user=tree.registrar, case=accusation, unmask=True)
    assert (p["id_number"], p["phone"], p["address"], p["masked"]) == (
        ACCUSER["id_number"], ACCUSER["phone"], ACCUSER["address"], False)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor_id, entry.object_id) == ("case.unmask_parties", tree.registrar.pk,
                                                               accusation.number)
    assert audit_verify().ok


def test_a_role_that_may_not_unmask_gets_masked_data_and_no_audit_entry(tree, accusation):
    supervisor = tree.user("supervisor", tree.bureau, "supervisor", scope=DataScope.SUBTREE)
    before = AuditEntry.objects.count()
    [p] = petition_parties_for(user=supervisor, case=accusation, unmask=True)
    assert p["masked"] is True and p["id_number"] == "1101**********002X" and p["phone"] == "139****5678"
    assert AuditEntry.objects.count() == before


def test_a_request_is_not_confidential_towards_the_unit_it_concerns(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree, petitioners=[ACCUSER])
    [p] = petition_parties_for(user=tree.handler_h, case=case)
    assert p["name"] == "赵六" and p["hidden"] is False and p["masked"] is True
