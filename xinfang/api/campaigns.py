"""专项行动 endpoints (/api/v1/campaigns…): the measures targets can use, campaigns (list,
create, edit, detail with live progress and progress by unit), the ledger, enrolling a case
(one, or by a rule after a preview) and withdrawing it, the ledger and the report as files,
and the campaigns of one case. Handlers are thin: parse, call a service or selector, render."""
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xinfang.audit.services import audit_record
from xinfang.campaigns.measures import MEASURES
from xinfang.campaigns.models import Campaign, CampaignType, EnrolRule
from xinfang.campaigns.report import (
    campaign_ledger_xlsx,
    campaign_report_file,
    file_response,
)
from xinfang.campaigns.schemas import BulkEnrolIn, CampaignIn
from xinfang.campaigns.selectors import (
    LedgerFilters,
    campaign_by_unit,
    campaign_get_for,
    campaign_ledger,
    campaign_may_manage,
    campaign_overview,
    campaign_progress,
    campaign_state,
    campaigns_visible_to,
    case_campaigns_for,
    enrol_candidates,
    ledger_row,
)
from xinfang.campaigns.services import (
    campaign_case_enrol,
    campaign_case_withdraw,
    campaign_cases_enrol_bulk,
    campaign_create,
    campaign_update,
)
from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.selectors import case_get_for
from xinfang.orgs.models import Unit

from .auth import STAFF_AUTH
from .schemas import ErrorOut, UnitRef

