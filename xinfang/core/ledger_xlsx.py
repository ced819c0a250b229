"""The frame every ledger (台账) export shares: a title row, an export line (when, by whom,
how many), a red header row with column widths, frozen panes, a filter, printing in
landscape one page wide. Each ledger writes only its own rows between `ledger_sheet` and
`ledger_finish`."""
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

HEADER_ROW = 3


def ledger_sheet(*, sheet_title: str, title: str, columns: list[tuple[str, int]]):
    """A workbook with one sheet: title and header written. Returns (workbook, sheet)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    last = get_column_letter(len(columns))
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    thin = Side(style="thin", color="BBBBBB")
    for col, (header, width) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="9B1C1C")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin)
        ws.column_dimensions[get_column_letter(col)].width = width
    return wb, ws


def ledger_date_format(cell) -> None:
    if isinstance(cell.value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(cell.value, dt.date):
        cell.number_format = "yyyy-mm-dd"


def ledger_finish(wb, ws, *, count: int, exported_at: dt.datetime, exported_by: str, noun: str = "件",
                  truncated_at: int | None = None, frozen_columns: int = 0) -> bytes:
    """The export line, frozen header (and the first `frozen_columns` columns), filter and
    print setup; the workbook as bytes."""
    last = get_column_letter(ws.max_column)
    more = f"；仅导出前 {truncated_at} {noun}，请缩小查询范围" if truncated_at else ""
    ws["A2"] = f"导出时间：{exported_at:%Y-%m-%d %H:%M}　导出人：{exported_by}　共 {count} {noun}{more}"
    ws["A2"].font = Font(color="616E7C")
    ws.merge_cells(f"A2:{last}2")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=frozen_columns + 1)
    if count:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + count}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, *, filename: str):
    """A workbook as a download (pages and API alike): its type, a UTF-8 file name, no sniffing."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
