"""稳评台账 as an Excel workbook: the columns the field keeps (decision, owner, place, people
affected, assessor, consultation, counts for and against, risk points and measures,
contingency plan, the rule's level and the stated one, re-ratings, the collective decision
and its meeting, monitoring), a title row saying what was filtered and when, a frozen header.
No personal data: a 稳评 is about a matter, never about people."""
import datetime as dt

from openpyxl.styles import Alignment, PatternFill

from xinfang.core.ledger_xlsx import (
    HEADER_ROW,
    ledger_date_format,
    ledger_finish,
    ledger_sheet,
)

# (header, width in characters, what the cell holds) — rows come from selectors.ledger_rows
COLUMNS = (
    ("序号", 6, lambda r, i: i),
    ("编号", 22, lambda r, i: r["case"].number),
    ("决策事项名称", 32, lambda r, i: r["case"].title),
    ("决策类型", 18, lambda r, i: r["type_label"]),
    ("决策承办单位", 18, lambda r, i: r["case"].owner_unit.name),
    ("项目单位", 18, lambda r, i: r["assessment"].sponsor),
    ("实施地点", 20, lambda r, i: r["assessment"].location),
    ("涉及人数", 10, lambda r, i: r["assessment"].affected_people),
    ("涉及户数", 10, lambda r, i: r["assessment"].affected_households or None),
    ("立项日期", 12, lambda r, i: r["case"].received_date),
    ("评估主体", 26, lambda r, i: r["assessor"]),
    ("评估时间", 24, lambda r, i: r["period"]),
    ("征求意见情况", 34, lambda r, i: r["consultation"]),
    ("问卷受访人数", 10, lambda r, i: r["respondents"] or None),
    ("支持", 8, lambda r, i: r["support"] if r["respondents"] else None),
    ("反对", 8, lambda r, i: r["against"] if r["respondents"] else None),
    ("其中强烈反对", 10, lambda r, i: r["strongly_against"] if r["respondents"] else None),
    ("主要风险点", 40, lambda r, i: r["risk_points"]),
    ("防范化解措施", 40, lambda r, i: r["measures"]),
    ("应急处置预案", 30, lambda r, i: r["contingency"]),
    ("按规则评定", 10, lambda r, i: r["computed_level"]),
    ("风险等级", 10, lambda r, i: r["level"]),
    ("评定经过", 18, lambda r, i: r["rating_history"]),
    ("评估轮次", 8, lambda r, i: r["rounds"] or None),
    ("决策机关", 16, lambda r, i: r["assessment"].decision_body),
    ("决策会议", 30, lambda r, i: r["meeting"]),
    ("决策结果", 10, lambda r, i: r["outcome"]),
    ("跟踪监测", 30, lambda r, i: r["monitoring"]),
    ("状态", 16, lambda r, i: r["status_label"]),
)
WRAPPED = {"决策事项名称", "征求意见情况", "主要风险点", "防范化解措施", "应急处置预案", "跟踪监测"}
LEVEL_FILL = {"高风险": "FDE2E2", "中风险": "FEF3C7", "低风险": "DCFCE7"}


def assessments_ledger_xlsx(*, rows: list[dict], description: str, exported_at: dt.datetime,
                            exported_by: str) -> bytes:
    wb, ws = ledger_sheet(sheet_title="稳评台账", title=f"重大决策社会稳定风险评估台账：{description or '全部事项'}",
                          columns=[(h, w) for h, w, _ in COLUMNS])
    level_col = next(i for i, c in enumerate(COLUMNS, start=1) if c[0] == "风险等级")
    for i, row in enumerate(rows, start=1):
        r = HEADER_ROW + i
        for col, (header, _, value) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=col, value=value(row, i))
            ledger_date_format(cell)
            cell.alignment = Alignment(wrap_text=header in WRAPPED, vertical="top")
        fill = LEVEL_FILL.get(row["level"])
        if fill:
            ws.cell(row=r, column=level_col).fill = PatternFill("solid", fgColor=fill)
    return ledger_finish(wb, ws, count=len(rows), exported_at=exported_at, exported_by=exported_by, noun="项",
                         frozen_columns=2)
