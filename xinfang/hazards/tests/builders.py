"""Hazards built into any state of the table through the real services, for the tests.
Nothing here writes a status directly."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.models import Case, Deadline, Event
from xinfang.orgs.models import DataScope
from xinfang.petitions.tests.builders import act

from ..services import hazard_register

# A Monday far from any holiday.
BASE_DAY = dt.date(2026, 3, 2)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def hazard_data(**overrides) -> dict:
    data = dict(title="配电箱未接地", description="二号车间配电箱外壳未接地，箱门损坏，存在触电危险。",
                grade="ordinary", industry="industry_trade", category="site_electric",
                enterprise_name="示范机械制造有限公司", site="二号车间西侧配电箱", finder="检查组")
    data.update(overrides)
    return data


def register(tree, actor=None, photos=(), **overrides) -> Case:
    return hazard_register(actor=actor or tree.inspector_a, data=hazard_data(**overrides), photos=list(photos))


def later(days: int) -> dt.date:
    return clock.today() + dt.timedelta(days=days)


FIX = dict(measures="更换配电箱并重新接地", responsible_person="王师傅")
PLAN = lambda: dict(goal="消除储罐区泄漏风险", measures="更换储罐阀门，增设可燃气体报警装置", funds_yuan=350000,
                    materials="阀门12套、报警器6台", organisation="设备部，负责人李工", responsible_person="李工",
                    time_limit=later(60).isoformat(), safety_measures="设置警戒区，专人值守",
                    emergency_plan="储罐泄漏专项应急预案", interim_controls="停用2号储罐，降低库存",
                    stop_production=True)
REPORT = lambda t: dict(unit_id=t.district.pk, situation="储罐阀门老化泄漏，原因是超期服役",
                        harm_analysis="可能引发火灾爆炸，需停产更换，整改难度大")

# state → (previous state, user attribute on tree, action, payload)
_STEPS = {
    "rectified": ("registered", "inspector_a", "fix_on_spot", lambda t: FIX),
    "rectifying": ("registered", "inspector_a", "order_rectification",
                   lambda t: dict(FIX, rectify_by=later(15).isoformat())),
    "verified": ("rectified", "inspector_a", "verify", lambda t: dict(checker="何勇、张伟")),
    "closed": ("verified", "reviewer_a", "close_off", lambda t: {}),
    "planned": ("registered", "inspector_a", "record_plan", lambda t: PLAN()),
    "reported": ("planned", "inspector_a", "report_to_regulator", REPORT),
    "governing": ("reported", "supervisor", "supervise",
                  lambda t: dict(supervision_ref="示安督〔2026〕1号", requirements="限期治理，按期申请核销")),
    "review_pending": ("governing", "inspector_a", "apply_resume",
                       lambda t: dict(evaluation="经专家评估，治理措施已落实", evaluator="本单位专家组")),
    "review_passed": ("review_pending", "supervisor", "review_pass",
                      lambda t: dict(checker="区安监审查组", notes="现场审查合格，同意恢复生产")),
}
MAJOR_STATES = {"planned", "reported", "governing", "review_pending", "review_passed"}


def build(tree, state: str, grade: str | None = None, **overrides) -> Case:
    """A fresh hazard in `state`; `closed` is reached by the ordinary path unless grade is major."""
    grade = grade or ("major" if state in MAJOR_STATES else "ordinary")
    if state == "registered":
        return register(tree, grade=grade, **overrides)
    if state == "closed" and grade == "major":
        case = build(tree, "review_passed", grade=grade, **overrides)
        act(case, tree.supervisor, "close_off_major")
        case.refresh_from_db()
        return case
    source, who, action, payload = _STEPS[state]
    case = build(tree, source, grade=grade, **overrides)
    act(case, getattr(tree, who), action, **payload(tree))
    case.refresh_from_db()
    assert case.status == state, (state, case.status)
    return case


def build_on(tree, state: str, day: dt.date = BASE_DAY, **kw) -> Case:
    with clock.frozen(day):
        return build(tree, state, **kw)


def snapshot(case: Case) -> dict:
    """Everything a refused action must leave exactly as it was."""
    from xinfang.audit.models import AuditEntry

    from ..models import Hazard, HazardCheck, HazardPlan, HazardViolation

    return {
        "case": Case.objects.values().get(pk=case.pk),
        "hazard": Hazard.objects.values().get(case_id=case.pk),
        "events": list(Event.objects.filter(case=case).values_list("seq", "action", "from_status", "to_status")),
        "deadlines": list(Deadline.objects.filter(case=case).order_by("id").values()),
        "plans": list(HazardPlan.objects.filter(case=case).values()),
        "checks": list(HazardCheck.objects.filter(case=case).values()),
        "violations": list(HazardViolation.objects.filter(case=case).values()),
        "units": sorted(case.unit_links.values_list("unit_id", flat=True)),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def hz(tree):
    """The conftest tree plus the people of the hazard ledger: inspectors in the streets and
    the district, a grid worker, and the district's supervisor (the regulator here)."""
    tree.inspector_a = tree.user("inspector_a", tree.street_a, "inspector", scope=DataScope.SUBTREE)
    tree.inspector_b = tree.user("inspector_b", tree.street_b, "inspector")
    tree.district_inspector = tree.user("district_inspector", tree.district, "inspector", scope=DataScope.SUBTREE)
    tree.supervisor = tree.user("supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    tree.housing_supervisor = tree.user("housing_supervisor", tree.housing, "supervisor", scope=DataScope.SUBTREE)
    tree.grid_worker = tree.user("grid_worker", tree.grid, "mediator")
    return tree
