"""The case list as an Excel workbook: the same columns as the page, a title row saying what
was filtered and when, a frozen header. Personal data is as the user sees it on the page
(rows come from `case_row`, which masks by role)."""
import datetime as dt

from openpyxl.styles import Alignment, Font

from xinfang.core.ledger_xlsx import (
    HEADER_ROW,
    ledger_date_format,
    ledger_finish,
    ledger_sheet,
)

# (header, width in characters, what the cell holds)
COLUMNS = (
    ("编号", 24, lambda r: r["case"].number),
    ("标题", 44, lambda r: r["case"].title),
    ("信访人", 14, lambda r: r["petitioner"]),
    ("状态", 14, lambda r: r["status_label"]),
    ("责任单位", 20, lambda r: r["case"].owner_unit.name),
    ("承办人", 12, lambda r: str(r["case"].handler) if r["case"].handler_id else ""),
    ("收到日期", 12, lambda r: r["case"].received_date),
    ("最近期限", 12, lambda r: r["case"].next_due_date if r["days_left"] is not None else None),
    ("剩余", 16, lambda r: remaining_text(r)),
)


def remaining_text(row: dict) -> str:
    """The 剩余 column, worded as on the page."""
    if row["days_left"] is None:
        return ""
    if row["state"] == "overdue":
        return f"已超期 {row['overdue_days']} 天"
    if row["state"] == "due_soon":
        return f"临期 · 剩 {row['days_left']} 天"
    return f"剩 {row['days_left']} 天"


def cases_xlsx(*, rows, description: str, exported_at: dt.datetime, exported_by: str,
               truncated_at: int | None = None) -> bytes:
    """`rows` are `case_row` dicts (an iterable: written as they come)."""
    wb, ws = ledger_sheet(sheet_title="案件列表", title=f"案件查询导出：{description or '全部案件'}",
                          columns=[(h, w) for h, w, _ in COLUMNS])
    overdue = Font(color="C81E1E")
    count = 0
    for count, row in enumerate(rows, start=1):
        r = HEADER_ROW + count
        for col, (_, _, value) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=col, value=value(row))
            ledger_date_format(cell)
            if col == 2:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row["state"] == "overdue" and row["days_left"] is not None:
                cell.font = overdue
    return ledger_finish(wb, ws, count=count, exported_at=exported_at, exported_by=exported_by,
                         truncated_at=truncated_at)
