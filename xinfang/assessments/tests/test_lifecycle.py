"""A 稳评 walked from 立项 to the end of monitoring through the services, and every
transition of the table taken (and refused: wrong role, wrong state, bad payload)."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import Conflict, Forbidden, GuardFailed, NotFound, TransitionNotAllowed, ValidationFailed
from xinfang.core.models import Attachment, Deadline
from xinfang.core.workflow import CREATE, workflow_for

from ..models import Assessment, Consultation, DecisionMeeting, Monitoring, Plan, Rating
from .builders import (ANALYSIS, BASE_DAY, PLAN, REPORT, RISK, act, build, build_on, meeting, questionnaire,
                       register, snapshot)

PDF = b"%PDF-1.4 minimal"


def test_walk_from_registration_to_the_end_of_monitoring(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree, files=[("征收方案.pdf", PDF)])
    assert case.number.startswith("WP2026-SFQZJJ-")
    assert case.status == "registered" and case.owner_unit == tree.housing
    a = Assessment.objects.get(case=case)
    assert (a.affected_people, a.affected_households, a.decision_type) == (860, 312, "expropriation")
    assert Attachment.objects.filter(case=case, name="征收方案.pdf").exists()
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_h, "plan_submit", **PLAN)
    case.refresh_from_db()
    assert case.status == "consulting" and Plan.objects.get(case=case).round == 1
    with clock.frozen(BASE_DAY + dt.timedelta(days=3)):
        act(case, tree.handler_h, "consultation_add", form="notice", held_on="2026-03-03", participants=35,
            summary="公示期间收到反馈 35 条。")
        act(case, tree.handler_h, "consultation_add", form="visit", held_on="2026-03-04", participants=60,
            summary="走访住户 60 户。")
        act(case, tree.handler_h, "consultation_add", **questionnaire("low"))
        act(case, tree.handler_h, "consultation_add", form="hearing", held_on="2026-03-05", participants=25,
            summary="听证会代表 25 人。")
        act(case, tree.handler_h, "consultation_close", note="征求意见结束")
        act(case, tree.handler_h, "analysis_record", **ANALYSIS)
        act(case, tree.handler_h, "risk_point_add", **RISK)
        act(case, tree.reviewer_h, "report_submit", **REPORT)
    case.refresh_from_db()
    rating = Rating.objects.get(case=case)
    assert case.status == "rated" and rating.computed_level == rating.level == "low"
    assert "评定为低风险" in rating.computed_reason and rating.respondents == 200
    assert Consultation.objects.filter(case=case).count() == 4
    with clock.frozen(BASE_DAY + dt.timedelta(days=10)):
        act(case, tree.leader, "decide_implement", **meeting(), conditions="分片包户，先安置后拆除。")
    case.refresh_from_db()
    assert case.status == "implementing" and case.assessment.outcome == "implement"
    m = DecisionMeeting.objects.get(case=case)
    assert (m.body, m.attendees, m.level) == ("区政府常务会议", 11, "low")
    with clock.frozen(BASE_DAY + dt.timedelta(days=40)):
        act(case, tree.handler_h, "monitoring_add", checked_on="2026-04-10", situation="emerging",
            findings="个别住户对安置房楼层有意见。", measures="已协调调换。")
        act(case, tree.reviewer_h, "monitoring_close", note="征收安置完成，社会面平稳。")
    case.refresh_from_db()
    assert case.status == "completed" and not case.is_open and case.closed_at is not None
    assert Monitoring.objects.filter(case=case).count() == 1
    assert not Deadline.objects.filter(case=case, active=True).exists()
    actions = list(case.events.order_by("seq").values_list("action", flat=True))
    assert actions[:2] == ["register", "attachments_add"] and actions[-1] == "monitoring_close"


def test_every_transition_of_the_table_is_taken_by_some_builder_path(tree):
    """The table's actions are all reachable through the services (none is dead)."""
    wf = workflow_for("assessment")
    seen = set()
    for state in wf.states:
        with clock.frozen(BASE_DAY):
            case = build(tree, state, level="high" if state in ("deferred", "rejected") else "low")
        seen |= set(case.events.values_list("action", flat=True))
    with clock.frozen(BASE_DAY):
        case = build(tree, "rated", level="medium")
        act(case, tree.handler_h, "plan_revise", revision="调整补偿方案。", **PLAN)
    seen |= set(case.events.values_list("action", flat=True))
    assert set(wf.transitions) <= seen


def test_registration_refuses_bad_input_and_changes_nothing(tree):
    from xinfang.core.models import Case
    from .builders import assessment_data
    from ..services import assessment_register
    bad = [
        (dict(affected_people=0), "affected_people", "涉及群众人数"),
        (dict(affected_people="很多"), "affected_people", "涉及群众人数"),
        (dict(affected_households=900), "affected_households", "户数"),
        (dict(decision_type="bogus"), "decision_type", "决策类型"),
        (dict(title=""), "title", "决策事项名称"),
        (dict(location=" "), "location", "实施地点"),
        (dict(owner_unit_id=999999), "owner_unit_id", "决策承办单位"),
        (dict(place_unit_id=999999), "place_unit_id", "所在街道/社区"),
        (dict(received_date="2030-01-01"), "received_date", "立项日期"),
        (dict(extra="x"), "extra", "不认识"),
    ]
    with clock.frozen(BASE_DAY):
        for overrides, field, words in bad:
            with pytest.raises(ValidationFailed) as exc:
                assessment_register(actor=tree.handler_h, data=assessment_data(tree, **overrides))
            assert exc.value.field == field and words in exc.value.message, (overrides, exc.value.message)
        with pytest.raises(ValidationFailed) as exc:
            register(tree, files=[("病毒.pdf", b"MZ\x90\x00 not a pdf")])
        assert "格式不被接受" in exc.value.message
    assert not Case.objects.filter(kind="assessment").exists()
    assert not Assessment.objects.exists()


