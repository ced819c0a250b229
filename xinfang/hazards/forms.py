"""Reading the hazard pages' query strings and POSTs into what the services and selectors
take. No rules here: the services decide what is valid and say why."""
import dataclasses
import datetime as dt
from urllib.parse import urlencode

from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit

from .models import Grade, HazardCategory, Industry, Inspection
from .selectors import HazardFilters

LIST_KEYS = ("q", "grade", "status", "industry", "category", "inspection", "unit", "open", "overdue", "from", "to")
REGISTER_FIELDS = ("title", "description", "grade", "industry", "category", "enterprise_name", "credit_code", "site",
                   "place_unit_id", "owner_unit_id", "inspection_id", "source", "finder", "found_on")
VIOLATION_ROWS = 3


@dataclasses.dataclass
class ListQuery:
    filters: HazardFilters
    values: dict
    errors: list[str]
    description: str
    querystring: str


def _date(raw: str, label: str, errors: list) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"「{label}」“{raw[:20]}”不是有效日期（格式：YYYY-MM-DD），已忽略。")
        return None


def hazard_list_query_parse(get, *, units: dict[str, Unit], inspections: dict[str, Inspection]) -> ListQuery:
    """The ledger's filters from a query string; a value that does not parse is reported
    and left out, never silently widened."""
    values = {k: get.get(k, "").strip() for k in LIST_KEYS}
    errors: list[str] = []
    states = workflow_for("hazard").states
    f = HazardFilters(text=values["q"] or None)
    parts = []
    for key, choices, label in (("grade", dict(Grade.choices), "隐患等级"), ("industry", dict(Industry.choices), "行业领域"),
                                ("category", dict(HazardCategory.choices), "隐患类别"),
                                ("status", {c: s.label for c, s in states.items()}, "状态")):
        raw = values[key]
        if not raw:
            continue
        if raw not in choices:
            errors.append(f"「{label}」的取值无效，已忽略。")
            values[key] = ""
            continue
        setattr(f, key, raw)
        parts.append(f"{label}：{choices[raw]}")
    if values["unit"]:
        f.unit = units.get(values["unit"])
        if f.unit is None:
            errors.append("「责任单位」不存在，已忽略。")
            values["unit"] = ""
        else:
            parts.append(f"责任单位：{f.unit.name}")
    if values["inspection"]:
        inspection = inspections.get(values["inspection"])
        if inspection is None:
            errors.append("「所属检查」不存在或无权查看，已忽略。")
            values["inspection"] = ""
        else:
            f.inspection = inspection.pk
            parts.append(f"检查：{inspection.name}")
    if values["open"] in ("1", "0"):
        f.is_open = values["open"] == "1"
        parts.append("未销号" if f.is_open else "已销号")
    if values["overdue"] == "1":
        f.overdue = True
        parts.append("已超期")
    f.found_from = _date(values["from"], "发现日期 自", errors)
    f.found_to = _date(values["to"], "发现日期 至", errors)
    if f.found_from:
        parts.append(f"{f.found_from:%Y-%m-%d} 起")
    if f.found_to:
        parts.append(f"至 {f.found_to:%Y-%m-%d}")
    if f.text:
        parts.append(f"关键词：{f.text}")
    if not f.found_from:
        values["from"] = ""
    if not f.found_to:
        values["to"] = ""
    querystring = urlencode({k: v for k, v in values.items() if v})
    return ListQuery(filters=f, values=values, errors=errors, description="；".join(parts), querystring=querystring)


def hazard_registration_from_post(post) -> tuple[dict, dict]:
    """(data for HazardIn, what the user typed to show again)."""
    typed = {name: post.get(name, "").strip() for name in REGISTER_FIELDS}
    data = {k: v for k, v in typed.items() if v != ""}
    violations, typed_rows = [], []
    for i in range(VIOLATION_ROWS):
        kind, text = post.get(f"v{i}-kind", "").strip(), post.get(f"v{i}-description", "").strip()
        typed_rows.append({"kind": kind, "description": text})
        if kind or text:
            violations.append({"kind": kind, "description": text})
    if violations:
        data["violations"] = violations
    typed["violations"] = typed_rows
    return data, typed
