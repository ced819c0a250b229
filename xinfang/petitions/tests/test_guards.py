"""One test per guard of the petition table: each refusal names why and changes nothing."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import GuardFailed, ValidationFailed, XinfangError
from xinfang.core.selectors import case_actions_for
from xinfang.orgs.models import Unit

from .builders import BASE_DAY, REVIEW_ANSWER, act, build, build_on, register, snapshot

D = dt.date


def refused(case, actor, action, error=GuardFailed, **payload) -> XinfangError:
    case.refresh_from_db()
    before = snapshot(case)
    with pytest.raises(error) as exc:
        act(case, actor, action, **payload)
    assert snapshot(case) == before
    assert exc.value.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    return exc.value


def actions(user, case) -> set[str]:
    case.refresh_from_db()
    return {t.action for t in case_actions_for(user=user, case=case)}


# --- 交办 / 转送 ---------------------------------------------------------------------------

def test_assign_only_to_a_unit_below(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree)                               # held by the 信访局, acting for the 区
        for unit in (tree.district, tree.city, tree.bureau, tree.court):
            err = refused(case, tree.registrar, "assign", unit_id=unit.pk)
            assert err.field == "unit_id"
        refused(case, tree.registrar, "assign", unit_id=999999)
        act(case, tree.registrar, "assign", unit_id=tree.community.pk)    # two levels down is fine
        case.refresh_from_db()
        assert case.owner_unit == tree.community

        at_street = register(tree, actor=tree.registrar_a)            # held by 甲街道 itself
        for unit in (tree.street_b, tree.district, tree.street_a, tree.housing):   # sibling, up, itself
            refused(at_street, tree.registrar_a, "assign", unit_id=unit.pk)
        act(at_street, tree.registrar_a, "assign", unit_id=tree.grid.pk)


def test_assign_to_an_inactive_unit_is_refused(tree):
    Unit.objects.filter(pk=tree.street_b.pk).update(is_active=False)
    with clock.frozen(BASE_DAY):
        case = register(tree)
        assert refused(case, tree.registrar, "assign", unit_id=tree.street_b.pk).field == "unit_id"


def test_transfer_only_outside_the_subtree(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree)
        for unit in (tree.street_a, tree.housing, tree.district, tree.grid):
            err = refused(case, tree.registrar, "transfer", unit_id=unit.pk)
            assert err.field == "unit_id"
        act(case, tree.registrar, "transfer", unit_id=tree.court.pk)
        case.refresh_from_db()
        assert (case.status, case.owner_unit) == ("transferred", tree.court)


def test_accusation_never_goes_to_the_accused_unit_or_below(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree, claim_type="accusation", accused_unit_id=tree.street_a.pk,
                        title="检举街道工作人员", content="反映甲街道某工作人员收受好处费的问题。")
        for unit in (tree.street_a, tree.community, tree.grid):
            err = refused(case, tree.registrar, "assign", unit_id=unit.pk)
            assert "被检举控告" in err.message and err.field == "unit_id"
        act(case, tree.registrar, "assign", unit_id=tree.street_b.pk)

        against_court = register(tree, claim_type="accusation", accused_unit_id=tree.court.pk,
                                 title="检举法院工作人员", content="反映某法院工作人员违规办案的问题。")
        refused(against_court, tree.registrar, "transfer", unit_id=tree.court.pk)


# --- extension ---------------------------------------------------------------------------

def test_one_extension_of_at_most_thirty_days(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "extension_requested")
        err = refused(case, tree.reviewer_a, "approve_extension", ValidationFailed, days=31)
        assert err.field == "days"
        refused(case, tree.reviewer_a, "approve_extension", ValidationFailed, days=0)
        act(case, tree.reviewer_a, "approve_extension", days=30)
        assert "request_extension" not in actions(tree.handler_a, case)
        err = refused(case, tree.handler_a, "request_extension", days=5, reason="再申请一次")
        assert "一次" in err.message


# --- appeal windows ----------------------------------------------------------------------

def test_review_window_day_30_open_day_31_closed(tree):
    ok = build_on(tree, "answered")                         # answered 03-02 → window ends 04-01
    late = build_on(tree, "answered")
    with clock.frozen(D(2026, 4, 1)):
        act(ok, tree.registrar, "request_review", reason="对处理意见不服")
    with clock.frozen(D(2026, 4, 2)):
        assert "request_review" not in actions(tree.registrar, late)
        err = refused(late, tree.registrar, "request_review", reason="对处理意见不服")
        assert "2026年04月01日" in err.message
        refused(late, "public", "request_review", reason="对处理意见不服")


def test_review_window_ending_on_a_holiday_runs_to_the_next_working_day(tree):
    # answered Mon 2025-09-08: day 30 is 10-08 (National Day) → the window ends 10-09
    ok = build_on(tree, "answered", D(2025, 9, 8))
    late = build_on(tree, "answered", D(2025, 9, 8))
    with clock.frozen(D(2025, 10, 9)):
        act(ok, "public", "request_review", reason="对处理意见不服")
    with clock.frozen(D(2025, 10, 10)):
        refused(late, "public", "request_review", reason="对处理意见不服")


def test_rereview_window_day_30_open_day_31_closed(tree):
    ok = build_on(tree, "reviewed")                         # reviewed 03-02 → window ends 04-01
    late = build_on(tree, "reviewed")
    with clock.frozen(D(2026, 4, 1)):
        act(ok, tree.registrar, "request_rereview", reason="对复查意见不服")
    ok.refresh_from_db()
    assert (ok.status, ok.owner_unit) == ("rereview_requested", tree.city)
    with clock.frozen(D(2026, 4, 2)):
        refused(late, tree.registrar, "request_rereview", reason="对复查意见不服")


def test_no_review_above_the_top_of_the_tree(tree):
    with clock.frozen(BASE_DAY):
        case = register(tree, actor=tree.city_reviewer)     # registered and answered at the city
        act(case, tree.city_reviewer, "accept")
        handler = tree.user("city_handler", tree.city, "handler")
        act(case, handler, "submit_answer", decision="explain", facts="已作解释说明。", legal_basis="有关规定")
        act(case, tree.city_reviewer, "approve_answer")
        refused(case, tree.city_reviewer, "request_review", reason="对处理意见不服")


# --- decline / merge ---------------------------------------------------------------------

def test_decline_as_concluded_needs_a_concluded_case_number(tree):
    with clock.frozen(BASE_DAY):
        concluded = build(tree, "concluded")
        still_open = build(tree, "answered")
        case = register(tree)
        err = refused(case, tree.registrar, "decline", channel="concluded", reason="该事项已经复核终结")
        assert err.field == "concluded_case_number"
        err = refused(case, tree.registrar, "decline", channel="concluded", reason="该事项已经复核终结",
                      concluded_case_number=still_open.number)
        assert err.field == "concluded_case_number"
        refused(case, tree.registrar, "decline", channel="concluded", reason="该事项已经复核终结",
                concluded_case_number="XF2026-NOPE-00001")
        act(case, tree.registrar, "decline", channel="concluded", reason="该事项已经复核终结",
            concluded_case_number=concluded.number)
    case.refresh_from_db()
    assert (case.status, case.is_open, case.petition.decline_channel) == ("declined", False, "concluded")


def test_merge_only_with_the_same_person_and_an_open_target(tree):
    person = dict(name="李四", id_number="11010519491231002X", phone="13700137000")
    with clock.frozen(BASE_DAY):
        target = register(tree, petitioners=[person])
        other = register(tree)
        closed_target = register(tree, petitioners=[person])
        act(closed_target, tree.registrar, "decline", channel="arbitration", reason="属于劳动争议仲裁范围")
        # the same ID number, written by another clerk with a different phone
        case = register(tree, petitioners=[dict(name="李四", id_number="11010519491231002X")])
        assert refused(case, tree.registrar, "merge_as_repeat", case_number=other.number).field == "case_number"
        refused(case, tree.registrar, "merge_as_repeat", case_number=closed_target.number)
        refused(case, tree.registrar, "merge_as_repeat", case_number=case.number)
        refused(case, tree.registrar, "merge_as_repeat", case_number="XF2026-NOPE-00001")
        act(case, tree.registrar, "merge_as_repeat", case_number=target.number)
    case.refresh_from_db()
    assert (case.status, case.repeat_of, case.is_open) == ("merged", target, False)


# --- close / rate ------------------------------------------------------------------------

def test_close_only_after_the_window_lapsed_or_a_satisfied_rating(tree):
    waiting = build_on(tree, "answered")                     # window ends 04-01
    satisfied = build_on(tree, "answered")
    unhappy = build_on(tree, "answered")
    with clock.frozen(D(2026, 4, 1)):
        refused(waiting, tree.registrar, "close")
        refused(waiting, "system", "close")
        act(unhappy, "public", "rate", level="unsatisfied", comment="不满意")
        refused(unhappy, tree.registrar, "close")
    with clock.frozen(BASE_DAY):
        act(satisfied, "public", "rate", level="satisfied")
        act(satisfied, tree.registrar, "close")
    with clock.frozen(D(2026, 4, 2)):
        act(waiting, "system", "close")
        act(unhappy, tree.registrar, "close")
    for case in (waiting, satisfied, unhappy):
        case.refresh_from_db()
        assert (case.status, case.is_open) == ("closed", False)


def test_a_satisfied_rating_of_an_earlier_answer_does_not_close_a_later_stage(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "answered")
        act(case, "public", "rate", level="satisfied")
        # the petitioner still asks for 复查, inside the window
        act(case, "public", "request_review", reason="再三考虑，仍对处理意见不服")
        act(case, tree.district_reviewer, "accept_review")
        act(case, tree.district_reviewer, "answer_review", **REVIEW_ANSWER)
        refused(case, tree.registrar, "close")
        act(case, "public", "rate", level="basic")
        act(case, tree.registrar, "close")


def test_rating_once_per_stage(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "answered")
        act(case, "public", "rate", level="unsatisfied", comment="答复没有解决问题")
        err = refused(case, "public", "rate", level="satisfied")
        assert "评价过" in err.message
        assert "rate" not in actions(tree.registrar, case)
        act(case, tree.registrar, "request_review", reason="不满意处理意见")
        act(case, tree.district_reviewer, "accept_review")
        act(case, tree.district_reviewer, "answer_review", **REVIEW_ANSWER)
        act(case, tree.registrar, "rate", level="satisfied")      # a new stage: one more rating
        refused(case, "public", "rate", level="satisfied")
        act(case, tree.registrar, "close")
        refused(case, "public", "rate", level="satisfied")       # closed: the stage was rated already
    case.refresh_from_db()
    assert (case.petition.satisfaction, case.petition.rated_stage) == ("satisfied", "review")


def test_unsatisfied_rating_tells_how_to_appeal_and_until_when(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "answered")
        act(case, "public", "rate", level="unsatisfied")
    event = case.events.order_by("-seq").first()
    assert "2026年04月01日" in event.public_text and "示范区" in event.public_text and "复查" in event.public_text


def test_leader_owns_a_case_once(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "accepted")
        act(case, tree.leader, "own", note="包案")
        refused(case, tree.leader, "own")
    case.refresh_from_db()
    assert case.leader == tree.leader


def test_designated_handler_must_be_a_handler_of_the_owner_unit(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "accepted")                       # owned by 甲街道
        for user in (tree.handler_b, tree.reviewer_a):
            assert refused(case, tree.reviewer_a, "designate_handler", user_id=user.pk).field == "user_id"
        act(case, tree.reviewer_a, "designate_handler", user_id=tree.handler_a.pk)
    case.refresh_from_db()
    assert case.handler == tree.handler_a


def test_a_returned_answer_cannot_be_approved(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "answer_pending")
        act(case, tree.reviewer_a, "return_answer", reason="事实部分不完整")
        refused(case, tree.reviewer_a, "approve_answer", error=XinfangError)
