"""Dispute endpoints (/api/v1/disputes…): register (directly or from a petition), list with
filters, the ledger as xlsx, one dispute's facts, screening reports and the reports that
are overdue, and the counts by the level disputes were resolved at. Workflow actions go
through the generic /api/v1/cases/{number}/transitions."""
import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.selectors import case_deadline_state
from xinfang.core.workflow import workflow_for
from xinfang.disputes.ledger import disputes_ledger_xlsx
from xinfang.disputes.models import DisputeType, Track
from xinfang.disputes.schemas import DisputeIn, ScreeningReportIn
from xinfang.disputes.selectors import (
    dispute_facts_for,
    dispute_get_for,
    disputes_filter,
    disputes_resolution_by_level,
    parties_summary,
    screening_reports_for,
    screening_reports_missing,
    screening_units_for,
)
from xinfang.disputes.services import (
    dispute_from_petition,
    dispute_register,
    screening_report_file,
)
from xinfang.orgs.models import Unit

from .auth import STAFF_AUTH
from .schemas import ErrorOut

router = Router(auth=STAFF_AUTH, tags=["矛盾纠纷"])

READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}
LEDGER_MAX_ROWS = 5000


class UnitOut(Schema):
    id: int
    name: str
    level: str


class PartyOut(Schema):
    name: str
    kind: str
    side: str
    side_label: str
    id_number: str
    phone: str
    address: str
    masked: bool


class DisputeSummaryOut(Schema):
    number: str
    title: str
    dispute_type: str
    dispute_type_label: str
    status: str
    status_label: str
    is_open: bool
    version: int
    track: str
    received_date: dt.date
    next_due_date: dt.date | None
    deadline_state: str
    owner_unit: UnitOut
    parties_summary: str
    resolved_level: str
    resolved_on: dt.date | None


class DisputeDetailOut(DisputeSummaryOut):
    content: str
    place_text: str
    level_found: str
    person_count: int
    escalation_risk: str
    parties: list[PartyOut]
    mediators: list[str] = Field(description="当前调解员（不含当事人拒绝的）")
    sessions: int = Field(description="调解记录次数")
    agreement: dict | None
    confirmation_due: dt.date | None = Field(description="司法确认申请期限（人民调解法第33条），未申请时")
    confirmations: list[dict]
    followups: list[dict]
    handovers: list[dict]
    petition_links: list[dict]
    end_reason: str
    other_routes: str
    police_organ: str


class DisputeListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[DisputeSummaryOut]


class DisputeListQuery(Schema):
    dispute_type: DisputeType | None = Field(None, title="纠纷类型")
    status: str | None = Field(None, title="状态")
    track: Track | None = Field(None, title="调解类型")
    unit: int | None = Field(None, title="责任单位（含下级）")
    received_from: dt.date | None = Field(None, title="发现日期起")
    received_to: dt.date | None = Field(None, title="发现日期止")
    is_open: bool | None = Field(None, title="是否在办")
    q: str | None = Field(None, title="名称或编号", max_length=100)
    limit: int = Field(50, ge=1, le=200, title="每页条数")
    offset: int = Field(0, ge=0, title="偏移")


class FromPetitionIn(Schema):
    dispute_type: DisputeType = Field(title="纠纷类型")
    place_text: str = Field("", title="发生地点", max_length=200)
    escalation_risk: str = Field("", title="激化风险（文字说明）", max_length=2000)
    note: str = Field("", title="说明", max_length=1000)


class ScreeningReportOut(Schema):
    id: int
    unit: UnitOut
    cadence: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    none_found: bool
    disputes: list[str]
    note: str
    filed_on: dt.date
    is_late: bool


class MissingReportOut(Schema):
    unit: UnitOut
    cadence: str
    period_start: dt.date
    period_end: dt.date
    period_label: str
    due_date: dt.date
    days_overdue: int


class LevelCountOut(Schema):
    code: str
    label: str
    count: int
    share: float | None


class ResolutionLevelsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    found: int
    resolved: int
    ended: int
    police: int
    open: int
    levels: list[LevelCountOut]
    village_share: float | None = Field(description="小事不出村：村/社区化解占化解总数的百分比")
    town_share: float | None = Field(description="大事不出镇：街道/乡镇及以下化解占比")


# --- rendering -------------------------------------------------------------------------

