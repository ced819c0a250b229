"""The issue's check: an assessment rated 高 (or 中) cannot be moved to 实施 without a
revised plan and a new rating of 低; and the rating cannot be lowered by the assessor."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import GuardFailed, ValidationFailed
from xinfang.core.selectors import case_actions_for

from ..models import Rating
from .builders import (ANALYSIS, BASE_DAY, PLAN, REPORT, RISK, act, build_on, meeting, questionnaire, rate,
                       snapshot)

IMPLEMENT = dict(conditions="落实逐户包保。")


@pytest.mark.parametrize("level, label", [("high", "高风险"), ("medium", "中风险")])
def test_high_or_medium_cannot_be_implemented(tree, level, label):
    case = build_on(tree, "rated", level=level)
    assert case.assessment.level == level
    with clock.frozen(BASE_DAY):
        assert "decide_implement" not in {t.action for t in case_actions_for(user=tree.leader, case=case)}
        before = snapshot(case)
        with pytest.raises(GuardFailed) as exc:
            act(case, tree.leader, "decide_implement", **meeting(), **IMPLEMENT)
        assert label in exc.value.message and "重新评估" in exc.value.message
        assert snapshot(case) == before


def test_deferred_high_stays_blocked_until_a_new_low_rating(tree):
    case = build_on(tree, "deferred", level="high")
    with clock.frozen(BASE_DAY), pytest.raises(GuardFailed):
        act(case, tree.leader, "decide_implement", **meeting(), **IMPLEMENT)
    day = BASE_DAY + dt.timedelta(days=14)
    with clock.frozen(day):
        act(case, tree.handler_h, "plan_revise", revision="提高补偿标准，增加就近安置房源。", **PLAN)
        case.refresh_from_db()
        assert case.status == "consulting" and case.assessment.round == 2 and case.assessment.level == ""
        # the re-rating reads only the new round's questionnaires
        rate(tree, case, "low")
        act(case, tree.leader, "decide_implement", **meeting(), **IMPLEMENT)
    case.refresh_from_db()
    assert case.status == "implementing"
    assert list(Rating.objects.filter(case=case).values_list("round", "level")) == [(1, "high"), (2, "low")]


def test_a_revised_plan_re_rated_medium_is_still_blocked(tree):
    case = build_on(tree, "rated", level="high")
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_h, "plan_revise", revision="缩小征收范围。", **PLAN)
        rate(tree, case, "medium")
        before = snapshot(case)
        with pytest.raises(GuardFailed) as exc:
            act(case, tree.leader, "decide_implement", **meeting(), **IMPLEMENT)
        assert "中风险" in exc.value.message
        assert snapshot(case) == before
        # the decision makers may still defer or refuse it
        act(case, tree.leader, "decide_reject", **meeting())
    case.refresh_from_db()
    assert case.status == "rejected" and case.assessment.outcome == "reject"


def test_low_may_proceed_with_conditions(tree):
    case = build_on(tree, "rated", level="low")
    with clock.frozen(BASE_DAY):
        with pytest.raises(ValidationFailed) as exc:     # 低 proceeds only with its conditions stated
            act(case, tree.reviewer_h, "decide_implement", **meeting())
        assert exc.value.field == "conditions"
        act(case, tree.reviewer_h, "decide_implement", **meeting(), **IMPLEMENT)
    case.refresh_from_db()
    assert case.status == "implementing"


def _to_report(tree, level):
    case = build_on(tree, "analysing", level=level)
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_h, "analysis_record", **ANALYSIS)
        act(case, tree.handler_h, "risk_point_add", **RISK)
    return case


@pytest.mark.parametrize("computed, adjusted", [("high", "low"), ("high", "medium"), ("medium", "low")])
def test_the_assessor_may_not_lower_the_rule_s_level(tree, computed, adjusted):
    case = _to_report(tree, computed)
    with clock.frozen(BASE_DAY):
        before = snapshot(case)
        with pytest.raises(ValidationFailed) as exc:
            act(case, tree.reviewer_h, "report_submit", **REPORT, adjusted_level=adjusted,
                adjustment_reason="群众意见已基本化解。")
        assert exc.value.field == "adjusted_level" and "不得低于" in exc.value.message
        assert snapshot(case) == before


def test_a_stricter_level_needs_a_reason_and_is_shown_beside_the_rule_s(tree):
    case = _to_report(tree, "low")
    with clock.frozen(BASE_DAY):
        with pytest.raises(ValidationFailed) as exc:
            act(case, tree.reviewer_h, "report_submit", **REPORT, adjusted_level="medium")
        assert exc.value.field == "adjustment_reason"
        with pytest.raises(ValidationFailed) as exc:
            act(case, tree.reviewer_h, "report_submit", **REPORT, adjustment_reason="理由但没有等级")
        assert exc.value.field == "adjusted_level"
        act(case, tree.reviewer_h, "report_submit", **REPORT, adjusted_level="medium",
            adjustment_reason="项目周边已有两起同类纠纷，从严评定。")
    rating = Rating.objects.get(case=case)
    assert (rating.computed_level, rating.level) == ("low", "medium")
    event = case.events.get(action="report_submit")
    assert event.payload["computed_risk_level"] == "low" and event.payload["risk_level"] == "medium"
    assert "按规则评定为低风险" in event.payload["note"] and "从严调整为中风险" in event.payload["note"]
    case.refresh_from_db()
    with clock.frozen(BASE_DAY), pytest.raises(GuardFailed):   # the stricter level binds
        act(case, tree.leader, "decide_implement", **meeting(), **IMPLEMENT)


def test_rating_reads_only_questionnaires_of_the_current_round(tree):
    case = build_on(tree, "consulting")
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_h, "consultation_add", **questionnaire("low"))
        act(case, tree.handler_h, "consultation_add", **questionnaire("high"))   # 400 respondents, 154 strongly
    with clock.frozen(BASE_DAY):
        act(case, tree.handler_h, "consultation_close")
        act(case, tree.handler_h, "analysis_record", **ANALYSIS)
        act(case, tree.handler_h, "risk_point_add", **RISK)
        act(case, tree.reviewer_h, "report_submit", **REPORT)
    rating = Rating.objects.get(case=case)
    # 400 respondents: support 190 (47.5%), strongly 154 (38.5%): some object strongly → 中
    assert (rating.respondents, rating.support, rating.strongly_against) == (400, 190, 154)
    assert rating.level == "medium" and "部分群众反应强烈" in rating.computed_reason
