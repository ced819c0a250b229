"""突发事件信息报送 endpoints (/api/v1/emergencies…): register an event (知悉), list and read
events, file a report (首报、续报、应急处置、终报), sign for reports (签收), the ledger xlsx,
the overdue first reports and the statistics. Handlers are thin: parse, call a service or
selector, render."""
import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.workflow import workflow_for
from xinfang.emergencies.export import emergencies_ledger_xlsx
from xinfang.emergencies.models import Category, Emergency, EventType, Grade
from xinfang.emergencies.schemas import EmergencyIn
from xinfang.emergencies.selectors import (
    EmergencyFilters,
    emergencies_filter,
    emergencies_first_report_overdue_for,
    emergencies_ledger,
    emergencies_stats,
    emergencies_visible_to,
    emergency_case_get_for,
    emergency_reports_for,
    emergency_row,
)
from xinfang.emergencies.services import (
    emergency_acknowledge,
    emergency_register,
    emergency_report_submit,
)
from xinfang.orgs.models import Unit

from .auth import STAFF_AUTH
from .schemas import ErrorOut, UnitRef

router = Router(auth=STAFF_AUTH, tags=["突发事件信息报送"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}
EXPORT_MAX_ROWS = 5000


class FiguresOut(Schema):
    deaths: int = Field(description="死亡（人）")
    injured: int = Field(description="受伤（人）")
    missing: int = Field(description="失踪（人）")
    trapped: int = Field(description="被困（人）")
    relocated: int = Field(description="紧急转移安置（人）")
    economic_loss: Decimal = Field(description="直接经济损失（万元）")


class ReceiptOut(Schema):
    unit: UnitRef
    received_by: str
    received_at: dt.datetime


class ReportOut(Schema):
    seq: int
    kind: str = Field(description="first 首报 / followup 续报 / response 应急处置 / final 终报")
    kind_label: str
    reported_at: dt.datetime
    text: str
    extra: str = Field(description="应急处置：投入力量；终报：原因初步分析；迟报的首报：迟报原因")
    grade: str
    figures: FiguresOut
    signer: str = Field(description="签发人")
    reported_by: str
    unit: UnitRef
    receipts: list[ReceiptOut]


class EmergencyOut(Schema):
    number: str
    title: str
    description: str
    status: str
    status_label: str
    is_open: bool
    version: int = Field(description="报送、签收时须带上的版本号")
    category: str
    category_label: str
    event_type: str
    event_type_label: str
    grade: str
    grade_label: str
    occurred_at: dt.datetime
    learned_at: dt.datetime
    place_unit: UnitRef | None
    site: str
    enterprise_name: str
    reporting_unit: UnitRef
    first_report_hours: int
    first_report_due: dt.datetime
    first_reported_at: dt.datetime | None
    first_report_overdue: bool = Field(description="超过首报时限尚未首报")
    first_report_late: bool = Field(description="迟报：首报晚于时限")
    final_reported_at: dt.datetime | None
    figures: FiguresOut = Field(description="当前数字（最近一次报告）")
    figures_at: dt.datetime | None
    reports: list[ReportOut] | None = Field(None, description="报告记录（详情中提供）")


class EmergencyListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[EmergencyOut]


class EmergencyListQuery(Schema):
    event_type: EventType | None = Field(None, title="事件类型")
    category: Category | None = Field(None, title="事件类别")
    grade: Grade | None = Field(None, title="事件等级")
    status: str | None = Field(None, title="状态")
    unit: int | None = Field(None, title="发生地", description="单位 id：该单位及其下级")
    overdue: bool | None = Field(None, title="首报超时未报")
    late: bool | None = Field(None, title="迟报")
    is_open: bool | None = Field(None, title="未终报")
    occurred_from: dt.date | None = Field(None, title="发生日期起")
    occurred_to: dt.date | None = Field(None, title="发生日期止")
    q: str | None = Field(None, title="关键词", max_length=100)
    limit: int = Field(20, title="每页条数", ge=1, le=200)
    offset: int = Field(0, title="起始位置", ge=0)


class ReportIn(Schema):
    kind: Literal["first", "followup", "response", "final"] = Field(
        title="报告类型", description="first 首报 / followup 续报 / response 应急处置 / final 终报")
    version: int = Field(title="版本号")
    payload: dict = Field(title="报告内容", description=(
        "text（必填）、signer 签发人（必填）；deaths、injured、missing、trapped、relocated（人）、"
        "economic_loss（万元）——不填的沿用上次报告的数字；grade（首报、续报、终报可调整等级）；"
        "首报另有 late_reason（超时必填），应急处置另有 forces，终报另有 cause。"))


class AcknowledgeIn(Schema):
    version: int = Field(title="版本号")


class StatsQuery(Schema):
    start: dt.date | None = Field(None, title="开始日期", description="默认：本年1月1日")
    end: dt.date | None = Field(None, title="结束日期", description="默认：今天（含）")
    unit: int | None = Field(None, title="发生地", description="单位 id：该单位及其下级；默认：本人可查看的全部范围")


class StatsOut(Schema):
    start: dt.date
    end: dt.date
    unit: UnitRef | None
    by_type: list[dict] = Field(description="[{key, label, category, by_grade: {grade: n}, total}]")
    by_grade: dict = Field(description="{grade: n}")
    totals: dict = Field(description="events, deaths, injured, missing, trapped, relocated, economic_loss, "
                                     "late（迟报）, overdue（超时未报）, open（未终报）")


def _unit(unit: Unit | None) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _figures(obj) -> dict:
    return {k: getattr(obj, k) for k in ("deaths", "injured", "missing", "trapped", "relocated", "economic_loss")}


def _render(e: Emergency, *, reports: bool = False) -> dict:
    case, row = e.case, emergency_row(e)
    out = {
        "number": case.number, "title": case.title, "description": case.content, "status": case.status,
        "status_label": row["status_label"], "is_open": case.is_open, "version": case.version,
        "category": e.category, "category_label": e.get_category_display(), "event_type": e.event_type,
        "event_type_label": e.get_event_type_display(), "grade": e.grade, "grade_label": e.get_grade_display(),
        "occurred_at": timezone.localtime(e.occurred_at), "learned_at": timezone.localtime(e.learned_at),
        "place_unit": _unit(case.place_unit), "site": e.site, "enterprise_name": e.enterprise_name,
        "reporting_unit": _unit(case.owner_unit), "first_report_hours": e.first_report_hours,
        "first_report_due": timezone.localtime(e.first_report_due), "first_reported_at": e.first_reported_at,
        "first_report_overdue": row["overdue"], "first_report_late": row["late"],
        "final_reported_at": e.final_reported_at, "figures": _figures(e), "figures_at": e.figures_at,
    }
    if reports:
        out["reports"] = [{
            "seq": r.seq, "kind": r.kind, "kind_label": r.get_kind_display(), "reported_at": r.reported_at,
            "text": r.text, "extra": r.extra, "grade": r.grade, "figures": _figures(r), "signer": r.signer,
            "reported_by": str(r.reported_by), "unit": _unit(r.unit),
            "receipts": [{"unit": _unit(rc.unit), "received_by": str(rc.received_by), "received_at": rc.received_at}
                         for rc in item["receipts"]],
        } for item in emergency_reports_for(case=case) for r in [item["report"]]]
    return out


def _unit_param(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise ValidationFailed("单位不存在。", field="unit")
    return unit


def _filters(q: EmergencyListQuery) -> EmergencyFilters:
    if q.status and q.status not in workflow_for("emergency").states:
        raise ValidationFailed("状态的取值无效。", field="status")
    return EmergencyFilters(event_type=q.event_type, category=q.category, grade=q.grade, status=q.status,
                            unit=_unit_param(q.unit), overdue=q.overdue, late=q.late, is_open=q.is_open,
                            occurred_from=q.occurred_from, occurred_to=q.occurred_to, text=q.q)


def _detail(request, number: str) -> dict:
    case = emergency_case_get_for(user=request.auth, number=number)
    return _render(emergencies_ledger(Emergency.objects.filter(case=case)).get(), reports=True)


@router.post("/emergencies", response={201: EmergencyOut, **WRITE_ERRORS}, summary="登记突发事件（知悉）",
             url_name="emergency_register")
def emergency_register_endpoint(request: HttpRequest, emergency: EmergencyIn):
    """事发地或其上级属地单位的工作人员登记。首报时限按事件等级（及类型）自知悉时起算。"""
    case = emergency_register(actor=request.auth, data=emergency)
    return Status(201, _detail(request, case.number))


@router.get("/emergencies", response={200: EmergencyListOut, **READ_ERRORS}, summary="突发事件列表",
            url_name="emergency_list")
def emergency_list(request: HttpRequest, filters: Query[EmergencyListQuery]):
    qs = emergencies_ledger(emergencies_filter(emergencies_visible_to(user=request.auth), filters=_filters(filters)))
    page = qs[filters.offset:filters.offset + filters.limit]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_render(e) for e in page]}