def test_registration_needs_a_staff_role(tree):
    from xinfang.core.models import Case
    with clock.frozen(BASE_DAY), pytest.raises(Forbidden):
        register(tree, actor=tree.registrar)
    assert not Case.objects.filter(kind="assessment").exists()


@pytest.mark.parametrize("state, actor, action, payload, error", [
    ("registered", "handler_a", "plan_submit", PLAN, NotFound),             # another unit: not even seen
    ("registered", "leader", "plan_submit", PLAN, Forbidden),               # a leader does not assess
    ("registered", "handler_h", "report_submit", REPORT, TransitionNotAllowed),
    ("registered", "handler_h", "plan_submit", dict(PLAN, end_date="2026-02-01"), ValidationFailed),
    ("registered", "handler_h", "plan_submit", dict(PLAN, assessor_kind="friend"), ValidationFailed),
    ("consulting", "handler_h", "consultation_close", {}, GuardFailed),      # no questionnaire yet
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), held_on="2026-03-20"), GuardFailed),
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), held_on="2025-12-01"), GuardFailed),
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), strongly_against=30), ValidationFailed),
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), support=190), ValidationFailed),
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), participants=0), ValidationFailed),
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), form="visit"), ValidationFailed),
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), against=-1), ValidationFailed),
    ("consulting", "handler_h", "consultation_add", dict(questionnaire("low"), summary=""), ValidationFailed),
    ("analysing", "handler_h", "report_submit", REPORT, GuardFailed),         # no analysis, no risk point
    ("analysing", "handler_h", "analysis_record", dict(ANALYSIS, legality=""), ValidationFailed),
    ("analysing", "handler_h", "risk_point_add", dict(RISK, measures=""), ValidationFailed),
    ("rated", "handler_h", "decide_implement", {}, Forbidden),               # only the decider records it
    ("rated", "leader", "decide_defer", dict(held_on="2026-03-02", body="区政府常务会议", attendees=0,
                                             minutes="会议研究。"), ValidationFailed),
    ("rated", "leader", "decide_reject", dict(held_on="2026-04-02", body="区政府常务会议", attendees=9,
                                              minutes="会议研究。"), GuardFailed),
    ("rated", "leader", "monitoring_add", {}, TransitionNotAllowed),
    ("implementing", "reviewer_h", "monitoring_close", dict(note="结束监测。"), GuardFailed),   # none recorded
    ("implementing", "handler_h", "monitoring_close", dict(note="结束监测。"), Forbidden),
    ("implementing", "handler_h", "monitoring_add", dict(checked_on="2026-03-02", situation="calm",
                                                         findings="平稳。"), ValidationFailed),
    ("completed", "reviewer_h", "withdraw", dict(reason="不再推进。"), TransitionNotAllowed),
    ("rated", "reviewer_h", "withdraw", dict(reason="不再推进。"), TransitionNotAllowed),
    ("registered", "handler_h", "withdraw", dict(reason="不再推进。"), Forbidden),
    ("registered", "reviewer_h", "withdraw", dict(reason=""), ValidationFailed),
])
def test_refused_steps_change_nothing(tree, state, actor, action, payload, error):
    case = build_on(tree, state)
    with clock.frozen(BASE_DAY):
        before = snapshot(case)
        with pytest.raises(error) as exc:
            act(case, getattr(tree, actor), action, **payload)
        assert exc.value.message
        assert snapshot(case) == before


def test_a_case_out_of_scope_is_not_found_and_a_stale_version_conflicts(tree):
    case = build_on(tree, "registered")
    with clock.frozen(BASE_DAY):
        before = snapshot(case)
        with pytest.raises(NotFound):
            act(case, tree.handler_b, "plan_submit", **PLAN)
        from xinfang.core.services import case_transition
        with pytest.raises(Conflict):
            case_transition(case=case, actor=tree.handler_h, action="plan_submit", version=case.version - 1,
                            payload=PLAN)
        assert snapshot(case) == before


def test_analysis_recorded_twice_keeps_the_latest(tree):
    from ..models import Analysis
    case = build_on(tree, "analysing")
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_h, "analysis_record", **ANALYSIS)
        act(case, tree.handler_h, "analysis_record", **dict(ANALYSIS, feasibility="资金分两年拨付。"))
    assert Analysis.objects.get(case=case).feasibility == "资金分两年拨付。"


def test_table_has_every_state_reachable_and_a_creating_transition(tree):
    wf = workflow_for("assessment")
    assert wf.number_prefix == "WP"
    assert wf.creating().action == "register"
    targets = {t.target for t in wf.transitions.values() if t.target}
    assert set(wf.states) == targets
    assert all(CREATE not in t.sources for a, t in wf.transitions.items() if a != "register")
