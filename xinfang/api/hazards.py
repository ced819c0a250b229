"""Hazard endpoints (/api/v1/hazards…): register, list and read hazards, export the ledger,
the quarterly/annual statistics and open hazards by age, and inspections. Workflow steps
go through the generic POST /api/v1/cases/{number}/transitions. Handlers are thin."""
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.core.selectors import case_deadline_state
from xinfang.core.workflow import workflow_for
from xinfang.hazards.export import hazards_ledger_xlsx
from xinfang.hazards.models import Grade, Hazard, HazardCategory, Industry
from xinfang.hazards.schemas import HazardIn, InspectionIn
from xinfang.hazards.selectors import (
    HazardFilters,
    hazard_case_get_for,
    hazard_facts_for,
    hazards_filter,
    hazards_ledger,
    hazards_open_by_age,
    hazards_stats,
    hazards_visible_to,
    inspection_get_for,
    inspection_summary,
    inspections_visible_to,
    stats_period_parse,
)
from xinfang.hazards.services import hazard_register, inspection_create
from xinfang.orgs.models import Unit

from .auth import STAFF_AUTH
from .schemas import ErrorOut, UnitRef

router = Router(auth=STAFF_AUTH, tags=["安全隐患"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}
EXPORT_MAX_ROWS = 5000


class HazardOut(Schema):
    number: str
    title: str
    description: str
    status: str
    status_label: str
    is_open: bool
    version: int = Field(description="执行流程操作时须带上的版本号")
    grade: str
    grade_label: str
    industry: str
    industry_label: str
    category: str
    category_label: str
    source: str
    enterprise_name: str
    credit_code: str
    site: str
    place_unit: UnitRef | None
    owner_unit: UnitRef
    inspection_id: int | None
    finder: str
    found_at: dt.datetime
    rectify_mode: str
    responsible_person: str
    measures: str
    funds_yuan: int | None
    rectify_by: dt.date | None
    interim_controls: str
    rectified_on: dt.date | None
    stop_production: bool
    regulator_unit: UnitRef | None
    supervision_ref: str
    resume_applied_on: dt.date | None
    closed_on: dt.date | None
    next_due_date: dt.date | None
    deadline_state: str
    violations: list[dict] = Field(description="三非、三违、三超：[{group, kind, kind_label, description}]")
    checks: list[dict] = Field(description="验收与现场审查：[{kind, result, checker, checked_on, notes}]")
    plan: dict | None = Field(None, description="重大隐患的现行治理方案（五落实）")


class HazardListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[HazardOut]


class HazardListQuery(Schema):
    grade: Grade | None = Field(None, title="隐患等级")
    status: str | None = Field(None, title="状态")
    industry: Industry | None = Field(None, title="行业领域")
    category: HazardCategory | None = Field(None, title="隐患类别")
    inspection: int | None = Field(None, title="所属检查")
    unit: int | None = Field(None, title="责任单位", description="单位 id：该单位及其下级")
    is_open: bool | None = Field(None, title="未销号")
    overdue: bool | None = Field(None, title="仅超期")
    found_from: dt.date | None = Field(None, title="发现日期起")
    found_to: dt.date | None = Field(None, title="发现日期止")
    q: str | None = Field(None, title="关键词", max_length=100)
    limit: int = Field(20, title="每页条数", ge=1, le=200)
    offset: int = Field(0, title="起始位置", ge=0)


class InspectionOut(Schema):
    id: int
    name: str
    inspecting_unit: UnitRef
    scope_units: list[UnitRef]
    start_date: dt.date
    end_date: dt.date
    description: str
    total: int
    major: int
    closed: int
    overdue: int


class StatsRowOut(Schema):
    key: str | int | None
    label: str
    found: int
    found_major: int
    closed: int
    closed_of_found: int
    open_at_end: int
    open_major: int
    overdue: int
    rate: str | None


class StatsOut(Schema):
    year: int
    quarter: int | None
    start: dt.date
    end: dt.date
    by: str
    rows: list[StatsRowOut]
    total: dict


class AgeOut(Schema):
    today: dt.date
    total: int
    rows: list[dict]


def _unit(unit: Unit | None) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _hazard_render(h: Hazard, *, plan=None) -> dict:
    case = h.case
    return {
        "number": case.number, "title": case.title, "description": case.content, "status": case.status,
        "status_label": workflow_for("hazard").state(case.status).label, "is_open": case.is_open,
        "version": case.version, "grade": h.grade, "grade_label": h.get_grade_display(), "industry": h.industry,
        "industry_label": h.get_industry_display(), "category": h.category,
        "category_label": h.get_category_display(), "source": h.source, "enterprise_name": h.enterprise_name,
        "credit_code": h.credit_code, "site": h.site, "place_unit": _unit(case.place_unit),
        "owner_unit": _unit(case.owner_unit), "inspection_id": h.inspection_id, "finder": h.finder,
        "found_at": timezone.localtime(h.found_at), "rectify_mode": h.rectify_mode,
        "responsible_person": h.responsible_person, "measures": h.measures, "funds_yuan": h.funds_yuan,
        "rectify_by": h.rectify_by, "interim_controls": h.interim_controls, "rectified_on": h.rectified_on,
        "stop_production": h.stop_production, "regulator_unit": _unit(h.regulator_unit),
        "supervision_ref": h.supervision_ref, "resume_applied_on": h.resume_applied_on, "closed_on": h.closed_on,
        "next_due_date": case.next_due_date, "deadline_state": case_deadline_state(case=case),
        "violations": [{"group": v.group, "kind": v.kind, "kind_label": v.get_kind_display(),
                        "description": v.description} for v in case.hazard_violations.all()],
        "checks": [{"kind": c.kind, "result": c.result, "checker": c.checker, "checked_on": c.checked_on,
                    "notes": c.notes} for c in case.hazard_checks.all()],
        "plan": None if plan is None else {
            "goal": plan.goal, "measures": plan.measures, "funds_yuan": plan.funds_yuan, "materials": plan.materials,
            "organisation": plan.organisation, "responsible_person": plan.responsible_person,
            "time_limit": plan.time_limit, "safety_measures": plan.safety_measures,
            "emergency_plan": plan.emergency_plan, "interim_controls": plan.interim_controls},
    }


def _unit_param(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise ValidationFailed("单位不存在。", field="unit")
    return unit


def _filters(q: HazardListQuery) -> HazardFilters:
    if q.status and q.status not in workflow_for("hazard").states:
        raise ValidationFailed("状态的取值无效。", field="status")
    return HazardFilters(grade=q.grade, status=q.status, industry=q.industry, category=q.category,
                         inspection=q.inspection, unit=_unit_param(q.unit), is_open=q.is_open, overdue=q.overdue,
                         found_from=q.found_from, found_to=q.found_to, text=q.q)


def _detail(request, number: str) -> dict:
    case = hazard_case_get_for(user=request.auth, number=number)
    facts = hazard_facts_for(user=request.auth, case=case)
    hazard = hazards_ledger(Hazard.objects.filter(case=case)).get()
    return _hazard_render(hazard, plan=facts["plan"])


@router.post("/hazards", response={201: HazardOut, **WRITE_ERRORS}, summary="登记安全隐患",
             url_name="hazard_register")
def hazard_register_endpoint(request: HttpRequest, hazard: HazardIn):
    """登记一项隐患（检查发现或单独报告）。照片请在页面上传，或登记后走通用附件功能。
    之后的整改、验收、治理方案、报告、挂牌督办、现场审查、销号均通过
    `POST /api/v1/cases/{number}/transitions` 执行。"""
    case = hazard_register(actor=request.auth, data=hazard)
    return Status(201, _detail(request, case.number))


@router.get("/hazards", response={200: HazardListOut, **READ_ERRORS}, summary="隐患台账", url_name="hazard_list")
def hazard_list(request: HttpRequest, filters: Query[HazardListQuery]):
    qs = hazards_ledger(hazards_filter(hazards_visible_to(user=request.auth), filters=_filters(filters)))
    page = qs[filters.offset:filters.offset + filters.limit]
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_hazard_render(h) for h in page]}


