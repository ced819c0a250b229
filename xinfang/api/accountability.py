"""责任倒查与问责 endpoints (/api/v1/accountability/…): records (list, read, open, correct,
decide, close, the decision document), the candidate cases, and the figures per responsible
unit (JSON and xlsx). Only supervisors and leaders get answers; anyone else gets 404 on every
call. Handlers are thin: parse, call xinfang/accountability, render."""
import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xinfang.accountability import services
from xinfang.accountability.document import accountability_decision_download
from xinfang.accountability.export import accountability_counts_download
from xinfang.accountability.models import GROUND_SHORT, AccountabilityRecord, Ground
from xinfang.accountability.models import Status as RecordStatus
from xinfang.accountability.schemas import CloseIn, DecideIn, RecordIn, RecordOpenIn
from xinfang.accountability.selectors import (
    accountability_counts_by_unit,
    accountability_list_audit,
    accountability_record_get_for,
    accountability_records_for,
    candidate_case_ids,
    candidates_page,
)
from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.ledger_xlsx import XLSX_TYPE
from xinfang.core.selectors import case_get_for

from .auth import STAFF_AUTH
from .schemas import ErrorOut, UnitRef

router = Router(auth=STAFF_AUTH, tags=["责任倒查与问责"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}
FILE_DOC = {"responses": {"200": {"description": "问责决定书（docx 或 pdf）", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        "schema": {"type": "string", "format": "binary"}}}}}}
XLSX_DOC = {"responses": {"200": {"description": "按责任单位统计（xlsx）", "content": {
    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}}


class OfficialOut(Schema):
    name: str
    post: str
    unit: UnitRef | None


class RecordOut(Schema):
    id: int
    case_number: str
    case_title: str
    status: str
    status_label: str
    version: int = Field(description="修改、决定、结案时须带上的版本号")
    grounds: list[str]
    ground_labels: list[str]
    other_ground: str
    finding: str
    units: list[UnitRef]
    officials: list[OfficialOut]
    opening_unit: UnitRef
    opened_at: dt.datetime
    measures: list[str]
    measure_labels: list[str]
    measure_note: str
    decision_organ: str
    decision_number: str
    decided_on: dt.date | None
    close_note: str
    closed_at: dt.datetime | None
    documents: list[str] = Field(description="可下载的问责决定书格式（已作出决定后）")


class RecordSummaryOut(Schema):
    id: int
    case_number: str
    case_title: str
    status: str
    status_label: str
    ground_labels: list[str]
    units: list[UnitRef]
    measure_labels: list[str]
    opened_at: dt.datetime


class RecordListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[RecordSummaryOut]


class RecordListQuery(Schema):
    status: RecordStatus | None = Field(None, title="状态")
    ground: Ground | None = Field(None, title="事由")
    limit: int = Field(50, title="每页条数", ge=1, le=200)
    offset: int = Field(0, title="起始位置", ge=0)


class WriteIn(Schema):
    version: int = Field(title="版本号")


class UpdateIn(WriteIn):
    record: RecordIn


class DecideBody(WriteIn):
    decision: DecideIn


class CloseBody(WriteIn):
    closing: CloseIn


class GroundFactsOut(Schema):
    ground: str
    label: str
    facts: list[str]


class CandidateOut(Schema):
    number: str
    title: str
    owner_unit: UnitRef
    grounds: list[GroundFactsOut]
    records: int = Field(description="本案已有的问责记录件数")


class CandidateListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[CandidateOut]


class CandidateQuery(Schema):
    ground: str | None = Field(None, title="情形", description="overdue / shirking / overturned")
    limit: int = Field(50, title="每页条数", ge=1, le=200)
    offset: int = Field(0, title="起始位置", ge=0)


class CountRowOut(Schema):
    unit: UnitRef | None = Field(description="合计行为 null")
    records: int
    open: int = Field(description="其中调查中（未作出决定）")
    grounds: dict[str, int]
    measures: dict[str, int]


class CountsOut(Schema):
    start: dt.date
    end: dt.date
    definition: str
    ground_labels: dict[str, str]
    measure_labels: dict[str, str]
    rows: list[CountRowOut]
    total: CountRowOut


class PeriodQuery(Schema):
    start: dt.date | None = Field(None, title="立项日期（起）", description="默认本年1月1日")
    end: dt.date | None = Field(None, title="立项日期（止）", description="默认今天")


COUNTS_DEFINITION = ("立项日期在期间内的问责记录；一件记录列有多个责任单位的，在每个单位各计一次，合计行每件只计一次；"
                     "事由、问责方式分别计数，问责方式只计已作出决定的记录。只按单位统计，不对个人排名。")


def _record_render(r: AccountabilityRecord) -> dict:
    return {
        "id": r.pk, "case_number": r.case.number, "case_title": r.case.title, "status": r.status,
        "status_label": r.get_status_display(), "version": r.version, "grounds": r.grounds,
        "ground_labels": r.ground_labels, "other_ground": r.other_ground, "finding": r.finding,
        "units": [{"id": u.pk, "name": u.name} for u in r.units.all()],
        "officials": [{"name": o.name, "post": o.post, "unit": {"id": o.unit.pk, "name": o.unit.name} if o.unit
                       else None} for o in r.officials.select_related("unit")],
        "opening_unit": {"id": r.opening_unit.pk, "name": r.opening_unit.name}, "opened_at": r.opened_at,
        "measures": r.measures, "measure_labels": r.measure_labels, "measure_note": r.measure_note,
        "decision_organ": r.decision_organ, "decision_number": r.decision_number, "decided_on": r.decided_on,
        "close_note": r.close_note, "closed_at": r.closed_at,
        "documents": [] if r.status == RecordStatus.OPENED else ["pdf", "docx"],
    }


def _summary_render(r: AccountabilityRecord) -> dict:
    return {"id": r.pk, "case_number": r.case.number, "case_title": r.case.title, "status": r.status,
            "status_label": r.get_status_display(), "ground_labels": r.ground_labels,
            "units": [{"id": u.pk, "name": u.name} for u in r.units.all()], "measure_labels": r.measure_labels,
            "opened_at": r.opened_at}


def _fresh(request, record_id: int) -> dict:
    return _record_render(accountability_record_get_for(user=request.auth, record_id=record_id))


@router.get("/accountability/records", response={200: RecordListOut, **READ_ERRORS}, summary="问责记录列表",
            url_name="accountability_records")
def record_list(request: HttpRequest, filters: Query[RecordListQuery]):
    """调用者数据范围内的问责记录（仅督查人员、领导）；每次查询记入审计日志。"""
    qs = accountability_records_for(user=request.auth)
    if filters.status:
        qs = qs.filter(status=filters.status)
    records = [r for r in qs if not filters.ground or filters.ground in r.grounds]
    accountability_list_audit(user=request.auth, what="list", detail=filters.dict(exclude_none=True))
    page = records[filters.offset:filters.offset + filters.limit]
    return {"count": len(records), "limit": filters.limit, "offset": filters.offset,
            "items": [_summary_render(r) for r in page]}


@router.post("/accountability/records", response={201: RecordOut, **WRITE_ERRORS}, summary="开立问责记录",
             url_name="accountability_open")
def record_open(request: HttpRequest, data: RecordOpenIn):
    """督查人员对其数据范围内的案件开立问责记录。责任单位须是办理过该案的单位。"""
    case = case_get_for(user=request.auth, number=data.case_number)
    record = services.accountability_record_open(actor=request.auth, case=case,
                                                 data=RecordIn(**data.model_dump(exclude={"case_number"})))
    return Status(201, _fresh(request, record.pk))


@router.get("/accountability/records/{record_id}", response={200: RecordOut, **READ_ERRORS}, summary="问责记录详情",
            url_name="accountability_record")
def record_detail(request: HttpRequest, record_id: int):
    return _fresh(request, record_id)


@router.put("/accountability/records/{record_id}", response={200: RecordOut, **WRITE_ERRORS},
            summary="修改问责记录（调查中）", url_name="accountability_update")
def record_update(request: HttpRequest, record_id: int, body: UpdateIn):
    services.accountability_record_update(actor=request.auth, record_id=record_id, version=body.version,
                                          data=body.record)
    return _fresh(request, record_id)


@router.post("/accountability/records/{record_id}/decision", response={200: RecordOut, **WRITE_ERRORS},
             summary="记录问责决定", url_name="accountability_decide")
def record_decide(request: HttpRequest, record_id: int, body: DecideBody):
    services.accountability_record_decide(actor=request.auth, record_id=record_id, version=body.version,
                                          data=body.decision)
    return _fresh(request, record_id)


@router.post("/accountability/records/{record_id}/closing", response={200: RecordOut, **WRITE_ERRORS},
             summary="结案（填写落实情况）", url_name="accountability_close")
def record_close(request: HttpRequest, record_id: int, body: CloseBody):
    services.accountability_record_close(actor=request.auth, record_id=record_id, version=body.version,
                                         data=body.closing)
    return _fresh(request, record_id)


@router.get("/accountability/records/{record_id}/decision.{fmt}", response={200: None, **READ_ERRORS},
            summary="下载问责决定书", url_name="accountability_document", openapi_extra=FILE_DOC)
def record_document(request: HttpRequest, record_id: int, fmt: str):
    """fmt 为 `docx` 或 `pdf`（GB/T 9704 公文格式），由记录即时生成；作出决定后才有。"""
    if fmt not in ("pdf", "docx"):
        raise ValidationFailed("格式只能是 docx 或 pdf。", field="fmt")
    record = accountability_record_get_for(user=request.auth, record_id=record_id, purpose=f"document_{fmt}")
    if record.status == RecordStatus.OPENED:
        raise NotFound("尚未作出问责决定，没有决定书。")
    return accountability_decision_download(record=record, fmt=fmt)


@router.get("/accountability/candidates", response={200: CandidateListOut, **READ_ERRORS},
            summary="待倒查案件（按案件自身记录）", url_name="accountability_candidates")
def candidate_list(request: HttpRequest, filters: Query[CandidateQuery]):
    """调用者数据范围内符合倒查情形的案件：超期、退回或移交2次及以上、处理意见经复查/复核被撤销或变更。案件清单，不含人员。"""
    ground = filters.ground or ""
    if ground and ground not in (Ground.OVERDUE, Ground.SHIRKING, Ground.OVERTURNED):
        raise ValidationFailed("情形只能是 overdue、shirking 或 overturned。", field="ground")
    today = clock.today()
    qs = candidate_case_ids(user=request.auth, today=today, ground=ground).select_related("owner_unit") \
        .order_by("-received_date", "-id")
    total = qs.count()
    rows = candidates_page(cases=list(qs[filters.offset:filters.offset + filters.limit]), today=today)
    accountability_list_audit(user=request.auth, what="candidates", detail={"ground": ground})
    return {"count": total, "limit": filters.limit, "offset": filters.offset, "items": [{
        "number": c.case.number, "title": c.case.title,
        "owner_unit": {"id": c.case.owner_unit.pk, "name": c.case.owner_unit.name},
        "grounds": [{"ground": g, "label": GROUND_SHORT[g], "facts": facts} for g, facts in c.grounds.items()],
        "records": c.records} for c in rows]}


def _counts(request, query: PeriodQuery) -> dict:
    today = clock.today()
    return accountability_counts_by_unit(user=request.auth, start=query.start or dt.date(today.year, 1, 1),
                                         end=query.end or today)


def _count_row(row: dict, counts: dict, unit=None) -> dict:
    return {"unit": {"id": unit.pk, "name": unit.name} if unit else None, "records": row["records"],
            "open": row["open"],
            "grounds": {code: n for (code, _), n in zip(counts["ground_columns"], row["grounds"])},
            "measures": {code: n for (code, _), n in zip(counts["measure_columns"], row["measures"])}}


@router.get("/accountability/stats", response={200: CountsOut, **READ_ERRORS}, summary="问责情况按责任单位统计",
            url_name="accountability_stats")
def counts(request: HttpRequest, query: Query[PeriodQuery]):
    c = _counts(request, query)
    accountability_list_audit(user=request.auth, what="stats", detail={"start": c["start"], "end": c["end"]})
    return {"start": c["start"], "end": c["end"], "definition": COUNTS_DEFINITION,
            "ground_labels": dict(c["ground_columns"]), "measure_labels": dict(c["measure_columns"]),
            "rows": [_count_row(r, c, r["unit"]) for r in c["rows"]], "total": _count_row(c["total"], c)}


@router.get("/accountability/stats.xlsx", response={200: None, **READ_ERRORS}, summary="导出按责任单位统计（xlsx）",
            url_name="accountability_stats_export", openapi_extra=XLSX_DOC)
def counts_export(request: HttpRequest, query: Query[PeriodQuery]):
    c = _counts(request, query)
    accountability_list_audit(user=request.auth, what="export", detail={"start": c["start"], "end": c["end"]})
    return accountability_counts_download(counts=c, user=request.auth)
