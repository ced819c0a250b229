"""The 突发事件信息报送台账 as an Excel workbook: one row per event with where and when,
its grade, how the first report stood against its limit, how many reports went up, and
the current figures (those of its latest report)."""
import datetime as dt

from django.utils import timezone
from openpyxl.styles import Alignment, Font

from xinfang.core import clock
from xinfang.core.ledger_xlsx import (
    HEADER_ROW,
    ledger_date_format,
    ledger_finish,
    ledger_sheet,
)
from xinfang.core.workflow import workflow_for

from .models import Emergency


def _local(value: dt.datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def _first_report_standing(e: Emergency, now: dt.datetime) -> str:
    if e.first_reported_at is None:
        return "超时未报" if e.case.is_open and e.first_report_due < now else "待首报"
    return "迟报" if e.first_report_late else "按时"


def _last_report_at(e: Emergency):
    reports = list(e.case.emergency_reports.all())
    return _local(reports[-1].reported_at) if reports else None


def columns(now: dt.datetime):
    # (header, width, value of an Emergency row)
    return (
        ("事件编号", 22, lambda e: e.case.number),
        ("事件名称", 28, lambda e: e.case.title),
        ("事件类别", 12, lambda e: e.get_category_display()),
        ("事件类型", 18, lambda e: e.get_event_type_display()),
        ("事件等级", 12, lambda e: e.get_grade_display()),
        ("发生时间", 17, lambda e: _local(e.occurred_at)),
        ("知悉时间", 17, lambda e: _local(e.learned_at)),
        ("发生地", 14, lambda e: e.case.place_unit.name if e.case.place_unit_id else ""),
        ("具体地点", 24, lambda e: e.site),
        ("涉事单位/场所", 20, lambda e: e.enterprise_name),
        ("简要情况", 40, lambda e: e.case.content),
        ("报送单位", 14, lambda e: e.case.owner_unit.name),
        ("首报时限（小时）", 10, lambda e: e.first_report_hours),
        ("首报截止", 17, lambda e: _local(e.first_report_due)),
        ("首报时间", 17, lambda e: _local(e.first_reported_at)),
        ("首报情况", 10, lambda e: _first_report_standing(e, now)),
        ("报告次数", 8, lambda e: len(e.case.emergency_reports.all())),
        ("最近报告时间", 17, _last_report_at),
        ("死亡（人）", 8, lambda e: e.deaths),
        ("受伤（人）", 8, lambda e: e.injured),
        ("失踪（人）", 8, lambda e: e.missing),
        ("被困（人）", 8, lambda e: e.trapped),
        ("紧急转移安置（人）", 10, lambda e: e.relocated),
        ("直接经济损失（万元）", 12, lambda e: e.economic_loss),
        ("状态", 12, lambda e: workflow_for("emergency").state(e.case.status).label),
        ("终报时间", 17, lambda e: _local(e.final_reported_at)),
    )


def emergencies_ledger_xlsx(*, emergencies, description: str, exported_at: dt.datetime, exported_by: str,
                            truncated_at: int | None = None) -> bytes:
    """`emergencies` from selectors.emergencies_ledger (reports prefetched)."""
    cols = columns(clock.now())
    wb, ws = ledger_sheet(sheet_title="突发事件信息报送台账",
                          title=f"突发事件信息报送台账：{description or '全部事件'}",
                          columns=[(h, w) for h, w, _ in cols])
    red = Font(color="C81E1E", bold=True)
    count = 0
    for count, e in enumerate(emergencies, start=1):
        r = HEADER_ROW + count
        for col, (header, _, value) in enumerate(cols, start=1):
            cell = ws.cell(row=r, column=col, value=value(e))
            ledger_date_format(cell)
            if header == "直接经济损失（万元）":
                cell.number_format = "#,##0.00"
            if header == "简要情况":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if header == "首报情况" and cell.value in ("迟报", "超时未报"):
                cell.font = red
    return ledger_finish(wb, ws, count=count, exported_at=exported_at, exported_by=exported_by, noun="起",
                         truncated_at=truncated_at, frozen_columns=2)
