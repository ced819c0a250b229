"""The kind-specific section of the generic case page: each kind of case names the template
of its facts and the selector that fills it (the selector reads within the user's scope; the
case itself was fetched through it already)."""
from importlib import import_module

# kind -> (template, "module:selector")
KIND_FACTS = {
    "dispute": ("disputes/_case_facts.html", "xinfang.disputes.selectors:dispute_facts_for"),
    "hazard": ("hazards/_case_facts.html", "xinfang.hazards.selectors:hazard_facts_for"),
    "assessment": ("assessments/_case_facts.html", "xinfang.assessments.selectors:assessment_facts_for"),
}


def case_kind_facts(*, user, case) -> dict:
    """Context for the kind's facts section: its template under `kind_facts_template` and the
    selector's values; nothing for a kind without one (petitions have theirs in the page)."""
    entry = KIND_FACTS.get(case.kind)
    if entry is None:
        return {}
    template, target = entry
    module, name = target.split(":")
    selector = getattr(import_module(module), name)
    return {"kind_facts_template": template, **selector(user=user, case=case)}
