"""Reading the emergency pages' query strings and POSTs into what the services and
selectors take. No rules here: the services decide what is valid and say why."""
import dataclasses

from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit
from xinfang.web.forms import ListFilterParse

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


def emergency_list_query_parse(get, *, units: dict[str, Unit]) -> ListQuery:
    """The list's filters from a query string; a value that does not parse is reported and
    left out, never silently widened."""
    parse = ListFilterParse(get, LIST_KEYS)
    states = workflow_for("emergency").states
    f = EmergencyFilters(text=parse.values["q"] or None)
    parse.choice("type", dict(EventType.choices), "事件类型", into=f, attr="event_type")
    parse.choice("category", dict(Category.choices), "事件类别", into=f)
    parse.choice("grade", dict(Grade.choices), "事件等级", into=f)
    parse.choice("status", {c: s.label for c, s in states.items()}, "状态", into=f)
    f.unit = parse.pick("unit", units, "发生地")
    f.is_open = parse.flag("open", yes="未终报", no="已终报")
    f.overdue = parse.flag("overdue", yes="首报超时未报")
    f.late = parse.flag("late", yes="迟报")
    f.occurred_from, f.occurred_to = parse.date_range("from", "to", "发生日期")
    parse.text(f.text)
    return ListQuery(filters=f, values=parse.values, errors=parse.errors, description=parse.description,
                     querystring=parse.querystring)


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
