"""The case engine itself: the table's self-checks, refusals of case_transition in order,
optimistic locking, identity helpers and the error shape."""
import pytest
from django.core.management import call_command

from xinfang.core import clock
from xinfang.core.errors import Conflict, NotFound, TransitionNotAllowed, ValidationFailed
from xinfang.core.identity import (address_mask, id_number_check_digit, id_number_mask, id_number_problem,
                                   phone_mask, phone_problem)
from xinfang.core.selectors import case_actions_for, case_timeline
from xinfang.core.services import case_transition
from xinfang.core.workflow import CREATE, State, Transition, Who, Workflow, workflow_for
from xinfang.petitions.tests.builders import ANSWER, BASE_DAY, build, register, snapshot


def test_a_table_with_an_unknown_state_is_rejected():
    with pytest.raises(ValueError):
        Workflow(kind="t", label="t", number_prefix="T", states=[State("a", "甲")],
                 transitions=[Transition("go", "走", ("a",), "b", (Who("registrar"),))])
    with pytest.raises(ValueError):
        Workflow(kind="t", label="t", number_prefix="T", states=[State("a", "甲")],
                 transitions=[Transition("make", "建", (CREATE,), None, (Who("registrar"),))])
    with pytest.raises(ValueError):
        Workflow(kind="t", label="t", number_prefix="T", states=[State("a", "甲", open=False)], transitions=[])


def test_the_diagram_is_drawn_from_the_table():
    wf = workflow_for("petition")
    diagram = wf.mermaid()
    assert diagram.startswith("stateDiagram-v2")
    for t in wf.transitions.values():
        assert t.label in diagram
    assert "concluded --> [*]" in diagram and "registered --> assigned: 交办" in diagram


def test_workflow_check_command_passes(db):
    from io import StringIO

    out = StringIO()
    call_command("workflow_check", stdout=out)
    assert "流程表检查通过" in out.getvalue()


def test_refusals_in_order_and_nothing_changes(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "accepted")
        case.refresh_from_db()
        before = snapshot(case)
        with pytest.raises(TransitionNotAllowed) as exc:
            case_transition(case=case, actor=tree.handler_a, action="fly", version=case.version)
        assert exc.value.field == "action"
        with pytest.raises(TransitionNotAllowed):     # the creating transition cannot be taken again
            case_transition(case=case, actor=tree.registrar, action="register", version=case.version)
        with pytest.raises(NotFound):
            case_transition(case=case, actor=None, action="submit_answer", version=case.version, payload=ANSWER)
        with pytest.raises(ValidationFailed) as exc:
            case_transition(case=case, actor=tree.handler_a, action="submit_answer", version=case.version,
                            payload=dict(ANSWER, facts=""))
        assert exc.value.field == "facts" and "查明事实与理由" in exc.value.message
        with pytest.raises(Conflict) as exc:
            case_transition(case=case, actor=tree.handler_a, action="submit_answer", version=case.version - 1,
                            payload=ANSWER)
        assert exc.value.status == 409 and exc.value.field == "version"
        with pytest.raises(TransitionNotAllowed) as exc:
            case_transition(case=case, actor=tree.reviewer_a, action="approve_answer", version=case.version)
        assert "已受理" in exc.value.message
        assert snapshot(case) == before


def test_a_stale_writer_is_refused_after_another_wrote(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "accepted")
        case.refresh_from_db()
        seen = case.version
        case_transition(case=case, actor=tree.handler_a, action="submit_answer", version=seen, payload=ANSWER)
        case.refresh_from_db()
        before = snapshot(case)
        with pytest.raises(Conflict):
            case_transition(case=case, actor=tree.reviewer_a, action="suspend", version=seen,
                            payload={"reason": "需要举行听证"})
        assert snapshot(case) == before


def test_actions_offered_are_the_ones_that_work(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree)
    offered = {t.action for t in case_actions_for(user=tree.registrar, case=case)}
    assert offered == {"decline", "merge_as_repeat", "assign", "transfer", "accept", "designate_handler"}
    assert case_actions_for(user=tree.handler_b, case=case) == []
    assert {t.action for t in case_actions_for(user=None, case=case, actor_kind="public")} == set()


def test_public_timeline_is_a_filtered_view_of_the_events(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "answered")
    everything = case_timeline(case=case)
    public = case_timeline(case=case, public=True)
    assert [e.action for e in everything] == ["register", "assign", "accept", "submit_answer", "approve_answer"]
    assert [e.action for e in public] == ["register", "assign", "accept", "approve_answer"]
    assert public[1].public_text == "交办至甲街道"


@pytest.mark.parametrize("value, problem", [
    ("11010519491231002X", None),
    ("110105194912310021", "校验位"),
    ("110105194902300020", "出生日期"),
    ("1101051949123100", "18位"),
    ("11010519491231002Y", "18位"),
])
def test_id_number_problems(value, problem):
    found = id_number_problem(value)
    assert found is None if problem is None else problem in found


def test_check_digit_and_masks():
    assert id_number_check_digit("11010519491231002") == "X"
    assert id_number_mask("11010519491231002X") == "1101**********002X"
    assert phone_mask("13800138000") == "138****8000"
    assert address_mask("示范区甲街道1号楼") == "示范区甲街道……"
    assert phone_problem("13800138000") is None and phone_problem("010-12345678") is None
    assert phone_problem("12345") is not None and phone_problem("23800138000") is not None


def test_error_shape():
    err = ValidationFailed("标题为必填项。", field="title")
    assert err.as_dict() == {"code": "invalid", "message": "标题为必填项。", "field": "title"}
    assert NotFound().status == 404 and Conflict("x").code == "conflict"