@router.get("/emergencies/ledger.xlsx", response={200: None, **READ_ERRORS}, summary="导出突发事件信息报送台账（xlsx）",
            url_name="emergency_ledger_export")
def emergency_ledger_export(request: HttpRequest, filters: Query[EmergencyListQuery]):
    """条件同事件列表；最多导出 5000 起。"""
    user = request.auth
    qs = emergencies_ledger(emergencies_filter(emergencies_visible_to(user=user), filters=_filters(filters)))
    total = qs.count()
    now = timezone.localtime(clock.now())
    content = emergencies_ledger_xlsx(emergencies=qs[:EXPORT_MAX_ROWS], description="接口导出", exported_at=now,
                                      exported_by=f"{user}（{user.unit or '未设单位'}）",
                                      truncated_at=EXPORT_MAX_ROWS if total > EXPORT_MAX_ROWS else None)
    audit_record(actor=user, action="emergencies.export", object_type="emergency_ledger", object_id="",
                 detail={"conditions": filters.dict(exclude_none=True), "rows": min(total, EXPORT_MAX_ROWS)})
    return xlsx_response(content, filename=f"突发事件信息报送台账-{now:%Y%m%d-%H%M}.xlsx")


@router.get("/emergencies/overdue", response={200: list[EmergencyOut], **READ_ERRORS}, summary="首报超时未报的事件",
            url_name="emergency_overdue")
