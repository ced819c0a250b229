"""A petition walked from registration to conclusion through the services, as the
registrar, the street's handler and reviewer, the district and the city would."""
import datetime as dt

from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.selectors import case_actions_for, case_deadlines
from xinfang.core.services import case_transition
from xinfang.petitions.services import petition_register

PETITIONER = dict(name="张三", id_number="11010519491231002X", phone="13800138000", address="示范区甲街道1号")


def act(case, actor, action, **payload):
    case.refresh_from_db()
    return case_transition(case=case, actor=actor, action=action, version=case.version, payload=payload)


def test_registration_to_conclusion(tree):
    with clock.frozen(dt.date(2026, 1, 5)):
        case = petition_register(actor=tree.registrar, data=dict(
            title="小区路灯损坏", content="某小区路灯长期损坏，夜间出行不便。", channel="visit",
            petitioners=[PETITIONER]))
        assert case.number == "XF2026-SFQXFJ-00001"
        assert case.status == "registered" and case.owner_unit == tree.bureau
        [notice] = case_deadlines(case=case)
        assert (notice["key"], notice["due_date"]) == ("acceptance_notice", dt.date(2026, 1, 20))
        assert {t.action for t in case_actions_for(user=tree.registrar, case=case)} >= {"assign", "accept", "decline"}
        assert case_actions_for(user=tree.handler_a, case=case) == []

        act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
        act(case, tree.handler_a, "accept")
        act(case, tree.handler_a, "submit_answer", decision="support", facts="经查属实，已修复。",
            legal_basis="《城市道路照明管理规定》")
        act(case, tree.reviewer_a, "approve_answer")
    with clock.frozen(dt.date(2026, 1, 20)):
        act(case, tree.registrar, "request_review", reason="不满意处理结果")
        case.refresh_from_db()
        assert case.owner_unit == tree.district
        act(case, tree.district_reviewer, "accept_review")
        act(case, tree.district_reviewer, "answer_review", decision="uphold", facts="原处理正确。", legal_basis="条例第35条")
        act(case, tree.registrar, "request_rereview", reason="仍不满意")
        case.refresh_from_db()
        assert case.owner_unit == tree.city
        act(case, tree.city_reviewer, "accept_rereview")
        act(case, tree.city_reviewer, "answer_rereview", decision="uphold", facts="维持。", legal_basis="条例第36条")

    case.refresh_from_db()
    assert case.status == "concluded" and not case.is_open and case.version == 11
    assert [e.action for e in case.events.order_by("seq")] == [
        "register", "assign", "accept", "submit_answer", "approve_answer", "request_review", "accept_review",
        "answer_review", "request_rereview", "accept_rereview", "answer_rereview"]
    assert all(d["state"] == "met" for d in case_deadlines(case=case))
    verdict = audit_verify()
    assert verdict.ok and verdict.checked == 11
