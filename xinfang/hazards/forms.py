"""Reading the hazard pages' query strings and POSTs into what the services and selectors
take. No rules here: the services decide what is valid and say why."""
import dataclasses

from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit
from xinfang.web.forms import ListFilterParse

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


def hazard_list_query_parse(get, *, units: dict[str, Unit], inspections: dict[str, Inspection]) -> ListQuery:
    """The ledger's filters from a query string; a value that does not parse is reported
    and left out, never silently widened."""
    parse = ListFilterParse(get, LIST_KEYS)
    states = workflow_for("hazard").states
    f = HazardFilters(text=parse.values["q"] or None)
    parse.choice("grade", dict(Grade.choices), "隐患等级", into=f)
    parse.choice("industry", dict(Industry.choices), "行业领域", into=f)
    parse.choice("category", dict(HazardCategory.choices), "隐患类别", into=f)
    parse.choice("status", {c: s.label for c, s in states.items()}, "状态", into=f)
    f.unit = parse.pick("unit", units, "责任单位")
    inspection = parse.pick("inspection", inspections, "所属检查", missing="不存在或无权查看")
    f.inspection = inspection.pk if inspection is not None else None
    f.is_open = parse.flag("open", yes="未销号", no="已销号")
    f.overdue = parse.flag("overdue", yes="已超期")
    f.found_from, f.found_to = parse.date_range("from", "to", "发现日期")
    parse.text(f.text)
    return ListQuery(filters=f, values=parse.values, errors=parse.errors, description=parse.description,
                     querystring=parse.querystring)


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
