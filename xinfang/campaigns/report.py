"""A campaign's files: the ledger (台账) as xlsx in the frame every ledger shares
(core.ledger_xlsx), and the campaign report at any time — a workbook of three sheets
(总体情况 with the targets and their progress, 分单位 whose total row is a SUM formula the
overview refers to, and the ledger) and the same report as a PDF (WeasyPrint, with the Noto
CJK fonts `make` installs, as documents/render.py prints notices)."""
import datetime as dt

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.ledger_xlsx import (
    HEADER_ROW,
    XLSX_TYPE,
    ledger_date_format,
    ledger_finish,
    ledger_sheet,
)
from xinfang.documents.render import PDF_TYPE

from .models import Campaign, CampaignType

# (header, width, value of a ledger row from selectors.ledger_row)
LEDGER_COLUMNS = (
    ("编号", 22, lambda r: r["case"].number),
    ("标题", 36, lambda r: r["case"].title),
    ("类别", 10, lambda r: r["kind_label"]),
    ("责任单位", 18, lambda r: r["case"].owner_unit.name),
    ("收到日期", 12, lambda r: r["case"].received_date),
    ("列入日期", 12, lambda r: timezone.localdate(r["enrolment"].enrolled_at)),
    ("列入方式", 22, lambda r: r["rule_label"]),
    ("状态", 14, lambda r: r["status_label"]),
    ("期限状态", 10, lambda r: r["deadline_label"]),
    ("最近期限", 12, lambda r: r["case"].next_due_date if r["case"].is_open else None),
    ("办结日期", 12, lambda r: r["closed_on"]),
    ("办理用时（天）", 12, lambda r: r["days"]),
    ("期间内办结", 10, lambda r: "是" if r["closed_in_period"] else "否"),
)

_HEAD = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="9B1C1C")
_THIN = Side(style="thin", color="BBBBBB")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)


def campaign_ledger_sheet(*, campaign: Campaign, rows: list[dict], title: str):
    """The ledger as the first sheet of a new workbook. Returns (workbook, sheet, count)."""
    wb, ws = ledger_sheet(sheet_title="台账", title=title, columns=[(h, w) for h, w, _ in LEDGER_COLUMNS])
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, (_, _, value) in enumerate(LEDGER_COLUMNS, start=1):
            ledger_date_format(ws.cell(row=HEADER_ROW + count, column=col, value=value(row)))
    return wb, ws, count


def campaign_ledger_xlsx(*, campaign: Campaign, rows: list[dict], description: str, exported_at: dt.datetime,
                         exported_by: str) -> bytes:
    wb, ws, count = campaign_ledger_sheet(
        campaign=campaign, rows=rows, title=f"{campaign.name}台账" + (f"：{description}" if description else ""))
    return ledger_finish(wb, ws, count=count, exported_at=exported_at, exported_by=exported_by, frozen_columns=1)


def _header(ws, row: int, columns: list[tuple[str, int]]) -> None:
    for col, (name, width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font, cell.fill, cell.border = _HEAD, _FILL, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if width:
            ws.column_dimensions[get_column_letter(col)].width = width


def _by_unit_sheet(wb, *, by_unit: dict) -> int:
    """分单位: one row per unit and a total row of SUM formulas; returns the total's row."""
    ws = wb.create_sheet("分单位", 0)
    ws["A1"] = "分单位进展（按目前的责任单位）"
    ws["A1"].font = Font(bold=True, size=13)
    _header(ws, 3, [("单位", 24), ("列入", 10), ("期间内办结", 12), ("其中按期", 10), ("未办结", 10),
                    ("其中超期", 10), ("办结率(%)", 11)])
    first = 4
    for r, row in enumerate(by_unit["rows"], start=first):
        label = row["unit"].name if row["unit"] is not None else "范围外单位（已交上级或转出）"
        for c, v in enumerate((label, row["enrolled"], row["closed"], row["on_time"], row["open"], row["overdue"]),
                              start=1):
            ws.cell(row=r, column=c, value=v).border = _BOX
        ws.cell(row=r, column=7, value=f'=IF(B{r}=0,"",ROUND(C{r}/B{r}*100,1))').border = _BOX
    last = first + len(by_unit["rows"]) - 1
    total = last + 1
    ws.cell(row=total, column=1, value="合计").font = _BOLD
    for c in range(2, 7):
        col = get_column_letter(c)
        cell = ws.cell(row=total, column=c, value=f"=SUM({col}{first}:{col}{last})" if by_unit["rows"] else 0)
        cell.font, cell.border = _BOLD, _BOX
    ws.cell(row=total, column=7, value=f'=IF(B{total}=0,"",ROUND(C{total}/B{total}*100,1))').font = _BOLD
    ws.freeze_panes = "A4"
    return total


def _summary_sheet(wb, *, campaign: Campaign, info: list[tuple[str, str]], progress: list[dict],
                   by_unit_total: int, generated: str) -> None:
    ws = wb.create_sheet("总体情况", 0)
    ws["A1"] = f"{campaign.name}　进展报告"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = generated
    ws["A2"].font = Font(color="616E7C")
    r = 4
    for label, value in info:
        ws.cell(row=r, column=1, value=label).font = _BOLD
        ws.cell(row=r, column=2, value=value)
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="目标完成情况").font = Font(bold=True, size=12)
    r += 1
    _header(ws, r, [("目标", 22), ("口径", 60), ("单位", 8), ("目标数", 10), ("完成数", 10), ("完成率(%)", 11)])
    for row in progress:
        r += 1
        m = row["measure"]
        values = (m.label, f"{m.basis_label}：{m.definition}", m.unit_label, row["number"], row["value"])
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=c == 2, vertical="top")
        ws.cell(row=r, column=6, value=f'=IF(D{r}=0,"",ROUND(E{r}/D{r}*100,1))').border = _BOX
    r += 2
    ws.cell(row=r, column=1, value="入列案件总体情况（取自“分单位”合计行）").font = Font(bold=True, size=12)
    r += 1
    _header(ws, r, [("项目", 0), ("说明", 0), ("", 0), ("件数", 0)])
    for label, note, col in (("列入", "未退出的入列案件", "B"), ("期间内办结", "行动期间内办结", "C"),
                             ("其中按期办结", "机关办理期限无一超期", "D"), ("未办结", "至今仍在办理", "E"),
                             ("其中超期", "最近期限已过", "F")):
        r += 1
        ws.cell(row=r, column=1, value=label).border = _BOX
        ws.cell(row=r, column=2, value=note).border = _BOX
        ws.cell(row=r, column=4, value=f"='分单位'!{col}{by_unit_total}").border = _BOX


