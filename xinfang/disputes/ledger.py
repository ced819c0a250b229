"""矛盾纠纷排查调处台账: the dispute ledger as an Excel workbook, in the columns the field
uses. Parties appear by name only — contacts never go into the ledger."""
import datetime as dt

from openpyxl.styles import Alignment

from xinfang.core.ledger_xlsx import (
    HEADER_ROW,
    ledger_date_format,
    ledger_finish,
    ledger_sheet,
)
from xinfang.core.models import Case
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import UnitLevel

from .models import ConfirmationResult, Track
from .selectors import parties_summary

_LEVELS = dict(UnitLevel.choices)


def _agreement(case: Case):
    live = [a for a in case.mediation_agreements.all() if not a.superseded]
    return live[-1] if live else None


def _performance(case: Case) -> str:
    followups = sorted(case.dispute_followups.all(), key=lambda f: (f.visited_on, f.id))
    return f"{followups[-1].get_performance_display()}（{followups[-1].visited_on:%Y-%m-%d}回访）" if followups else ""


def _confirmation(case: Case) -> str:
    rows = sorted(case.judicial_confirmations.all(), key=lambda c: (c.applied_on, c.id))
    if not rows:
        return ""
    last = rows[-1]
    text = f"{last.applied_on:%Y-%m-%d}向{last.court}申请，{last.get_result_display()}"
    return text + (f"（{last.document_no}）" if last.result != ConfirmationResult.PENDING and last.document_no else "")


def _remarks(case: Case) -> str:
    d = case.dispute
    parts = []
    if d.police_organ:
        parts.append(f"已报告{d.police_organ}（{d.police_referred_on:%Y-%m-%d}）")
    if d.end_reason:
        parts.append(f"{d.get_end_reason_display()}；已告知：{d.other_routes}")
    return "；".join(parts)


# (header, width, value of a case)
COLUMNS = (
    ("编号", 22, lambda c: c.number),
    ("排查发现日期", 12, lambda c: c.received_date),
    ("纠纷类型", 14, lambda c: c.dispute.get_dispute_type_display()),
    ("纠纷名称", 28, lambda c: c.title),
    ("纠纷简要情况", 48, lambda c: c.content),
    ("当事人", 22, parties_summary),
    ("涉及人数", 8, lambda c: c.dispute.person_count),
    ("涉及金额（元）", 12, lambda c: float(c.dispute.amount) if c.dispute.amount is not None else None),
    ("发生地点", 20, lambda c: c.dispute.place_text or (c.place_unit.name if c.place_unit_id else "")),
    ("发现层级", 10, lambda c: _LEVELS.get(c.dispute.level_found, "")),
    ("激化风险", 30, lambda c: c.dispute.escalation_risk),
    ("责任单位", 18, lambda c: c.owner_unit.name),
    ("调解类型", 10, lambda c: Track(c.dispute.track).label),
    ("调解员", 16, lambda c: "、".join(m.name for m in c.mediators.all() if not m.refused)),
    ("调处状态", 18, lambda c: workflow_for(c.kind).state(c.status).label),
    ("协议签订日期", 12, lambda c: a.signed_on if (a := _agreement(c)) else None),
    ("协议内容", 36, lambda c: a.terms if (a := _agreement(c)) else ""),
    ("履行期限", 12, lambda c: a.performance_by if (a := _agreement(c)) else None),
    ("履行情况（回访）", 22, _performance),
    ("司法确认", 30, _confirmation),
    ("化解层级", 10, lambda c: _LEVELS.get(c.dispute.resolved_level, "")),
    ("办结日期", 12, lambda c: c.closed_at.date() if c.closed_at else None),
    ("备注", 36, _remarks),
)


def disputes_ledger_xlsx(*, cases, description: str, exported_at: dt.datetime, exported_by: str) -> bytes:
    """`cases` from selectors.disputes_filter (related rows prefetched)."""
    wb, ws = ledger_sheet(sheet_title="矛盾纠纷排查调处台账",
                          title=f"矛盾纠纷排查调处台账{('：' + description) if description else ''}",
                          columns=[("序号", 6)] + [(h, w) for h, w, _ in COLUMNS])
    count = 0
    for count, case in enumerate(cases, start=1):
        r = HEADER_ROW + count
        ws.cell(row=r, column=1, value=count)
        for col, (_, _, value) in enumerate(COLUMNS, start=2):
            cell = ws.cell(row=r, column=col, value=value(case))
            ledger_date_format(cell)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return ledger_finish(wb, ws, count=count, exported_at=exported_at, exported_by=exported_by, frozen_columns=2)
