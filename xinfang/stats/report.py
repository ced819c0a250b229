"""The statistical report (统计报表) of a period — a month, a quarter, a year or any range —
for a unit subtree: built once here (`report_build`) from the indicators' own definitions
(indicators.py, ledger_indicators.py) and written out as a spreadsheet (`stats_report_xlsx`,
below) or as a printed report (`report_pdf.stats_report_pdf`), so both say the same figures.

The spreadsheet: a sheet of the indicators with their definitions; one sheet per volume
breakdown whose total row is a SUM formula, so the figures add up in Excel as they do here;
the months beside last year's (SUM totals); and, for the full report, a sheet per ledger
kind (矛盾纠纷, 安全隐患, 稳评).
"""
import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from xinfang.core.errors import ValidationFailed

from .indicators import (
    KIND,
    KINDS,
    VOLUME_DIMENSIONS,
    Figure,
    Scope,
    indicators_compute,
    volume_by,
    volume_trend,
)

_HEAD = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="9E1B1B")
_TITLE = Font(bold=True, size=14)
_THIN = Side(style="thin", color="BBBBBB")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

QUARTERS = ("一", "二", "三", "四")
# The petition figures in the printed report's groups, in the order a leader reads them; a
# figure not named here (added later) is printed under 其他指标, never dropped.
PETITION_GROUPS = (
    ("信访总量", ("volume_batches", "volume_persons")),
    ("办理质量", ("first_on_time_rate", "on_time_rate", "assigned_closed_rate", "leader_received_closed_rate",
              "acceptance_on_time_rate", "answer_days_avg", "extension_share")),
    ("信访秩序与积案化解", ("repeat_share", "skip_level_share", "backlog_cleared_rate")),
    ("群众满意度", ("satisfaction_rate", "satisfied_rate", "basic_rate", "unsatisfied_rate")),
)


# --- the period ------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-?(?:[Qq]([1-4])|(\d{1,2})))?$")


def report_period_parse(raw: str, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """`2026` (年报), `2026-Q3` (季报) or `2026-10` (月报) → its first and last day; a period
    still running ends today (a figure of days not yet lived would count clocks not yet due)."""
    found = _PERIOD.match(raw.strip())
    month = int(found.group(3)) if found and found.group(3) else None
    if not found or (month is not None and not 1 <= month <= 12) or not 2000 <= int(found.group(1)) <= 2100:
        raise ValidationFailed(f"报表期间「{raw[:20]}」无效，应为年（2026）、季度（2026-Q3）或月份（2026-10）。",
                               field="period")
    year, quarter = int(found.group(1)), found.group(2)
    if quarter:
        first_month = (int(quarter) - 1) * 3 + 1
        start, last_month = dt.date(year, first_month, 1), first_month + 2
    elif month:
        start, last_month = dt.date(year, month, 1), month
    else:
        start, last_month = dt.date(year, 1, 1), 12
    end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    if start > today:
        raise ValidationFailed(f"报表期间「{raw[:20]}」尚未开始。", field="period")
    return start, min(end, today)


def period_label(start: dt.date, end: dt.date) -> tuple[str, str]:
    """(the period in words, the report's name): the smallest month, quarter or year that
    starts on `start` and holds `end` — with 截至 when it ends early — or the range."""
    def cn(day):
        return f"{day.year}年{day.month}月{day.day}日"
    if start.day == 1 and start.year == end.year:
        quarter = (start.month - 1) // 3
        candidates = []
        if start.month == end.month:
            candidates.append((f"{start.year}年{start.month}月", "月报", start.month))
        if start.month % 3 == 1 and (end.month - 1) // 3 == quarter:
            candidates.append((f"{start.year}年第{QUARTERS[quarter]}季度", "季报", start.month + 2))
        if start.month == 1:
            candidates.append((f"{start.year}年度", "年报", 12))
        for label, name, last_month in candidates:
            last = dt.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])
            if end == last:
                return label, name
            return f"{label}（截至{cn(end)}）", name
    return f"{cn(start)}至{cn(end)}", "报表"


def scope_describe(scope: Scope) -> str:
    area = scope.unit.name if scope.unit is not None else "全部单位"
    return f"{area}　{scope.start:%Y年%m月%d日}至{scope.end:%Y年%m月%d日}"


# --- the report's content ----------------------------------------------------------------------

@dataclass
class FigureGroup:
    title: str
    figures: list[Figure]


@dataclass
class KindSection:
    kind: str
    label: str
    groups: list[FigureGroup]

    @property
    def figures(self) -> list[Figure]:
        return [f for g in self.groups for f in g.figures]


@dataclass
class Report:
    scope: Scope
    title: str
    period: str
    name: str                  # 月报 / 季报 / 年报 / 报表
    area: str
    generated_at: dt.datetime
    sections: list[KindSection]              # the scope's kind first (the petition report: every kind)
    breakdowns: list[dict] = field(default_factory=list)   # petition volume: key, label, rows, totals
    trend: list[dict] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.sections) > 1


def _petition_groups(figures: list[Figure]) -> list[FigureGroup]:
    by_key = {f.key: f for f in figures}
    groups, named = [], set()
    for title, keys in PETITION_GROUPS:
        chosen = [by_key[k] for k in keys if k in by_key]
        named.update(keys)
        if chosen:
            groups.append(FigureGroup(title, chosen))
    rest = [f for f in figures if f.key not in named]
    if rest:
        groups.append(FigureGroup("其他指标", rest))
    return groups