def emergency_overdue(request: HttpRequest):
    """本人数据范围内超过首报时限仍未首报的事件，超时最久的在前（最多 200 起）。"""
    return [_render(e) for e in emergencies_first_report_overdue_for(user=request.auth)[:200]]


@router.get("/emergencies/stats", response={200: StatsOut, **READ_ERRORS}, summary="突发事件统计",
            url_name="emergency_stats")
def emergency_stats(request: HttpRequest, q: Query[StatsQuery]):
    """按发生时间在期间内、发生地在该单位及其下级统计：按类型和等级的起数，伤亡和损失合计（各事件最近一次报告的数字）。"""
    today = clock.today()
    start, end = q.start or dt.date(today.year, 1, 1), q.end or today
    if end < start:
        raise ValidationFailed("结束日期早于开始日期。", field="end")
    stats = emergencies_stats(user=request.auth, start=start, end=end, unit=_unit_param(q.unit))
    return {"start": start, "end": end, "unit": _unit(stats["unit"]),
            "by_type": [{k: r[k] for k in ("key", "label", "category", "by_grade", "total")} for r in stats["by_type"]],
            "by_grade": stats["by_grade"], "totals": stats["totals"]}


@router.get("/emergencies/{number}", response={200: EmergencyOut, **READ_ERRORS}, summary="突发事件详情",
            url_name="emergency_detail")
def emergency_detail(request: HttpRequest, number: str):
    return _detail(request, number)


@router.post("/emergencies/{number}/reports", response={201: EmergencyOut, **WRITE_ERRORS}, summary="报送报告",
             url_name="emergency_report")
def emergency_report_endpoint(request: HttpRequest, number: str, report: ReportIn):
    """报送首报、续报、应急处置或终报。`version` 须为读取时的版本号；事件已被他人修改时返回 409。"""
    case = emergency_case_get_for(user=request.auth, number=number)
    emergency_report_submit(case=case, actor=request.auth, kind=report.kind, version=report.version,
                            data=report.payload)
    return Status(201, _detail(request, number))


@router.post("/emergencies/{number}/acknowledge", response={200: EmergencyOut, **WRITE_ERRORS},
             summary="上级签收报告", url_name="emergency_acknowledge")
def emergency_acknowledge_endpoint(request: HttpRequest, number: str, body: AcknowledgeIn):
    """报送单位的上级单位签收尚未签收的全部报告。"""
    case = emergency_case_get_for(user=request.auth, number=number)
    emergency_acknowledge(case=case, actor=request.auth, version=body.version)
    return _detail(request, number)