router = Router(auth=STAFF_AUTH, tags=["专项行动"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}


class MeasureOut(Schema):
    key: str
    label: str
    unit_label: str
    basis: str = Field(description="enrolled：按入列案件统计；scope：按范围内记录统计")
    basis_label: str
    kind: str | None = Field(description="需要范围包含的案件类别（为空则任意）")
    definition: str


class TargetOut(Schema):
    measure: str
    label: str
    unit_label: str
    basis: str
    number: int = Field(description="目标数 N")
    value: int = Field(description="实时计算的完成数 n")
    percent: str | None = Field(description="完成率（%，一位小数）")
    reached: bool


class ByUnitRowOut(Schema):
    unit: UnitRef | None = Field(description="范围内下一级单位；为空表示已移出范围的单位")
    enrolled: int
    closed: int
    on_time: int
    open: int
    overdue: int
    rate: str | None


class CampaignOut(Schema):
    id: int
    name: str
    type: str
    type_label: str
    state: str = Field(description="未开始 / 进行中 / 已结束")
    organising_unit: UnitRef
    start_date: dt.date
    end_date: dt.date
    scope_unit: UnitRef
    kinds: list[str]
    category_ids: list[int]
    description: str
    may_manage: bool = Field(description="当前用户可否修改、列入、退出")
    targets: list[TargetOut]


class CampaignDetailOut(CampaignOut):
    overview: dict = Field(description="enrolled, withdrawn, closed, closed_on_time, open, overdue, closed_rate")
    by_unit: list[ByUnitRowOut]
    by_unit_total: ByUnitRowOut


class LedgerRowOut(Schema):
    number: str
    title: str
    kind: str
    kind_label: str
    owner_unit: UnitRef
    status: str
    status_label: str
    is_open: bool
    deadline_state: str
    next_due_date: dt.date | None
    received_date: dt.date
    closed_on: dt.date | None
    days: int = Field(description="办理用时：收到至办结（未办结的至今日）的天数")
    closed_in_period: bool
    rule: str
    enrolled_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdraw_reason: str


class LedgerOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[LedgerRowOut]


class LedgerQuery(Schema):
    unit: int | None = Field(None, title="责任单位", description="单位 id：该单位及其下级")
    kind: str | None = Field(None, title="案件类别")
    state: str | None = Field(None, title="办理情况", description="open / closed / overdue / withdrawn")
    q: str | None = Field(None, title="关键词", max_length=100)
    limit: int = Field(50, title="每页条数", ge=1, le=500)
    offset: int = Field(0, title="起始位置", ge=0)


class EnrolIn(Schema):
    number: str = Field(title="案件编号", min_length=1, max_length=40)


class WithdrawIn(Schema):
    reason: str = Field(title="退出理由", max_length=500)


class EnrolmentOut(Schema):
    campaign_id: int
    campaign_name: str
    number: str
    rule: str
    enrolled_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdraw_reason: str


class PreviewOut(Schema):
    rule: str
    kind: str | None
    count: int = Field(description="确认批量列入时须作为 expected 传回")
    sample: list[str] = Field(description="前 20 件的编号")


class BulkOut(Schema):
    enrolled: int
    numbers: list[str]


class CaseCampaignsOut(Schema):
    number: str
    current: list[EnrolmentOut]
    withdrawn: list[EnrolmentOut]
    enrollable: list[dict] = Field(description="当前用户现在可以将该案件列入的专项行动 [{id, name}]")


def _unit(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name}


def _campaign_render(request, campaign: Campaign) -> dict:
    return {
        "id": campaign.pk, "name": campaign.name, "type": campaign.type,
        "type_label": CampaignType(campaign.type).label, "state": campaign_state(campaign),
        "organising_unit": _unit(campaign.organising_unit), "start_date": campaign.start_date,
        "end_date": campaign.end_date, "scope_unit": _unit(campaign.scope_unit), "kinds": list(campaign.kinds),
        "category_ids": sorted(c.pk for c in campaign.categories.all()), "description": campaign.description,
        "may_manage": campaign_may_manage(user=request.auth, campaign=campaign),
        "targets": [{"measure": p["measure"].key, "label": p["measure"].label, "unit_label": p["measure"].unit_label,
                     "basis": p["measure"].basis, "number": p["number"], "value": p["value"],
                     "percent": None if p["percent"] is None else str(p["percent"]), "reached": p["reached"]}
                    for p in campaign_progress(campaign)],
    }


def _by_unit_row(row: dict) -> dict:
    return {"unit": _unit(row["unit"]) if row.get("unit") is not None else None,
            **{k: row[k] for k in ("enrolled", "closed", "on_time", "open", "overdue")},
            "rate": None if row["rate"] is None else str(row["rate"])}


def _detail(request, campaign: Campaign) -> dict:
    overview = campaign_overview(campaign)
    by_unit = campaign_by_unit(campaign)
    return {**_campaign_render(request, campaign),
            "overview": {k: (str(v) if k == "closed_rate" and v is not None else v) for k, v in overview.items()},
            "by_unit": [_by_unit_row(r) for r in by_unit["rows"]], "by_unit_total": _by_unit_row(by_unit["total"])}


def _enrolment(e) -> dict:
    return {"campaign_id": e.campaign_id, "campaign_name": e.campaign.name, "number": e.case.number, "rule": e.rule,
            "enrolled_at": e.enrolled_at, "withdrawn_at": e.withdrawn_at, "withdraw_reason": e.withdraw_reason}


def _filters(q: LedgerQuery) -> LedgerFilters:
    unit = None
    if q.unit is not None:
        unit = Unit.objects.filter(pk=q.unit).first()
        if unit is None:
            raise ValidationFailed("单位不存在。", field="unit")
    return LedgerFilters(unit=unit, kind=q.kind, state=q.state, text=q.q)


@router.get("/campaigns/measures", response={200: list[MeasureOut], **READ_ERRORS}, summary="专项行动可用的目标指标",
            url_name="campaign_measures")
def campaign_measures(request: HttpRequest):
    return [{"key": m.key, "label": m.label, "unit_label": m.unit_label, "basis": m.basis,
             "basis_label": m.basis_label, "kind": m.kind, "definition": m.definition} for m in MEASURES.values()]


@router.get("/campaigns", response={200: list[CampaignOut], **READ_ERRORS}, summary="专项行动列表",
            url_name="campaign_list")
def campaign_list(request: HttpRequest):
    """当前用户可以查看的专项行动（组织单位或范围在其数据范围内，或范围覆盖其所在单位），新的在前。"""
    qs = campaigns_visible_to(user=request.auth).prefetch_related("targets", "categories")[:200]
    return [_campaign_render(request, c) for c in qs]


@router.post("/campaigns", response={201: CampaignDetailOut, **WRITE_ERRORS}, summary="组织专项行动",
             url_name="campaign_create")
def campaign_create_endpoint(request: HttpRequest, campaign: CampaignIn):
    """督查人员或领导组织专项行动：名称、类型、组织单位、期间、范围（单位、类别、分类）和目标。"""
    created = campaign_create(actor=request.auth, data=campaign)
    return Status(201, _detail(request, created))


@router.get("/campaigns/by-case/{number}", response={200: CaseCampaignsOut, **READ_ERRORS},
            summary="案件所列入的专项行动", url_name="campaign_by_case")
def campaign_by_case(request: HttpRequest, number: str):
    case = case_get_for(user=request.auth, number=number)
    data = case_campaigns_for(user=request.auth, case=case)
    return {"number": case.number, "current": [_enrolment(it["enrolment"]) for it in data["current"]],
            "withdrawn": [_enrolment(e) for e in data["withdrawn"]],
            "enrollable": [{"id": c.pk, "name": c.name} for c in data["enrollable"]]}


@router.get("/campaigns/{campaign_id}", response={200: CampaignDetailOut, **READ_ERRORS}, summary="专项行动详情与进展",
            url_name="campaign_detail")
def campaign_detail(request: HttpRequest, campaign_id: int):
    """目标完成数由系统按案件和记录实时计算；分单位进展按目前的责任单位归到范围的下一级单位。"""
    return _detail(request, campaign_get_for(user=request.auth, campaign_id=campaign_id))


@router.put("/campaigns/{campaign_id}", response={200: CampaignDetailOut, **WRITE_ERRORS}, summary="修改专项行动",
            url_name="campaign_update")
def campaign_update_endpoint(request: HttpRequest, campaign_id: int, campaign: CampaignIn):
    """整体替换名称、期间、范围和目标。新的范围须仍包含已列入的案件。"""
    current = campaign_get_for(user=request.auth, campaign_id=campaign_id)
    return _detail(request, campaign_update(actor=request.auth, campaign=current, data=campaign))


@router.get("/campaigns/{campaign_id}/cases", response={200: LedgerOut, **READ_ERRORS}, summary="专项行动台账",
            url_name="campaign_ledger")
def campaign_ledger_endpoint(request: HttpRequest, campaign_id: int, filters: Query[LedgerQuery]):
    """列入的案件中当前用户有权查看的部分；state=withdrawn 列出已退出的。"""
    campaign = campaign_get_for(user=request.auth, campaign_id=campaign_id)
    qs = campaign_ledger(user=request.auth, campaign=campaign, filters=_filters(filters))
    today = clock.today()
    items = []
    for e in qs[filters.offset:filters.offset + filters.limit]:
        r = ledger_row(e, campaign=campaign, today=today)
        case = r["case"]
        items.append({"number": case.number, "title": case.title, "kind": case.kind, "kind_label": r["kind_label"],
                      "owner_unit": _unit(case.owner_unit), "status": case.status, "status_label": r["status_label"],
                      "is_open": case.is_open, "deadline_state": r["deadline_state"],
                      "next_due_date": case.next_due_date, "received_date": case.received_date,
                      "closed_on": r["closed_on"], "days": r["days"], "closed_in_period": r["closed_in_period"],
                      "rule": e.rule, "enrolled_at": e.enrolled_at, "withdrawn_at": e.withdrawn_at,
                      "withdraw_reason": e.withdraw_reason})
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset, "items": items}