@router.get("/hazards/ledger.xlsx", response={200: None, **READ_ERRORS}, summary="导出隐患排查治理台账（xlsx）",
            url_name="hazard_ledger_export")
def hazard_ledger_export(request: HttpRequest, filters: Query[HazardListQuery]):
    """条件同隐患台账；最多导出 5000 条。"""
    user = request.auth
    qs = hazards_ledger(hazards_filter(hazards_visible_to(user=user), filters=_filters(filters)))
    total = qs.count()
    now = timezone.localtime(clock.now())
    content = hazards_ledger_xlsx(hazards=qs[:EXPORT_MAX_ROWS], description="接口导出", exported_at=now,
                                  exported_by=f"{user}（{user.unit or '未设单位'}）",
                                  truncated_at=EXPORT_MAX_ROWS if total > EXPORT_MAX_ROWS else None)
    audit_record(actor=user, action="hazards.export", object_type="hazard_ledger", object_id="",
                 detail={"conditions": filters.dict(exclude_none=True), "rows": min(total, EXPORT_MAX_ROWS)})
    return xlsx_response(content, filename=f"隐患排查治理台账-{now:%Y%m%d-%H%M}.xlsx")


@router.get("/hazards/stats", response={200: StatsOut, **READ_ERRORS}, summary="隐患季度/年度统计",
            url_name="hazard_stats")
