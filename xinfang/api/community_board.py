"""平安创建 endpoints (/api/v1/community-board…): the board for a period, per community and
rolled up per street, with each target met or not; the cases behind a figure; the xlsx.
Handlers are thin: parse, call a selector, render."""
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from xinfang.audit.services import audit_record
from xinfang.community_board.export import board_rows, board_xlsx
from xinfang.community_board.selectors import (
    board_cases_for,
    board_for,
    board_period_parse,
)
from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.orgs.models import Unit

from .auth import STAFF_AUTH
from .schemas import ErrorOut, UnitRef

router = Router(auth=STAFF_AUTH, tags=["平安创建"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}


class BoardQuery(Schema):
    period: str | None = Field(None, title="期间", description="年（2026）、季度（2026-Q3）或月份（2026-10）")
    start: dt.date | None = Field(None, title="开始日期", description="给出日期时代替期间")
    end: dt.date | None = Field(None, title="结束日期")
    unit: int | None = Field(None, title="单位", description="单位 id：只看该单位之下的社区；默认本人可查看的全部范围")


class TargetStatusOut(Schema):
    name: str
    figure: str
    max_count: int
    value: int
    met: bool


class BoardRowOut(Schema):
    kind: str = Field(description="community 社区/村 / direct 街道直属 / street 街道合计 / total 合计")
    unit: UnitRef | None
    street: UnitRef | None
    label: str
    figures: dict = Field(description="各数字的件数，键见 figures")
    targets: list[TargetStatusOut]
    all_met: bool


class FigureOut(Schema):
    key: str
    label: str
    definition: str


class BoardOut(Schema):
    start: dt.date
    end: dt.date
    label: str
    root: UnitRef | None
    figures: list[FigureOut]
    rows: list[BoardRowOut]


class BoardCaseOut(Schema):
    number: str
    kind: str
    kind_label: str
    title: str
    status: str
    status_label: str
    received_date: dt.date
    place_unit: UnitRef | None
    owner_unit: UnitRef


class BoardCasesOut(Schema):
    figure: FigureOut
    unit: UnitRef
    part: str
    start: dt.date
    end: dt.date
    total: int = Field(description="该数字计入的件数")
    hidden: int = Field(description="其中不在本人数据范围内、只计数不列出的件数")
    items: list[BoardCaseOut]


def _unit(unit: Unit | None) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _unit_param(pk: int | None) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise NotFound("单位不存在，或不在您可查看的范围内。")
    return unit


def _period(q: BoardQuery):
    return board_period_parse(period=q.period or "", start=q.start.isoformat() if q.start else "",
                              end=q.end.isoformat() if q.end else "")


def _figure(f) -> dict:
    return {"key": f.key, "label": f.label, "definition": f.definition}


@router.get("/community-board", response={200: BoardOut, **READ_ERRORS}, summary="平安创建情况",
            url_name="community_board")
def community_board(request: HttpRequest, q: Query[BoardQuery]):
    """每个社区/村和街道（含街道直属）在期间内的信访事项、越级集体访、未化解纠纷、报告公安的纠纷、
    生产安全事故、未销号隐患等件数，以及各创建目标是否达标。按事项发生地统计，只计件数。"""
    period = _period(q)
    board = board_for(user=request.auth, period=period, unit=_unit_param(q.unit))
    return {"start": period.start, "end": period.end, "label": period.label, "root": _unit(board["root"]),
            "figures": [_figure(f) for f in board["figures"]],
            "rows": [{"kind": r["kind"], "unit": _unit(r["unit"]), "street": _unit(r["street"]), "label": r["label"],
                      "figures": r["figures"], "all_met": not r["unmet"],
                      "targets": [{"name": s["target"].name, "figure": s["target"].figure,
                                   "max_count": s["target"].max_count, "value": s["value"], "met": s["met"]}
                                  for s in r["targets"]]} for r in board_rows(board)]}


@router.get("/community-board/cases", response={200: BoardCasesOut, **READ_ERRORS}, summary="数字背后的事项",
            url_name="community_board_cases")
def community_board_cases(request: HttpRequest, q: Query[BoardQuery], figure: str = Query(..., title="数字"),
                          part: str = Query("all", title="范围", description="all：含下级；direct：街道直属")):
    """某社区或街道的某个数字计入的事项（本人可查看的部分），以及不在本人数据范围内、只计数的件数。"""
    unit = _unit_param(q.unit)
    if unit is None:
        raise ValidationFailed("请指定单位（社区或街道）。", field="unit")
    period = _period(q)
    data = board_cases_for(user=request.auth, figure=figure, period=period, unit=unit, part=part)
    return {"figure": _figure(data["figure"]), "unit": _unit(unit), "part": part, "start": period.start,
            "end": period.end, "total": data["total"], "hidden": data["hidden"],
            "items": [{"number": r["case"].number, "kind": r["case"].kind, "kind_label": r["kind_label"],
                       "title": r["case"].title, "status": r["case"].status, "status_label": r["status_label"],
                       "received_date": r["case"].received_date, "place_unit": _unit(r["case"].place_unit),
                       "owner_unit": _unit(r["case"].owner_unit)} for r in data["rows"]]}


@router.get("/community-board/board.xlsx", response={200: None, **READ_ERRORS}, summary="导出平安创建情况（xlsx）",
            url_name="community_board_export")
def community_board_export(request: HttpRequest, q: Query[BoardQuery]):
    user = request.auth
    period = _period(q)
    board = board_for(user=user, period=period, unit=_unit_param(q.unit))
    now = timezone.localtime(clock.now())
    content = board_xlsx(board=board, exported_at=now, exported_by=f"{user}（{user.unit or '未设单位'}）")
    audit_record(actor=user, action="community_board.export", object_type="community_board", object_id="",
                 detail={"period": [period.start.isoformat(), period.end.isoformat()], "unit": q.unit,
                         "rows": len(board_rows(board))})
    return xlsx_response(content, filename=f"平安创建-{period.label}-{now:%Y%m%d}.xlsx")
