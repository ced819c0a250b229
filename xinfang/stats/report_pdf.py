"""The statistical report as a printed document (PDF): the same figures as the spreadsheet
(report.report_build), laid out for reading on paper — a title block, the indicators with
their definitions, volume with 同比 and its months, the breakdowns, and the ledger kinds.
WeasyPrint with the Noto CJK fonts, as documents.render prints the official notices."""
import datetime as dt

from django.template.loader import render_to_string

from xinfang.documents.content import date_cn

from .indicators import Scope
from .report import breakdown_text, report_build

# The bar chart of the months (SVG, drawn here: the PDF has no script to draw with).
NUMERALS = "一二三四五六七八九十"
# Fills as attributes: WeasyPrint's SVG does not take the page's CSS classes.
NOW_FILL, BEFORE_FILL = "#9e1b1b", "#b9bec4"
CHART_W, CHART_H, CHART_LEFT, CHART_BOTTOM, CHART_TOP = 640, 220, 40, 30, 26


def trend_chart(trend: list[dict]) -> dict | None:
    """Bars of this period's batches beside last year's, per month, with a y axis of round
    steps. None with no months or no batches at all."""
    if not trend or not any(t["batches"] or t["last_year_batches"] for t in trend):
        return None
    top = max(max(t["batches"], t["last_year_batches"]) for t in trend)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000,
                            100000, 10 ** 9) if top / s <= 5)
    ceiling = step * -(-top // step)
    plot_h = CHART_H - CHART_BOTTOM - CHART_TOP
    slot = (CHART_W - CHART_LEFT - 10) / len(trend)
    bar = min(18.0, slot * 0.36)

    def y(v):
        return CHART_TOP + plot_h - plot_h * v / ceiling

    months = []
    for i, t in enumerate(trend):
        x = CHART_LEFT + i * slot + slot / 2
        bars = [{"x": round(x + offset, 1), "y": round(y(value), 1), "w": round(bar, 1),
                 "h": round(CHART_TOP + plot_h - y(value), 1), "fill": fill, "value": value}
                for offset, value, fill in ((-bar, t["batches"], NOW_FILL), (0.0, t["last_year_batches"], BEFORE_FILL))]
        year, month = int(t["month"][:4]), int(t["month"][5:])
        # A year or less: every month by name; longer: the year's first and middle month.
        text = f"{month}月" if len(trend) <= 12 else (f"{year % 100:02d}/{month}" if month in (1, 7) or not i else "")
        months.append({"x": round(x, 1), "text": text, "bars": bars})
    ticks = [{"y": round(y(v), 1), "text_y": round(y(v) + 4, 1), "value": v} for v in range(0, ceiling + 1, step)]
    return {"w": CHART_W, "h": CHART_H, "left": CHART_LEFT, "right": CHART_W - 10, "months": months, "ticks": ticks,
            "base": round(y(0), 1), "label_y": CHART_H - CHART_BOTTOM + 16}


def report_made_by(user) -> str:
    """制表: the reader's unit (who printed this report)."""
    return user.unit.name if getattr(user, "unit", None) is not None else ""


def stats_report_pdf(*, scope: Scope, generated_at: dt.datetime, made_by: str = "") -> bytes:
    from weasyprint import HTML

    report = report_build(scope=scope, generated_at=generated_at)
    for section in report.sections:
        shown = None
        for figure in section.figures:
            # The four satisfaction rates share one breakdown: print it once.
            parts = breakdown_text(figure)
            figure.parts, shown = ("" if parts == shown else parts), parts

    volume = {f.key: f for f in report.sections[0].figures if f.key in ("volume_batches", "volume_persons")}
    # 一、二、… in the order printed: the figures, then (petition report) volume and breakdowns,
    # then each ledger kind.
    parts = ["主要指标"] + (["信访总量及同比", "信访总量构成"] if report.breakdowns else [])
    parts += [f"{s.label}主要指标" for s in report.sections[1:]]
    headings = {name: f"{NUMERALS[i]}、{name}" for i, name in enumerate(parts)}
    html = render_to_string("stats/report_pdf.html", {
        "r": report, "made_on": date_cn(generated_at.date()), "made_by": made_by,
        "start": date_cn(scope.start), "end": date_cn(scope.end), "volume": volume,
        "chart": trend_chart(report.trend), "headings": headings,
        "ledgers": [(headings[f"{s.label}主要指标"], s) for s in report.sections[1:]],
    })
    return HTML(string=html).write_pdf()
