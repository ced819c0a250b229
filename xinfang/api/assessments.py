"""稳评 endpoints: register a decision for assessment, list the ledger with filters, read one
assessment round by round, export the 稳评台账. Every step after registration is a workflow
action taken through the generic POST /cases/{number}/transitions (the actions and their
payload schemas are listed in GET /cases/{number})."""
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from xinfang.assessments.ledger import assessments_ledger_xlsx
from xinfang.assessments.models import DecisionOutcome, DecisionType
from xinfang.assessments.schemas import AssessmentIn
from xinfang.assessments.selectors import (
    LedgerFilters,
    assessment_facts_for,
    assessments_for,
    ledger_rows,
)
from xinfang.assessments.services import assessment_register
from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.ledger_xlsx import XLSX_TYPE, xlsx_response
from xinfang.core.selectors import case_get_for
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit

from .auth import STAFF_AUTH
from .render import case_detail_render
from .schemas import CaseDetailOut, ErrorOut

router = Router(auth=STAFF_AUTH, tags=["稳评"])

READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}
FILE_DOC = {"responses": {200: {"description": "稳评台账（xlsx）", "content": {XLSX_TYPE: {"schema": {
    "type": "string", "format": "binary"}}}}}}


class AssessmentListQuery(Schema):
    status: str | None = Field(None, title="状态")
    level: Literal["high", "medium", "low", "none"] | None = Field(None, title="风险等级", description="none：尚未评定")
    decision_type: DecisionType | None = Field(None, title="决策类型")
    outcome: DecisionOutcome | None = Field(None, title="决策结果")
    unit: int | None = Field(None, title="承办单位", description="单位 id：该单位及其下级单位承办的事项")
    received_from: dt.date | None = Field(None, title="立项日期起")
    received_to: dt.date | None = Field(None, title="立项日期止")
    q: str | None = Field(None, title="关键词", max_length=100, description="名称、编号或实施地点")
    limit: int = Field(20, title="每页条数", ge=1, le=200)
    offset: int = Field(0, title="起始位置", ge=0)


class LedgerRowOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    version: int
    decision_type: str
    decision_type_label: str
    owner_unit: str
    location: str
    affected_people: int
    affected_households: int
    received_date: dt.date
    assessor: str
    respondents: int
    support: int
    against: int
    strongly_against: int
    computed_level_label: str = Field(description="本轮按规则评定的等级")
    level: str = Field(description="本轮评估等级 high / medium / low；空为尚未评定")
    level_label: str
    rating_history: str = Field(description="各轮评定经过，如“高风险 → 低风险”")
    rounds: int
    outcome: str
    outcome_label: str
    decision_meeting: str
    monitoring: str


class LedgerOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[LedgerRowOut]


class RatingOut(Schema):
    round: int
    computed_level: str
    computed_reason: str
    level: str
    adjustment_reason: str
    respondents: int
    support: int
    against: int
    strongly_against: int
    contingency_plan: str
    conclusion: str


class ConsultationOut(Schema):
    form: str
    form_label: str
    held_on: dt.date
    participants: int
    support: int
    against: int
    strongly_against: int
    summary: str


class RiskPointOut(Schema):
    description: str
    measures: str
    responsible: str


class RoundOut(Schema):
    number: int
    is_current: bool
    plan: dict | None
    consultations: list[ConsultationOut]
    analysis: dict | None
    risk_points: list[RiskPointOut]
    rating: RatingOut | None


class MeetingOut(Schema):
    outcome: str
    outcome_label: str
    held_on: dt.date
    body: str
    attendees: int
    minutes: str
    conditions: str
    level: str


class MonitoringOut(Schema):
    checked_on: dt.date
    situation: str
    situation_label: str
    findings: str
    measures: str


class AssessmentOut(Schema):
    case: CaseDetailOut
    decision_type: str
    decision_type_label: str
    sponsor: str
    location: str
    affected_people: int
    affected_households: int
    decision_body: str
    round: int
    level: str
    level_label: str
    outcome: str
    decided_on: dt.date | None
    implementation_blocked: str = Field(description="不能决定实施的原因（高/中风险）；空为不受此限")
    rounds: list[RoundOut]
    meetings: list[MeetingOut]
    monitoring: list[MonitoringOut]


