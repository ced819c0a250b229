"""Statistics endpoints: every indicator with the same definitions, filters and data scope
as the statistics page (both read xinfang/stats/indicators.py)."""
import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from xinfang.core import clock
from xinfang.core.errors import ValidationFailed
from xinfang.core.ledger_xlsx import XLSX_TYPE
from xinfang.stats.indicators import (
    KIND,
    KINDS,
    VOLUME_DIMENSIONS,
    indicator_compute,
    indicators_compute,
    volume_by,
    volume_trend,
)
from xinfang.stats.report import report_period_parse, stats_report_xlsx
from xinfang.stats.report_pdf import report_made_by, stats_report_pdf
from xinfang.stats.selectors import stats_scope_for

from .auth import STAFF_AUTH
from .schemas import ErrorOut

router = Router(auth=STAFF_AUTH, tags=["统计"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}


class StatsQuery(Schema):
    start: dt.date | None = Field(None, title="开始日期", description="默认：本年1月1日")
    end: dt.date | None = Field(None, title="结束日期", description="默认：今天（含）")
    unit: int | None = Field(None, title="单位", description="单位 id，统计该单位及其下级；默认：本人可查看的全部范围")
    period: str | None = Field(None, title="报表期间",
                               description="年（2026）、季度（2026-Q3）或月份（2026-10）；给出时代替开始、结束日期，"
                                           "尚未结束的期间统计到今天")
    kind: str = Field(KIND, title="统计类别",
                      description="；".join(f"{k}：{v}" for k, v in KINDS.items()) + "。总量分组与按月趋势只有信访")


class FigureOut(Schema):
    key: str
    label: str
    unit_label: str
    definition: str
    value: str | int | None
    numerator: int | None
    denominator: int | None
    previous: str | int | None = Field(None, description="上年同期")
    change_pct: str | None = Field(None, description="同比（%）：数量指标")
    change_points: str | None = Field(None, description="同比（百分点）：比率指标")
    breakdown: list[dict]


class ScopeOut(Schema):
    start: dt.date
    end: dt.date
    unit: int | None
    kind: str


class FiguresOut(Schema):
    scope: ScopeOut
    items: list[FigureOut]


class VolumeRowOut(Schema):
    value: str | int | None
    label: str
    batches: int
    persons: int


class VolumeOut(Schema):
    scope: ScopeOut
    dimension: str
    items: list[VolumeRowOut]


class TrendRowOut(Schema):
    month: str
    batches: int
    persons: int
    last_year_batches: int
    last_year_persons: int


class TrendOut(Schema):
    scope: ScopeOut
    items: list[TrendRowOut]


def _scope(request, q: StatsQuery):
    today = clock.today()
    start, end = report_period_parse(q.period, today=today) if q.period else (q.start, q.end)
    return stats_scope_for(user=request.auth, start=start, end=end, unit_id=q.unit, today=today, kind=q.kind)


def _petition_scope(request, q: StatsQuery):
    scope = _scope(request, q)
    if scope.kind != KIND:
        raise ValidationFailed("总量分组与按月趋势只统计信访（kind=petition）。", field="kind")
    return scope


def _scope_out(scope) -> dict:
    return {"start": scope.start, "end": scope.end, "unit": scope.unit.pk if scope.unit else None,
            "kind": scope.kind}


@router.get("/stats/indicators", response={200: FiguresOut, **READ_ERRORS}, summary="全部指标",
            url_name="stats_indicators")
def stats_indicators(request: HttpRequest, q: Query[StatsQuery]):
    """所选类别（信访、矛盾纠纷、安全隐患、稳评）每项指标的数值、分子、分母、上年同期与同比，以及统计口径
    （与统计页面同一定义）。"""
    scope = _scope(request, q)
    return {"scope": _scope_out(scope), "items": [f.as_dict() for f in indicators_compute(scope=scope)]}


@router.get("/stats/indicators/{key}", response={200: FigureOut, **READ_ERRORS}, summary="单项指标",
            url_name="stats_indicator")
def stats_indicator(request: HttpRequest, key: str, q: Query[StatsQuery]):
    return indicator_compute(key=key, scope=_scope(request, q)).as_dict()


@router.get("/stats/volume", response={200: VolumeOut, **READ_ERRORS}, summary="信访总量分组",
            url_name="stats_volume")
def stats_volume(request: HttpRequest, q: Query[StatsQuery],
                 dimension: Literal[tuple(VOLUME_DIMENSIONS)] = Query("channel", title="分组维度")):  # type: ignore[valid-type]
    """按渠道、分类（一级）、登记单位、承办单位、发生地、接待层级或诉求类型分组的批次与人次。"""
    scope = _petition_scope(request, q)
    return {"scope": _scope_out(scope), "dimension": dimension, "items": volume_by(scope=scope, dimension=dimension)}


@router.get("/stats/trend", response={200: TrendOut, **READ_ERRORS}, summary="按月趋势", url_name="stats_trend")
def stats_trend(request: HttpRequest, q: Query[StatsQuery]):
    scope = _petition_scope(request, q)
    return {"scope": _scope_out(scope), "items": volume_trend(scope=scope)}


FILE_DOC = {"responses": {"200": {"description": "统计报表文件", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}}


def _report_file(data: bytes, *, scope, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{KINDS[scope.kind]}统计_{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/stats/report.xlsx", response={200: None, **READ_ERRORS}, summary="统计报表（xlsx）",
            url_name="stats_report_xlsx", openapi_extra=FILE_DOC)
def stats_report_xlsx_endpoint(request: HttpRequest, q: Query[StatsQuery]):
    """月报、季报、年报（period）或任意期间的统计报表：主要指标及口径、总量分组（合计为 SUM 公式）、按月趋势，
    以及矛盾纠纷、安全隐患、稳评的主要指标；kind 为其他类别时只含该类别的指标。"""
    scope = _scope(request, q)
    return _report_file(stats_report_xlsx(scope=scope, generated_at=clock.now()), scope=scope, extension="xlsx",
                        content_type=XLSX_TYPE)


@router.get("/stats/report.pdf", response={200: None, **READ_ERRORS}, summary="统计报表（PDF）",
            url_name="stats_report_pdf", openapi_extra=FILE_DOC)
def stats_report_pdf_endpoint(request: HttpRequest, q: Query[StatsQuery]):
    """与 xlsx 同一内容的打印版统计报表（A4）：标题、统计范围与期间、制表日期，各项指标及口径，总量及同比、
    按月批次图表，分组构成，矛盾纠纷、安全隐患、稳评的主要指标。"""
    scope = _scope(request, q)
    pdf = stats_report_pdf(scope=scope, generated_at=clock.now(), made_by=report_made_by(request.auth))
    return _report_file(pdf, scope=scope,
                        extension="pdf", content_type="application/pdf")
