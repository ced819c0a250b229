"""The accountability figures per unit as an xlsx ledger (the shared frame of
xinfang/core/ledger_xlsx.py): one row per responsible unit, a total row."""
import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from openpyxl.styles import Font

from xinfang.core import clock
from xinfang.core.ledger_xlsx import (
    HEADER_ROW,
    ledger_finish,
    ledger_sheet,
    xlsx_response,
)


def accountability_counts_xlsx(*, counts: dict, exported_at: dt.datetime, exported_by: str) -> bytes:
    grounds, measures = counts["ground_columns"], counts["measure_columns"]
    columns = [("责任单位", 28), ("问责记录（件）", 12), ("调查中（件）", 11)]
    columns += [(f"事由：{label}", 12) for _, label in grounds]
    columns += [(f"方式：{label}", 12) for _, label in measures]
    title = f"责任倒查与问责情况（按责任单位）　{counts['start']:%Y-%m-%d} 至 {counts['end']:%Y-%m-%d}"
    wb, ws = ledger_sheet(sheet_title="按单位统计", title=title, columns=columns)

    def values(row: dict) -> list:
        return [row["records"], row["open"], *row["grounds"], *row["measures"]]

    r = HEADER_ROW
    for row in counts["rows"]:
        r += 1
        for c, value in enumerate([row["unit"].name, *values(row)], start=1):
            ws.cell(row=r, column=c, value=value)
    r += 1
    for c, value in enumerate(["合计（每件记录计一次）", *values(counts["total"])], start=1):
        ws.cell(row=r, column=c, value=value).font = Font(bold=True)
    return ledger_finish(wb, ws, count=len(counts["rows"]), exported_at=exported_at, exported_by=exported_by,
                         noun="个单位")


def accountability_counts_download(*, counts: dict, user) -> HttpResponse:
    """The xlsx as a download, for the page and the API alike."""
    content = accountability_counts_xlsx(counts=counts, exported_at=timezone.localtime(clock.now()),
                                         exported_by=f"{user}（{user.unit or '未设单位'}）")
    return xlsx_response(content, filename=f"问责情况-按单位-{counts['start']:%Y%m%d}-{counts['end']:%Y%m%d}.xlsx")
