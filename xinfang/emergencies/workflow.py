"""The emergency-report workflow (突发事件信息报送), as one table: 知悉 → 首报 up the unit tree
→ 续报 (any number) → 应急处置 → 终报, which closes the event. The upper units sign for
the reports they receive (签收) at any stage, the closed one included.

Sources: 突发事件应对法（2024修订）第61条 (report at once; no 迟报、谎报、瞒报、漏报);
国家突发公共事件总体应急预案 4.2 (信息报告: 首报 then 续报 as the event develops);
生产安全事故报告和调查处理条例 第9、10、13条 (1 hour; reporting level by level; 补报 of
changed casualty figures). The first report's time limit is in hours (FirstReportRule),
stored on the event; guards only read and raise GuardFailed.
"""
from xinfang.core.errors import GuardFailed
from xinfang.core.workflow import (
    CREATE,
    State,
    Transition,
    TransitionContext,
    Who,
    Workflow,
    workflow_register,
)

from . import schemas, services
from .models import EmergencyReport

KIND = "emergency"

STATES = [
    State("learned", "已知悉待首报"),
    State("reported", "已首报"),
    State("responding", "应急处置中"),
    State("closed", "已终报", open=False),
]

# Any member of staff of the reporting unit (the unit where it happened, or its street or
# district) registers and reports; the unit is checked by the engine (`owner`) and, on
# registration, by the service (the place must lie in the unit's area).
STAFF_ROLES = ("registrar", "handler", "reviewer", "leader", "supervisor", "inspector", "mediator")
REGISTERS = tuple(Who(role, at="scope") for role in STAFF_ROLES)
REPORTS = tuple(Who(role) for role in STAFF_ROLES)
ABOVE = tuple(Who(role, at="scope") for role in STAFF_ROLES)


# --- guards: read only, raise with the reason -------------------------------------------

def late_reason_given(ctx: TransitionContext) -> None:
    """A first report after its time limit is 迟报 (突发事件应对法 Art 61): say why."""
    e = ctx.case.emergency
    if ctx.now > e.first_report_due and not ctx.payload.late_reason:
        raise GuardFailed(f"已超过首报时限（{e.first_report_hours}小时），请填写迟报原因。", field="late_reason")


def actor_above_reporting_unit(ctx: TransitionContext) -> None:
    """签收 is for the units the report went up to: strictly above the reporting unit."""
    unit = getattr(ctx.actor, "unit", None)
    owner = ctx.case.owner_unit
    if unit is None or unit.pk == owner.pk or not owner.is_within(unit):
        raise GuardFailed("只有报送单位的上级单位可以签收报告。")


def reports_to_acknowledge(ctx: TransitionContext) -> None:
    unit_id = getattr(ctx.actor, "unit_id", None)
    if not EmergencyReport.objects.filter(case=ctx.case).exclude(receipts__unit_id=unit_id).exists():
        raise GuardFailed("没有待签收的报告。")


# --- the table ----------------------------------------------------------------------------

TRANSITIONS = [
    Transition("register", "知悉登记", (CREATE,), "learned", REGISTERS, effect=services.effect_register),
    Transition("first_report", "首报", ("learned",), "reported", REPORTS, payload=schemas.FirstReportIn,
               checks=(late_reason_given,), effect=services.effect_first_report),
    Transition("followup", "续报", ("reported", "responding"), None, REPORTS, payload=schemas.FollowupIn,
               effect=services.effect_followup),
    Transition("response", "报告应急处置", ("reported", "responding"), "responding", REPORTS,
               payload=schemas.ResponseIn, effect=services.effect_response),
    Transition("final_report", "终报", ("responding",), "closed", REPORTS, payload=schemas.FinalReportIn,
               effect=services.effect_final_report),
    Transition("acknowledge", "上级签收", ("reported", "responding", "closed"), None, ABOVE,
               guards=(actor_above_reporting_unit, reports_to_acknowledge), effect=services.effect_acknowledge),
]

EMERGENCY_WORKFLOW = workflow_register(Workflow(
    kind=KIND, label="突发事件信息报送", number_prefix="TF", states=STATES, transitions=TRANSITIONS))