def _unit(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "level": unit.level}


def _summary(case, today: dt.date) -> dict:
    d = case.dispute
    return {
        "number": case.number, "title": case.title, "dispute_type": d.dispute_type,
        "dispute_type_label": d.get_dispute_type_display(), "status": case.status,
        "status_label": workflow_for(case.kind).state(case.status).label, "is_open": case.is_open,
        "version": case.version, "track": d.track, "received_date": case.received_date,
        "next_due_date": case.next_due_date, "deadline_state": case_deadline_state(case=case, today=today),
        "owner_unit": _unit(case.owner_unit), "parties_summary": parties_summary(case),
        "resolved_level": d.resolved_level, "resolved_on": d.resolved_on,
    }


def _detail(user, case, unmask: bool = False) -> dict:
    facts = dispute_facts_for(user=user, case=case, unmask=unmask)
    d = facts["dispute"]
    agreement = facts["agreement"]
    window = facts["confirmation_window"]
    return {
        **_summary(case, clock.today()), "content": case.content, "place_text": d.place_text,
        "level_found": d.level_found, "person_count": d.person_count, "escalation_risk": d.escalation_risk,
        "parties": facts["parties"], "mediators": [m.name for m in facts["mediators"] if not m.refused],
        "sessions": len(facts["sessions"]),
        "agreement": None if agreement is None else {
            "form": agreement.form, "facts": agreement.facts, "terms": agreement.terms,
            "performance_method": agreement.performance_method,
            "performance_by": agreement.performance_by.isoformat(), "signed_on": agreement.signed_on.isoformat()},
        "confirmation_due": window["due_date"] if window else None,
        "confirmations": [{"court": c.court, "applied_on": c.applied_on.isoformat(), "result": c.result,
                           "ruling_on": c.ruling_on.isoformat() if c.ruling_on else None,
                           "document_no": c.document_no} for c in facts["confirmations"]],
        "followups": [{"visited_on": f.visited_on.isoformat(), "performance": f.performance, "note": f.note}
                      for f in facts["followups"]],
        "handovers": [{"on": h.on.isoformat(), "from_unit": h.from_unit.name, "to_unit": h.to_unit.name,
                       "from_track": h.from_track, "to_track": h.to_track, "reason": h.reason}
                      for h in facts["handovers"]],
        "petition_links": [{"direction": link["direction"], "number": link["number"],
                            "title": link["title"] if link["visible"] else ""} for link in facts["petition_links"]],
        "end_reason": d.end_reason, "other_routes": d.other_routes, "police_organ": d.police_organ,
    }


def _report(report) -> dict:
    return {"id": report.pk, "unit": _unit(report.unit), "cadence": report.cadence,
            "period_start": report.period_start, "period_end": report.period_end, "due_date": report.due_date,
            "none_found": report.none_found, "disputes": [c.number for c in report.disputes.all()],
            "note": report.note, "filed_on": report.filed_on, "is_late": report.is_late}


def _unit_param(pk: int | None, field: str = "unit") -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise ValidationFailed("单位不存在。", field=field)
    return unit


def _filters(f: DisputeListQuery) -> dict:
    if f.status and f.status not in workflow_for("dispute").states:
        raise ValidationFailed("状态的取值无效。", field="status")
    return dict(dispute_type=f.dispute_type, status=f.status, track=f.track, unit=_unit_param(f.unit),
                received_from=f.received_from, received_to=f.received_to, is_open=f.is_open, text=f.q)


# --- endpoints (fixed paths before /disputes/{number}) ---------------------------------------

@router.post("/disputes", response={201: DisputeDetailOut, **WRITE_ERRORS}, summary="登记矛盾纠纷",
             url_name="dispute_register")
def dispute_register_endpoint(request: HttpRequest, dispute: DisputeIn):
    """登记一件矛盾纠纷（排查发现或当事人申请）。之后的调解操作用 /cases/{number}/transitions。"""
    case = dispute_register(actor=request.auth, data=dispute)
    return Status(201, _detail(request.auth, dispute_get_for(user=request.auth, number=case.number)))


@router.post("/disputes/from-petition/{number}", response={201: DisputeDetailOut, **WRITE_ERRORS},
             summary="信访事项转为矛盾纠纷调解", url_name="dispute_from_petition")