def campaign_report_info(*, campaign: Campaign, state: str, scope_text: str) -> list[tuple[str, str]]:
    return [("名称", campaign.name), ("类型", CampaignType(campaign.type).label),
            ("组织单位", campaign.organising_unit.name),
            ("期间", f"{campaign.start_date:%Y年%m月%d日}至{campaign.end_date:%Y年%m月%d日}（{state}）"),
            ("范围", scope_text), ("工作要求", campaign.description or "—")]


def campaign_report_xlsx(*, campaign: Campaign, info: list[tuple[str, str]], progress: list[dict], by_unit: dict,
                         rows: list[dict], exported_at: dt.datetime, exported_by: str) -> bytes:
    """Three sheets: 总体情况 (targets with n, N and a % formula; the overview read from the
    by-unit totals), 分单位 (SUM totals), 台账 (the cases the reader may see)."""
    wb, ws, count = campaign_ledger_sheet(campaign=campaign, rows=rows, title=f"{campaign.name}台账")
    total_row = _by_unit_sheet(wb, by_unit=by_unit)
    _summary_sheet(wb, campaign=campaign, info=info, progress=progress, by_unit_total=total_row,
                   generated=f"生成时间：{exported_at:%Y-%m-%d %H:%M}　生成人：{exported_by}")
    wb.active = 0
    return ledger_finish(wb, ws, count=count, exported_at=exported_at, exported_by=exported_by, frozen_columns=1)


def campaign_report_pdf(*, campaign: Campaign, info: list[tuple[str, str]], progress: list[dict], by_unit: dict,
                        rows: list[dict], rows_total: int, generated_at: dt.datetime, generated_by: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("campaigns/report_pdf.html", {
        "campaign": campaign, "info": info, "progress": progress, "by_unit": by_unit, "rows": rows,
        "rows_total": rows_total, "generated_at": generated_at, "generated_by": generated_by})
    return HTML(string=html).write_pdf()


CONTENT_TYPES = {"xlsx": XLSX_TYPE, "pdf": PDF_TYPE}
PDF_MAX_ROWS = 500


def file_response(content: bytes, *, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def campaign_report_file(*, user, campaign: Campaign, fmt: str) -> bytes:
    """The report in `fmt` (xlsx or pdf) for this reader, audited: the figures of the whole
    campaign, the ledger cut to the cases the reader may see."""
    from .selectors import (
        campaign_by_unit,
        campaign_ledger,
        campaign_progress,
        campaign_scope_describe,
        campaign_state,
        ledger_row,
    )

    now = timezone.localtime(clock.now())
    by = f"{user}（{user.unit or '未设单位'}）"
    today = clock.today()
    info = campaign_report_info(campaign=campaign, state=campaign_state(campaign, today=today),
                                scope_text=campaign_scope_describe(campaign))
    enrolments = campaign_ledger(user=user, campaign=campaign)
    common = {"campaign": campaign, "info": info, "progress": campaign_progress(campaign),
              "by_unit": campaign_by_unit(campaign)}
    if fmt == "xlsx":
        rows = [ledger_row(e, campaign=campaign, today=today) for e in enrolments]
        content = campaign_report_xlsx(**common, rows=rows, exported_at=now, exported_by=by)
    else:
        rows = [ledger_row(e, campaign=campaign, today=today) for e in enrolments[:PDF_MAX_ROWS]]
        content = campaign_report_pdf(**common, rows=rows, rows_total=enrolments.count(), generated_at=now,
                                      generated_by=by)
    audit_record(actor=user, action="campaign.report", object_type="campaign", object_id=campaign.pk,
                 detail={"format": fmt, "rows": len(rows)})
    return content