def _assessment_render(*, user, case) -> dict:
    facts = assessment_facts_for(user=user, case=case)
    a = facts["assessment"]

    def plan(p):
        return None if p is None else {
            "assessor_kind": p.assessor_kind, "assessor_kind_label": p.get_assessor_kind_display(),
            "assessor_name": p.assessor_name, "scope_and_methods": p.scope_and_methods,
            "start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat(), "revision": p.revision}

    def analysis(x):
        return None if x is None else {"legality": x.legality, "reasonableness": x.reasonableness,
                                       "feasibility": x.feasibility, "controllability": x.controllability}

    return {
        "case": case_detail_render(user=user, case=case), "decision_type": a.decision_type,
        "decision_type_label": facts["type_label"], "sponsor": a.sponsor, "location": a.location,
        "affected_people": a.affected_people, "affected_households": a.affected_households,
        "decision_body": a.decision_body, "round": a.round, "level": a.level, "level_label": facts["level_label"],
        "outcome": a.outcome, "decided_on": a.decided_on, "implementation_blocked": facts["implementation_blocked"],
        "rounds": [{
            "number": r["number"], "is_current": r["is_current"], "plan": plan(r["plan"]),
            "consultations": [{"form": c.form, "form_label": c.get_form_display(), "held_on": c.held_on,
                               "participants": c.participants, "support": c.support, "against": c.against,
                               "strongly_against": c.strongly_against, "summary": c.summary}
                              for c in r["consultations"]],
            "analysis": analysis(r["analysis"]),
            "risk_points": [{"description": p.description, "measures": p.measures, "responsible": p.responsible}
                            for p in r["risk_points"]],
            "rating": None if r["rating"] is None else {
                f: getattr(r["rating"], f) for f in RatingOut.model_fields} | {"round": r["number"]},
        } for r in facts["rounds"]],
        "meetings": [{"outcome": m.outcome, "outcome_label": m.get_outcome_display(), "held_on": m.held_on,
                      "body": m.body, "attendees": m.attendees, "minutes": m.minutes, "conditions": m.conditions,
                      "level": m.level} for m in facts["meetings"]],
        "monitoring": [{"checked_on": m.checked_on, "situation": m.situation,
                        "situation_label": m.get_situation_display(), "findings": m.findings,
                        "measures": m.measures} for m in facts["monitoring"]],
    }


def _filters(q: AssessmentListQuery) -> LedgerFilters:
    unit = None
    if q.unit is not None:
        unit = Unit.objects.filter(pk=q.unit).first()
        if unit is None:
            raise ValidationFailed("承办单位不存在。", field="unit")
    if q.status and q.status not in workflow_for("assessment").states:
        raise ValidationFailed("状态的取值无效。", field="status")
    return LedgerFilters(status=q.status or "", level=q.level or "",
                         decision_type=q.decision_type.value if q.decision_type else "",
                         outcome=q.outcome.value if q.outcome else "", unit=unit, received_from=q.received_from,
                         received_to=q.received_to, text=(q.q or "").strip())


def _row_render(r: dict) -> dict:
    case, a = r["case"], r["assessment"]
    return {
        "number": case.number, "title": case.title, "status": case.status, "status_label": r["status_label"],
        "version": case.version, "decision_type": a.decision_type, "decision_type_label": r["type_label"],
        "owner_unit": case.owner_unit.name, "location": a.location, "affected_people": a.affected_people,
        "affected_households": a.affected_households, "received_date": case.received_date,
        "assessor": r["assessor"], "respondents": r["respondents"], "support": r["support"],
        "against": r["against"], "strongly_against": r["strongly_against"],
        "computed_level_label": r["computed_level"], "level": a.level, "level_label": r["level"],
        "rating_history": r["rating_history"], "rounds": r["rounds"], "outcome": a.outcome,
        "outcome_label": r["outcome"], "decision_meeting": r["meeting"], "monitoring": r["monitoring"],
    }


@router.post("/assessments", response={201: AssessmentOut, **WRITE_ERRORS}, summary="稳评立项",
             url_name="assessment_register")
def assessment_register_endpoint(request: HttpRequest, assessment: AssessmentIn):
    """登记一项重大决策/项目进行社会稳定风险评估（重大行政决策程序暂行条例第22条）。决策文件作为附件
    在案件页上传。之后的每一步（制定评估方案、记录征求意见、四性分析、风险点、评估报告、集体决策、
    跟踪监测）经 `POST /cases/{number}/transitions` 执行。"""
    case = assessment_register(actor=request.auth, data=assessment)
    return Status(201, _assessment_render(user=request.auth, case=case_get_for(user=request.auth,
                                                                              number=case.number)))


@router.get("/assessments", response={200: LedgerOut, **READ_ERRORS}, summary="稳评台账列表",
            url_name="assessment_list")
def assessment_list(request: HttpRequest, filters: Query[AssessmentListQuery]):
    """本人数据范围内的稳评事项，新立项的在前。"""
    qs = assessments_for(user=request.auth, filters=_filters(filters))
    page = list(qs[filters.offset:filters.offset + filters.limit])
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_row_render(r) for r in ledger_rows(cases=page)]}


@router.get("/assessments/ledger.xlsx", response={200: None, **READ_ERRORS}, summary="导出稳评台账",
            url_name="assessment_ledger", openapi_extra=FILE_DOC)
def assessment_ledger(request: HttpRequest, filters: Query[AssessmentListQuery]):
    """稳评台账（xlsx），条件同列表（不分页，最多 5000 项）。"""
    cases = list(assessments_for(user=request.auth, filters=_filters(filters))[:5000])
    body = assessments_ledger_xlsx(rows=ledger_rows(cases=cases), description="", exported_at=clock.now(),
                                   exported_by=str(request.auth))
    return xlsx_response(body, filename=f"稳评台账-{clock.today():%Y%m%d}.xlsx")


@router.get("/assessments/{number}", response={200: AssessmentOut, **READ_ERRORS}, summary="稳评详情",
            url_name="assessment_detail")
def assessment_detail(request: HttpRequest, number: str):
    """一项稳评的全部情况，逐轮列出：评估方案、征求意见、四性分析、风险点与措施、评估报告（按规则
    评定的等级与理由、从严调整及理由）；集体决策会议；跟踪监测；以及案件的期限与可执行操作。"""
    case = case_get_for(user=request.auth, number=number)
    return _assessment_render(user=request.auth, case=case)
