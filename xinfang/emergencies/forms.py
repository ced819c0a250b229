"""Reading the emergency pages' query strings and POSTs into what the services and
selectors take. No rules here: the services decide what is valid and say why."""
import dataclasses
import datetime as dt
from urllib.parse import urlencode

from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit

from .models import FIGURE_NAMES, Category, EventType, Grade
from .selectors import EmergencyFilters

LIST_KEYS = ("q", "type", "category", "grade", "status", "unit", "open", "overdue", "late", "from", "to")
REGISTER_FIELDS = ("title", "description", "event_type", "grade", "occurred_at", "learned_at", "place_unit_id",
                   "site", "enterprise_name")
# Each report form's own fields besides the figures (the payload models name them).
REPORT_TEXT_FIELDS = ("text", "grade", "signer", "late_reason", "forces", "cause")


@dataclasses.dataclass
class ListQuery:
    filters: EmergencyFilters
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


def emergency_list_query_parse(get, *, units: dict[str, Unit]) -> ListQuery:
    """The list's filters from a query string; a value that does not parse is reported and
    left out, never silently widened."""
    values = {k: get.get(k, "").strip() for k in LIST_KEYS}
    errors: list[str] = []
    states = workflow_for("emergency").states
    f = EmergencyFilters(text=values["q"] or None)
    parts = []
    for key, attr, choices, label in (
            ("type", "event_type", dict(EventType.choices), "事件类型"),
            ("category", "category", dict(Category.choices), "事件类别"),
            ("grade", "grade", dict(Grade.choices), "事件等级"),
            ("status", "status", {c: s.label for c, s in states.items()}, "状态")):
        raw = values[key]
        if not raw:
            continue
        if raw not in choices:
            errors.append(f"「{label}」的取值无效，已忽略。")
            values[key] = ""
            continue
        setattr(f, attr, raw)
        parts.append(f"{label}：{choices[raw]}")
    if values["unit"]:
        f.unit = units.get(values["unit"])
        if f.unit is None:
            errors.append("「发生地」不存在，已忽略。")
            values["unit"] = ""
        else:
            parts.append(f"发生地：{f.unit.name}")
    if values["open"] in ("1", "0"):
        f.is_open = values["open"] == "1"
        parts.append("未终报" if f.is_open else "已终报")
    if values["overdue"] == "1":
        f.overdue = True
        parts.append("首报超时未报")
    if values["late"] == "1":
        f.late = True
        parts.append("迟报")
    f.occurred_from = _date(values["from"], "发生日期 自", errors)
    f.occurred_to = _date(values["to"], "发生日期 至", errors)
    if f.occurred_from:
        parts.append(f"{f.occurred_from:%Y-%m-%d} 起")
    else:
        values["from"] = ""
    if f.occurred_to:
        parts.append(f"至 {f.occurred_to:%Y-%m-%d}")
    else:
        values["to"] = ""
    if f.text:
        parts.append(f"关键词：{f.text}")
    querystring = urlencode({k: v for k, v in values.items() if v})
    return ListQuery(filters=f, values=values, errors=errors, description="；".join(parts), querystring=querystring)


def emergency_registration_from_post(post) -> tuple[dict, dict]:
    """(data for EmergencyIn, what the user typed to show again)."""
    typed = {name: post.get(name, "").strip() for name in REGISTER_FIELDS}
    return {k: v for k, v in typed.items() if v != ""}, typed


def emergency_report_from_post(post, *, model) -> tuple[dict, dict]:
    """(the report's payload for `model`, what the user typed). A blank figure is left
    out, so the previous report's value carries over."""
    typed = {name: post.get(name, "").strip() for name in (*REPORT_TEXT_FIELDS, *FIGURE_NAMES)}
    data = {k: v for k, v in typed.items() if k in model.model_fields and (v != "" or k in ("text", "signer"))}
    return data, typed
