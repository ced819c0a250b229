"""Reading the campaign pages' query strings and POSTs into what the services and selectors
take. No rules here: the services decide what is valid and say why."""
import dataclasses

from xinfang.orgs.models import Unit
from xinfang.stats.indicators import KINDS
from xinfang.web.forms import ListFilterParse

from .measures import MEASURES
from .selectors import LEDGER_STATES, LedgerFilters

FORM_FIELDS = ("name", "type", "organising_unit_id", "start_date", "end_date", "scope_unit_id", "description")
TARGET_ROWS = len(MEASURES)


@dataclasses.dataclass
class LedgerQuery:
    filters: LedgerFilters
    values: dict
    errors: list[str]
    description: str
    querystring: str


def ledger_query_parse(get, *, units: dict[str, Unit]) -> LedgerQuery:
    """The ledger's filters; a value that does not parse is reported and left out."""
    parse = ListFilterParse(get, ("q", "unit", "kind", "state"))
    f = LedgerFilters(text=parse.values["q"] or None)
    f.unit = parse.pick("unit", units, "责任单位")
    parse.choice("kind", KINDS, "案件类别", into=f)
    parse.choice("state", LEDGER_STATES, "办理情况", into=f)
    parse.text(f.text)
    return LedgerQuery(filters=f, values=parse.values, errors=parse.errors, description=parse.description,
                       querystring=parse.querystring)


def campaign_from_post(post) -> tuple[dict, dict]:
    """(data for CampaignIn, what the user typed to show again). Target rows left empty are
    skipped; a row with a measure and no number is passed on for the service to refuse."""
    typed = {name: post.get(name, "").strip() for name in FORM_FIELDS}
    typed["kinds"] = post.getlist("kinds")
    typed["category_ids"] = post.getlist("category_ids")
    data = {k: v for k, v in typed.items() if v not in ("", [])}
    if "category_ids" in data:
        data["category_ids"] = [int(v) if v.isdigit() else v for v in data["category_ids"]]
    targets, rows = [], []
    for i in range(TARGET_ROWS):
        measure, number = post.get(f"t{i}-measure", "").strip(), post.get(f"t{i}-number", "").strip()
        rows.append({"measure": measure, "number": number})
        if measure or number:
            targets.append({"measure": measure, **({"number": number} if number else {})})
    data["targets"] = targets
    typed["targets"] = rows
    return data, typed


def campaign_typed(campaign) -> dict:
    """The form's values for an existing campaign."""
    targets = [{"measure": t.measure, "number": str(t.number)} for t in campaign.targets.all()]
    targets += [{"measure": "", "number": ""} for _ in range(TARGET_ROWS - len(targets))]
    return {"name": campaign.name, "type": campaign.type, "organising_unit_id": str(campaign.organising_unit_id),
            "start_date": campaign.start_date.isoformat(), "end_date": campaign.end_date.isoformat(),
            "scope_unit_id": str(campaign.scope_unit_id), "description": campaign.description,
            "kinds": list(campaign.kinds), "category_ids": [str(pk) for pk in campaign.categories.values_list("pk", flat=True)],
            "targets": targets}
