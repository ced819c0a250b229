"""The statistical report of a period as a spreadsheet: a sheet of the indicators with
their definitions, and one sheet per breakdown whose total row is a SUM formula, so the
figures add up in Excel as they do here."""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .indicators import KIND, KINDS, VOLUME_DIMENSIONS, Scope, indicators_compute, volume_by, volume_trend

_HEAD = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="9E1B1B")
_TITLE = Font(bold=True, size=14)
_THIN = Side(style="thin", color="BBBBBB")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def scope_describe(scope: Scope) -> str:
    area = scope.unit.name if scope.unit is not None else "全部单位"
    return f"{area}　{scope.start:%Y年%m月%d日}至{scope.end:%Y年%m月%d日}"


def _sheet(wb: Workbook, title: str, heading: str, columns: list[tuple[str, int]], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.cell(row=1, column=1, value=heading).font = _TITLE
    for i, (name, width) in enumerate(columns, start=1):
        cell = ws.cell(row=3, column=i, value=name)
        cell.font, cell.fill, cell.border = _HEAD, _HEAD_FILL, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A4"
    return ws


def stats_report_xlsx(*, scope: Scope, generated_at) -> bytes:
    wb = Workbook()
    described = scope_describe(scope)
    ws = _sheet(wb, "主要指标", f"{KINDS[scope.kind]}工作主要指标　{described}",
                [("指标", 24), ("数值", 12), ("单位", 8), ("分子", 10), ("分母", 10), ("上年同期", 12),
                 ("同比(%)", 10), ("口径", 90)], first=True)
    ws.cell(row=2, column=1, value=f"生成时间：{generated_at:%Y-%m-%d %H:%M}")
    for r, f in enumerate(indicators_compute(scope=scope), start=4):
        values = [f.label, float(f.value) if f.value is not None else "—", f.unit_label, f.numerator, f.denominator,
                  f.previous, float(f.change_pct) if f.change_pct is not None else None, f.definition]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=c == 8, vertical="top")
    if scope.kind != KIND:   # the volume breakdowns and the trend are petition figures
        return _saved(wb)

    for dimension, (label, _) in VOLUME_DIMENSIONS.items():
        rows = volume_by(scope=scope, dimension=dimension)
        ws = _sheet(wb, f"按{label}"[:31], f"信访总量按{label}　{described}",
                    [(label, 28), ("批次", 10), ("人次", 10), ("批次占比(%)", 12)])
        first, last = 4, 3 + len(rows)
        for r, row in enumerate(rows, start=first):
            ws.cell(row=r, column=1, value=row["label"]).border = _BOX
            ws.cell(row=r, column=2, value=row["batches"]).border = _BOX
            ws.cell(row=r, column=3, value=row["persons"]).border = _BOX
            share = ws.cell(row=r, column=4, value=f"=IF(B{last + 1}=0,0,ROUND(B{r}/B{last + 1}*100,1))")
            share.border = _BOX
        total = last + 1
        ws.cell(row=total, column=1, value="合计").font = Font(bold=True)
        for col in ("B", "C"):
            cell = ws[f"{col}{total}"]
            cell.value = f"=SUM({col}{first}:{col}{last})" if rows else 0
            cell.font = Font(bold=True)

    ws = _sheet(wb, "按月趋势", f"信访总量按月　{described}",
                [("月份", 12), ("批次", 10), ("人次", 10), ("上年同月批次", 14), ("上年同月人次", 14)])
    trend = volume_trend(scope=scope)
    for r, row in enumerate(trend, start=4):
        for c, key in enumerate(("month", "batches", "persons", "last_year_batches", "last_year_persons"), start=1):
            ws.cell(row=r, column=c, value=row[key]).border = _BOX
    total = 4 + len(trend)
    ws.cell(row=total, column=1, value="合计").font = Font(bold=True)
    for col in ("B", "C", "D", "E"):
        ws[f"{col}{total}"] = f"=SUM({col}4:{col}{total - 1})" if trend else 0
        ws[f"{col}{total}"].font = Font(bold=True)

    return _saved(wb)


def _saved(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
