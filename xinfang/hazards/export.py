"""The 隐患排查治理台账 as an Excel workbook, in the columns the field keeps (DOMAIN.md:
number, found at, place, description, category, grade, finder, responsible person,
measures, funds, deadline, interim controls, completed at, checker, check date and result,
closed), with the enterprise, industry, unit and supervision beside them."""
import datetime as dt

from django.utils import timezone
from openpyxl.styles import Alignment, Font

from xinfang.core.ledger_xlsx import (
    HEADER_ROW,
    ledger_date_format,
    ledger_finish,
    ledger_sheet,
)
from xinfang.core.workflow import workflow_for

from .models import Hazard
from .selectors import hazard_last_check, hazard_violations_text


def _place(h: Hazard) -> str:
    return "，".join(filter(None, [h.case.place_unit.name if h.case.place_unit_id else "", h.site]))


def _check(h: Hazard, attr: str):
    check = hazard_last_check(h)
    if check is None:
        return None
    if attr == "result":
        return f"{check.get_kind_display()}{check.get_result_display()}"
    return getattr(check, attr)


# (header, width, value of a Hazard row)
COLUMNS = (
    ("隐患编号", 22, lambda h: h.case.number),
    ("发现时间", 17, lambda h: timezone.localtime(h.found_at).replace(tzinfo=None)),
    ("生产经营单位/场所", 24, lambda h: h.enterprise_name),
    ("统一社会信用代码", 21, lambda h: h.credit_code),
    ("行业领域", 12, lambda h: h.get_industry_display()),
    ("隐患地点", 26, _place),
    ("隐患名称", 24, lambda h: h.case.title),
    ("隐患描述", 40, lambda h: h.case.content),
    ("隐患类别", 22, lambda h: h.get_category_display()),
    ("隐患等级", 10, lambda h: h.get_grade_display()),
    ("发现人", 10, lambda h: h.finder),
    ("所属检查", 20, lambda h: h.inspection.name if h.inspection_id else h.get_source_display()),
    ("违法违规行为", 22, hazard_violations_text),
    ("责任单位", 16, lambda h: h.case.owner_unit.name),
    ("整改责任人", 10, lambda h: h.responsible_person),
    ("整改方式", 12, lambda h: h.get_rectify_mode_display() if h.rectify_mode else ""),
    ("整改措施", 36, lambda h: h.measures),
    ("整改资金（元）", 12, lambda h: h.funds_yuan),
    ("整改期限", 12, lambda h: h.rectify_by),
    ("临时管控措施", 28, lambda h: h.interim_controls),
    ("监管部门", 14, lambda h: h.regulator_unit.name if h.regulator_unit_id else ""),
    ("挂牌督办", 18, lambda h: h.supervision_ref),
    ("整改完成日期", 12, lambda h: h.rectified_on),
    ("验收/审查人员", 14, lambda h: _check(h, "checker")),
    ("验收/审查日期", 12, lambda h: _check(h, "checked_on")),
    ("验收/审查结果", 14, lambda h: _check(h, "result")),
    ("状态", 14, lambda h: workflow_for("hazard").state(h.case.status).label),
    ("是否销号", 8, lambda h: "是" if h.closed_on else "否"),
    ("销号日期", 12, lambda h: h.closed_on),
)


def hazards_ledger_xlsx(*, hazards, description: str, exported_at: dt.datetime, exported_by: str,
                        truncated_at: int | None = None) -> bytes:
    """`hazards` from selectors.hazards_ledger (checks and violations prefetched)."""
    wb, ws = ledger_sheet(sheet_title="隐患排查治理台账", title=f"隐患排查治理台账：{description or '全部隐患'}",
                          columns=[(h, w) for h, w, _ in COLUMNS])
    major = Font(color="C81E1E", bold=True)
    count = 0
    for count, hazard in enumerate(hazards, start=1):
        r = HEADER_ROW + count
        for col, (header, _, value) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=col, value=value(hazard))
            ledger_date_format(cell)
            if header == "整改资金（元）":
                cell.number_format = "#,##0"
            if header in ("隐患描述", "整改措施", "临时管控措施"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if header == "隐患等级" and hazard.grade == "major":
                cell.font = major
    return ledger_finish(wb, ws, count=count, exported_at=exported_at, exported_by=exported_by, noun="条",
                         truncated_at=truncated_at, frozen_columns=1)
