"""通报 endpoints (/api/v1/circulars…): list the circulars of the caller's area, draft one for
a period and an area (its facts and text, neither stored nor numbered), issue it (numbered,
frozen), read one and download it as docx or PDF. Handlers are thin: parse, call
xinfang/supervision/circulars.py, render."""
import datetime as dt

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xinfang.core.errors import NotFound
from xinfang.orgs.models import Unit
from xinfang.supervision.circulars import (
    FORMATS,
    circular_draft,
    circular_file,
    circular_get_for,
    circular_issue,
    circulars_for,
)

from .auth import STAFF_AUTH
from .documents import FILE_DOC   # the same two formats as the petition documents
from .schemas import ErrorOut, UnitRef

router = Router(auth=STAFF_AUTH, tags=["通报"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}


class CircularIn(Schema):
    area: int = Field(title="通报范围", description="单位 id：通报该单位及其下级")
    start: dt.date = Field(title="期间开始日期")
    end: dt.date = Field(title="期间结束日期", description="不晚于今天；期间不超过一年")


class CircularListQuery(Schema):
    limit: int = Field(20, title="每页条数", ge=1, le=200)
    offset: int = Field(0, title="起始位置", ge=0)


class LateUnitOut(Schema):
    unit_id: int | None
    unit: str
    count: int = Field(description="超期事项件数")
    open: int = Field(description="其中期末仍未办结")
    oldest_days: int = Field(description="最长超期天数")


class LateCaseOut(Schema):
    number: str
    title: str
    unit_id: int | None
    unit: str
    deadline: str
    due_date: dt.date
    days: int
    state: str


class LateSupervisionOut(Schema):
    number: str
    title: str
    unit_id: int | None
    unit: str
    level: str
    supervising_unit: str
    due_date: dt.date
    days: int
    state: str


class OnTimeOut(Schema):
    unit_id: int
    unit: str
    is_area: bool
    value: str | None = Field(description="按期办结率（%），期间内没有到期事项为 null")
    numerator: int | None
    denominator: int | None


class CircularSummaryOut(Schema):
    id: int
    number: str
    title: str
    unit: UnitRef = Field(description="发文单位")
    area: UnitRef = Field(description="通报范围")
    period_start: dt.date
    period_end: dt.date
    issued_at: dt.datetime
    late_cases: int = Field(description="超期事项件数")
    late_units: int = Field(description="超期单位数")
    formats: list[str]


class CircularListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[CircularSummaryOut]


class CircularOut(Schema):
    id: int | None = Field(description="草稿为 null")
    number: str | None = Field(description="文号；草稿为 null（发布时编号）")
    title: str
    unit: UnitRef
    area: UnitRef
    period_start: dt.date
    period_end: dt.date
    issued_at: dt.datetime | None
    late_units: list[LateUnitOut]
    late_cases: list[LateCaseOut]
    supervisions: list[LateSupervisionOut]
    on_time: list[OnTimeOut]
    on_time_definition: str
    paragraphs: list[str] = Field(description="正文各段")
    formats: list[str] = Field(description="可下载的格式；草稿为空")


def _ref(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name}


def _summary(c) -> dict:
    return {"id": c.pk, "number": c.number, "title": c.title, "unit": _ref(c.unit), "area": _ref(c.area),
            "period_start": c.period_start, "period_end": c.period_end, "issued_at": c.issued_at,
            "late_cases": len(c.content.get("late_cases", [])), "late_units": len(c.content.get("late_units", [])),
            "formats": list(FORMATS)}


def _full(*, content: dict, title: str, unit: Unit, area: Unit, start: dt.date, end: dt.date, circular=None) -> dict:
    return {"id": circular.pk if circular else None, "number": circular.number if circular else None,
            "title": title, "unit": _ref(unit), "area": _ref(area), "period_start": start, "period_end": end,
            "issued_at": circular.issued_at if circular else None,
            "late_units": content["late_units"], "late_cases": content["late_cases"],
            "supervisions": content["supervisions"], "on_time": content["on_time"],
            "on_time_definition": content["on_time_definition"], "paragraphs": content["document"]["paragraphs"],
            "formats": list(FORMATS) if circular else []}


def _issued(c) -> dict:
    return _full(content=c.content, title=c.title, unit=c.unit, area=c.area, start=c.period_start,
                 end=c.period_end, circular=c)


def _area(area_id: int) -> Unit:
    # Unknown reads as outside the caller's area (the service refuses those alike): 404.
    area = Unit.objects.filter(pk=area_id).first()
    if area is None:
        raise NotFound("单位不存在，或不在您可查看的范围内。")
    return area


@router.get("/circulars", response={200: CircularListOut, **READ_ERRORS}, summary="通报列表", url_name="circular_list")
def circular_list(request: HttpRequest, q: Query[CircularListQuery]):
    """本人可查看范围内（统计范围：信访局为全区）的通报，按发布时间倒序。"""
    qs = circulars_for(user=request.auth)
    return {"count": qs.count(), "limit": q.limit, "offset": q.offset,
            "items": [_summary(c) for c in qs[q.offset:q.offset + q.limit]]}


@router.post("/circulars/draft", response={200: CircularOut, **WRITE_ERRORS}, summary="起草通报（预览，不编号）",
             url_name="circular_draft")
def circular_draft_endpoint(request: HttpRequest, data: CircularIn):
    """按期间和范围生成通报的内容与正文，供发布前核对：不保存、不占用文号。校验与发布相同
    （督查人员或领导；范围须在本人可查看的范围内；期间不晚于今天、不超过一年）。"""
    draft = circular_draft(actor=request.auth, area=_area(data.area), start=data.start, end=data.end)
    return _full(content=draft["content"], title=draft["title"], unit=draft["unit"], area=draft["area"],
                 start=draft["period_start"], end=draft["period_end"])


@router.post("/circulars", response={201: CircularOut, **WRITE_ERRORS}, summary="发布通报", url_name="circular_issue")
def circular_issue_endpoint(request: HttpRequest, data: CircularIn):
    """发布通报：按发文单位和年度连续编号（不跳号），内容即时固定；记入审计。"""
    circular = circular_issue(actor=request.auth, area=_area(data.area), start=data.start, end=data.end)
    return Status(201, _issued(circular))


@router.get("/circulars/{circular_id}", response={200: CircularOut, **READ_ERRORS}, summary="通报详情",
            url_name="circular_detail")
def circular_detail(request: HttpRequest, circular_id: int):
    return _issued(circular_get_for(user=request.auth, circular_id=circular_id))


@router.get("/circulars/{circular_id}/{fmt}", response={200: None, **READ_ERRORS}, summary="下载通报",
            url_name="circular_download", openapi_extra=FILE_DOC)
def circular_download(request: HttpRequest, circular_id: int, fmt: str):
    """fmt 为 `docx` 或 `pdf`（GB/T 9704 公文格式）；首次下载时生成并保存。"""
    circular = circular_get_for(user=request.auth, circular_id=circular_id)
    field, filename, content_type = circular_file(circular=circular, fmt=fmt)
    response = FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
