"""The 平安创建 board as an Excel workbook: a row per community, each street's own cases
(街道直属) and its roll-up, the figures, and each target met or not."""
import datetime as dt

from openpyxl.styles import Font, PatternFill

from xinfang.core.ledger_xlsx import HEADER_ROW, ledger_finish, ledger_sheet


def board_rows(board: dict) -> list[dict]:
    """The board's rows in reading order: per street its communities, 街道直属, the roll-up;
    the total last."""
    out = []
    for block in board["blocks"]:
        out += block["communities"]
        out += [r for r in (block["direct"], block["total"]) if r is not None]
    if board["total"] is not None:
        out.append(board["total"])
    return out


def board_xlsx(*, board: dict, exported_at: dt.datetime, exported_by: str) -> bytes:
    figures, targets = board["figures"], board["targets"]
    columns = [("街道", 14), ("社区/村", 16)] + [(f.label, 10) for f in figures] + [(t.name, 12) for t in targets]
    period = board["period"]
    wb, ws = ledger_sheet(sheet_title="平安创建", title=f"平安创建情况：{period.label}（{period.start:%Y-%m-%d} 至 "
                                                        f"{period.end:%Y-%m-%d}）", columns=columns)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEF1F4")
    red, green = Font(color="C81E1E", bold=True), Font(color="046C4E")
    rows = board_rows(board)
    for i, row in enumerate(rows, start=1):
        r = HEADER_ROW + i
        street = row["street"].name if row["street"] else ""
        values = [street if row["kind"] != "total" else "合计",
                  row["label"] if row["kind"] in ("community", "direct") else "（合计）"]
        values += [row["figures"][f.key] for f in figures]
        values += ["达标" if s["met"] else "未达标" for s in row["targets"]]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            if row["kind"] in ("street", "total"):
                cell.font, cell.fill = bold, grey
            if value == "未达标":
                cell.font = red
            elif value == "达标":
                cell.font = green
    return ledger_finish(wb, ws, count=len(rows), exported_at=exported_at, exported_by=exported_by, noun="行",
                         frozen_columns=2)