def dispute_from_petition_endpoint(request: HttpRequest, number: str, data: FromPetitionIn):
    """以信访事项的标题、内容、信访人（作为当事人）登记矛盾纠纷，两件互相关联。"""
    case = dispute_from_petition(actor=request.auth, petition_number=number,
                                 data=data.model_dump(mode="json", exclude_defaults=False))
    return Status(201, _detail(request.auth, dispute_get_for(user=request.auth, number=case.number)))


@router.get("/disputes", response={200: DisputeListOut, **READ_ERRORS}, summary="矛盾纠纷列表",
            url_name="dispute_list")
def dispute_list_endpoint(request: HttpRequest, filters: Query[DisputeListQuery]):
    qs = disputes_filter(user=request.auth, **_filters(filters))
    today = clock.today()
    page = qs[filters.offset:filters.offset + filters.limit]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_summary(c, today) for c in page]}


@router.get("/disputes/ledger.xlsx", response={200: None, **READ_ERRORS}, summary="导出矛盾纠纷排查调处台账",
            url_name="dispute_ledger")
def dispute_ledger_endpoint(request: HttpRequest, filters: Query[DisputeListQuery]):
    """与列表相同的筛选条件；当事人只列姓名或名称，不含联系方式。"""
    cases = list(disputes_filter(user=request.auth, **_filters(filters))[:LEDGER_MAX_ROWS])
    now = clock.now()
    body = disputes_ledger_xlsx(cases=cases, description="", exported_at=now, exported_by=str(request.auth))
    return xlsx_response(body, filename=f"矛盾纠纷排查调处台账-{now:%Y%m%d}.xlsx")


@router.get("/disputes/levels", response={200: ResolutionLevelsOut, **READ_ERRORS},
            summary="化解层级统计（小事不出村、大事不出镇）", url_name="dispute_levels")
def dispute_levels_endpoint(request: HttpRequest, date_from: dt.date, date_to: dt.date, unit: int | None = None):
    if date_from > date_to:
        raise ValidationFailed("起始日期不能晚于截止日期。", field="date_from")
    return disputes_resolution_by_level(user=request.auth, date_from=date_from, date_to=date_to,
                                        unit=_unit_param(unit))


@router.post("/disputes/screenings", response={201: ScreeningReportOut, **WRITE_ERRORS}, summary="报送排查报告",
             url_name="screening_report_file")
def screening_file_endpoint(request: HttpRequest, report: ScreeningReportIn):
    """一个单位一期一份：列出本期新发现的纠纷编号，或 none_found=true。period_start 可为周期内任一日。"""
    return Status(201, _report(screening_report_file(actor=request.auth, data=report)))


@router.get("/disputes/screenings", response={200: list[ScreeningReportOut], **READ_ERRORS},
            summary="排查报告列表", url_name="screening_report_list")
def screening_list_endpoint(request: HttpRequest, unit: int | None = None, limit: int = Query(50, ge=1, le=500)):
    return [_report(r) for r in screening_reports_for(user=request.auth, unit=_unit_param(unit), limit=limit)]


@router.get("/disputes/screenings/missing", response={200: list[MissingReportOut], **READ_ERRORS},
            summary="逾期未报的排查报告", url_name="screening_reports_missing")
def screening_missing_endpoint(request: HttpRequest, as_of: dt.date | None = None, unit: int | None = None):
    """截至 as_of（默认今天）已过报送期限而未报送的各单位各期（近90日）。"""
    top = screening_units_for(user=request.auth)
    chosen = _unit_param(unit)
    if top is not None and (chosen is None or not chosen.is_within(top)):
        chosen = top.parent if top.level == "grid" and top.parent else top
    rows = screening_reports_missing(as_of=as_of or clock.today(), unit=chosen)
    return [{**r, "unit": _unit(r["unit"])} for r in rows]


@router.get("/disputes/{number}", response={200: DisputeDetailOut, **READ_ERRORS}, summary="矛盾纠纷详情",
            url_name="dispute_detail")
def dispute_detail_endpoint(request: HttpRequest, number: str, unmask: bool = Query(False, title="显示完整联系方式")):
    """当事人联系方式默认脱敏；unmask=true 时有权限的角色可见完整信息，并记入审计。"""
    return _detail(request.auth, dispute_get_for(user=request.auth, number=number), unmask=unmask)
