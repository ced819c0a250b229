"""The case list as an Excel workbook: the same columns as the page, a title row saying what
was filtered and when, a frozen header. Personal data is as the user sees it on the page
(rows come from `case_row`, which masks by role)."""
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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
HEADER_ROW = 3


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
    wb = Workbook()
    ws = wb.active
    ws.title = "案件列表"
    last_col = get_column_letter(len(COLUMNS))
    ws["A1"] = f"案件查询导出：{description or '全部案件'}"
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells(f"A1:{last_col}1")
    thin = Side(style="thin", color="BBBBBB")
    for col, (header, width, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="9B1C1C")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(bottom=thin)
        ws.column_dimensions[get_column_letter(col)].width = width
    overdue = Font(color="C81E1E")
    count = 0
    for count, row in enumerate(rows, start=1):
        r = HEADER_ROW + count
        for col, (_, _, value) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=col, value=value(row))
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if col == 2:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row["state"] == "overdue" and row["days_left"] is not None:
                cell.font = overdue
    more = f"；仅导出前 {truncated_at} 件，请缩小查询范围" if truncated_at else ""
    ws["A2"] = f"导出时间：{exported_at:%Y-%m-%d %H:%M}　导出人：{exported_by}　共 {count} 件{more}"
    ws["A2"].font = Font(color="616E7C")
    ws.merge_cells(f"A2:{last_col}2")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    if count:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{HEADER_ROW + count}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