@router.post("/campaigns/{campaign_id}/cases", response={201: EnrolmentOut, **WRITE_ERRORS}, summary="列入案件",
             url_name="campaign_enrol")
def campaign_enrol(request: HttpRequest, campaign_id: int, body: EnrolIn):
    """只能列入范围内、专项行动开始前未办结的案件；在案件上记录“列入专项行动「…」”。"""
    campaign = campaign_get_for(user=request.auth, campaign_id=campaign_id)
    case = case_get_for(user=request.auth, number=body.number.strip())
    return Status(201, _enrolment(campaign_case_enrol(actor=request.auth, campaign=campaign, case=case)))


@router.post("/campaigns/{campaign_id}/cases/{number}/withdraw", response={200: EnrolmentOut, **WRITE_ERRORS},
             summary="退出专项行动", url_name="campaign_withdraw")
def campaign_withdraw(request: HttpRequest, campaign_id: int, number: str, body: WithdrawIn):
    campaign = campaign_get_for(user=request.auth, campaign_id=campaign_id)
    case = case_get_for(user=request.auth, number=number)
    return _enrolment(campaign_case_withdraw(actor=request.auth, campaign=campaign, case=case, reason=body.reason))


@router.get("/campaigns/{campaign_id}/enrol-preview", response={200: PreviewOut, **READ_ERRORS},
            summary="预览批量列入", url_name="campaign_enrol_preview")