def report_build(*, scope: Scope, generated_at: dt.datetime) -> Report:
    """Every figure of the report. The petition report (the default kind) is the full
    statistical report: the petition figures, their breakdowns and months, then the figures of
    矛盾纠纷, 安全隐患 and 稳评 for the same unit and period. Another kind: its figures alone."""
    kinds = list(KINDS) if scope.kind == KIND else [scope.kind]
    sections = []
    for kind in kinds:
        figures = indicators_compute(scope=Scope(start=scope.start, end=scope.end, unit=scope.unit, kind=kind))
        groups = _petition_groups(figures) if kind == KIND else [FigureGroup(KINDS[kind], figures)]
        sections.append(KindSection(kind, KINDS[kind], groups))
    period, name = period_label(scope.start, scope.end)
    area = scope.unit.name if scope.unit is not None else "全部单位"
    subject = "信访与矛盾纠纷化解工作" if scope.kind == KIND else f"{KINDS[scope.kind]}工作"
    title = f"{area if scope.unit is not None else ''}{subject}统计{name}"
    report = Report(scope=scope, title=title, period=period, name=name, area=area, generated_at=generated_at,
                    sections=sections)
    if scope.kind == KIND:
        for dimension, (label, _) in VOLUME_DIMENSIONS.items():
            rows = volume_by(scope=scope, dimension=dimension)
            batches, persons = sum(r["batches"] for r in rows), sum(r["persons"] for r in rows)
            for r in rows:
                r["share"] = round(r["batches"] * 100 / batches, 1) if batches else 0
            report.breakdowns.append({"key": dimension, "label": label, "rows": rows, "batches": batches,
                                      "persons": persons})
        report.trend = volume_trend(scope=scope)
    return report


def breakdown_text(figure: Figure) -> str:
    """A figure's parts in one line (满意 3；基本满意 1 …)."""
    return "；".join(f"{b['label']} {b['count']}" for b in figure.breakdown)


# --- the spreadsheet ---------------------------------------------------------------------------

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
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    return ws


FIGURE_COLUMNS = [("指标", 24), ("数值", 12), ("单位", 8), ("分子", 10), ("分母", 10), ("上年同期", 12),
                  ("同比(%)", 10), ("同比(百分点)", 12), ("口径", 90), ("分列", 36)]


def _number(value):
    """A Decimal as a float cell (Excel has no decimal type); counts stay integers."""
    return float(value) if isinstance(value, Decimal) else value


def _figures_sheet(wb: Workbook, title: str, heading: str, figures: list[Figure], generated_at, first=False):
    ws = _sheet(wb, title, heading, FIGURE_COLUMNS, first=first)
    ws.cell(row=2, column=1, value=f"生成时间：{generated_at:%Y-%m-%d %H:%M}")
    for r, f in enumerate(figures, start=4):
        values = [f.label, "—" if f.value is None else _number(f.value), f.unit_label, f.numerator, f.denominator,
                  _number(f.previous), _number(f.change_pct), _number(f.change_points), f.definition,
                  breakdown_text(f) or None]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=c >= 9, vertical="top")
    return ws


def stats_report_xlsx(*, scope: Scope, generated_at) -> bytes:
    report = report_build(scope=scope, generated_at=generated_at)
    described = scope_describe(scope)
    first, *ledgers = report.sections
    wb = Workbook()
    _figures_sheet(wb, "主要指标", f"{first.label}工作主要指标　{described}", first.figures, generated_at, first=True)
    if scope.kind != KIND:   # the volume breakdowns and the trend are petition figures
        return _saved(wb)

    for b in report.breakdowns:
        label, rows = b["label"], b["rows"]
        ws = _sheet(wb, f"按{label}"[:31], f"信访总量按{label}　{described}",
                    [(label, 28), ("批次", 10), ("人次", 10), ("批次占比(%)", 12)])
        first_row, last = 4, 3 + len(rows)
        total = last + 1
        for r, row in enumerate(rows, start=first_row):
            ws.cell(row=r, column=1, value=row["label"]).border = _BOX
            ws.cell(row=r, column=2, value=row["batches"]).border = _BOX
            ws.cell(row=r, column=3, value=row["persons"]).border = _BOX
            share = ws.cell(row=r, column=4, value=f"=IF(B{total}=0,0,ROUND(B{r}/B{total}*100,1))")
            share.border = _BOX
        ws.cell(row=total, column=1, value="合计").font = Font(bold=True)
        for col in ("B", "C"):
            cell = ws[f"{col}{total}"]
            cell.value = f"=SUM({col}{first_row}:{col}{last})" if rows else 0
            cell.font = Font(bold=True)

    ws = _sheet(wb, "按月趋势", f"信访总量按月　{described}",
                [("月份", 12), ("批次", 10), ("人次", 10), ("上年同月批次", 14), ("上年同月人次", 14)])
    for r, row in enumerate(report.trend, start=4):
        for c, key in enumerate(("month", "batches", "persons", "last_year_batches", "last_year_persons"), start=1):
            ws.cell(row=r, column=c, value=row[key]).border = _BOX
    total = 4 + len(report.trend)
    ws.cell(row=total, column=1, value="合计").font = Font(bold=True)
    for col in ("B", "C", "D", "E"):
        ws[f"{col}{total}"] = f"=SUM({col}4:{col}{total - 1})" if report.trend else 0
        ws[f"{col}{total}"].font = Font(bold=True)

    for section in ledgers:
        _figures_sheet(wb, section.label, f"{section.label}工作主要指标　{described}", section.figures, generated_at)
    return _saved(wb)


def _saved(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