def hazard_stats(request: HttpRequest, year: int | None = None, quarter: int | None = None, by: str = "grade",
                 unit: int | None = None):
    """按隐患等级（grade）、行业（industry）、责任单位（unit）或类别（category）统计；quarter 为空即全年。"""
    period = stats_period_parse(year=year, quarter=quarter)
    stats = hazards_stats(user=request.auth, period=period, by=by, unit=_unit_param(unit))
    return {"year": period.year, "quarter": period.quarter, "start": period.start, "end": period.end, "by": by,
            "rows": stats["rows"], "total": stats["total"]}


@router.get("/hazards/open-by-age", response={200: AgeOut, **READ_ERRORS}, summary="未销号隐患账龄",
            url_name="hazard_open_by_age")
def hazard_open_by_age(request: HttpRequest, unit: int | None = None):
    ages = hazards_open_by_age(user=request.auth, unit=_unit_param(unit))
    return {"today": ages["today"], "total": ages["total"], "rows": ages["rows"]}


@router.get("/hazards/{number}", response={200: HazardOut, **READ_ERRORS}, summary="隐患详情",
            url_name="hazard_detail")
def hazard_detail(request: HttpRequest, number: str):
    return _detail(request, number)


def _inspection_render(request, inspection) -> dict:
    return {"id": inspection.pk, "name": inspection.name, "inspecting_unit": _unit(inspection.inspecting_unit),
            "scope_units": [_unit(u) for u in inspection.scope_units.order_by("path")],
            "start_date": inspection.start_date, "end_date": inspection.end_date,
            "description": inspection.description, **inspection_summary(user=request.auth, inspection=inspection)}


@router.post("/hazard-inspections", response={201: InspectionOut, **WRITE_ERRORS}, summary="组织安全检查",
             url_name="hazard_inspection_create")
def hazard_inspection_create(request: HttpRequest, inspection: InspectionIn):
    created = inspection_create(actor=request.auth, data=inspection)
    return Status(201, _inspection_render(request, created))


@router.get("/hazard-inspections", response={200: list[InspectionOut], **READ_ERRORS}, summary="安全检查列表",
            url_name="hazard_inspection_list")
def hazard_inspection_list(request: HttpRequest):
    return [_inspection_render(request, i)
            for i in inspections_visible_to(user=request.auth).select_related("inspecting_unit")[:200]]


@router.get("/hazard-inspections/{inspection_id}", response={200: InspectionOut, **READ_ERRORS},
            summary="安全检查详情", url_name="hazard_inspection_detail")
def hazard_inspection_detail(request: HttpRequest, inspection_id: int):
    return _inspection_render(request, inspection_get_for(user=request.auth, inspection_id=inspection_id))