def campaign_enrol_preview(request: HttpRequest, campaign_id: int, rule: EnrolRule, kind: str | None = None):
    """rule：backlog（开始日前收到、至今未办结的积案）、open（全部未办结）、in_period（期间内收到）。"""
    campaign = campaign_get_for(user=request.auth, campaign_id=campaign_id)
    qs = enrol_candidates(user=request.auth, campaign=campaign, rule=rule, kind=kind)
    return {"rule": rule, "kind": kind, "count": qs.count(), "sample": [c.number for c in qs[:20]]}


@router.post("/campaigns/{campaign_id}/enrol-bulk", response={201: BulkOut, **WRITE_ERRORS}, summary="按规则批量列入",
             url_name="campaign_enrol_bulk")
def campaign_enrol_bulk(request: HttpRequest, campaign_id: int, body: BulkEnrolIn):
    """expected 须等于预览时的件数；件数已变化则不列入（409），请重新预览。"""
    campaign = campaign_get_for(user=request.auth, campaign_id=campaign_id)
    enrolled = campaign_cases_enrol_bulk(actor=request.auth, campaign=campaign, data=body)
    return Status(201, {"enrolled": len(enrolled), "numbers": [e.case.number for e in enrolled]})


@router.get("/campaigns/{campaign_id}/ledger.xlsx", response={200: None, **READ_ERRORS},
            summary="导出专项行动台账（xlsx）", url_name="campaign_ledger_export")
def campaign_ledger_export(request: HttpRequest, campaign_id: int, filters: Query[LedgerQuery]):
    user = request.auth
    campaign = campaign_get_for(user=user, campaign_id=campaign_id)
    today, now = clock.today(), timezone.localtime(clock.now())
    rows = [ledger_row(e, campaign=campaign, today=today)
            for e in campaign_ledger(user=user, campaign=campaign, filters=_filters(filters))]
    content = campaign_ledger_xlsx(campaign=campaign, rows=rows, description="接口导出", exported_at=now,
                                   exported_by=f"{user}（{user.unit or '未设单位'}）")
    audit_record(actor=user, action="campaign.export", object_type="campaign", object_id=campaign.pk,
                 detail={"conditions": filters.dict(exclude_none=True), "rows": len(rows)})
    return file_response(content, fmt="xlsx", filename=f"{campaign.name}台账-{now:%Y%m%d-%H%M}.xlsx")


@router.get("/campaigns/{campaign_id}/report.{fmt}", response={200: None, **READ_ERRORS},
            summary="专项行动进展报告（xlsx 或 pdf）", url_name="campaign_report")
def campaign_report(request: HttpRequest, campaign_id: int, fmt: str):
    """xlsx：总体情况（目标、完成数、完成率公式）、分单位（合计为 SUM 公式）、台账三张表；pdf：同样内容。"""
    if fmt not in ("xlsx", "pdf"):
        raise ValidationFailed("格式只能是 xlsx 或 pdf。", field="fmt")
    campaign = campaign_get_for(user=request.auth, campaign_id=campaign_id)
    content = campaign_report_file(user=request.auth, campaign=campaign, fmt=fmt)
    now = timezone.localtime(clock.now())
    return file_response(content, fmt=fmt, filename=f"{campaign.name}进展报告-{now:%Y%m%d}.{fmt}")

