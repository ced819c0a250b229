"""The kind-specific section of the generic case page: each kind of case names the template
of its facts and the selector that fills it (the selector reads within the user's scope; the
case itself was fetched through it already)."""
from importlib import import_module

# kind -> (template, "module:selector")
KIND_FACTS = {
    "dispute": ("disputes/_case_facts.html", "xinfang.disputes.selectors:dispute_facts_for"),
    "hazard": ("hazards/_case_facts.html", "xinfang.hazards.selectors:hazard_facts_for"),
    "assessment": ("assessments/_case_facts.html", "xinfang.assessments.selectors:assessment_facts_for"),
    "emergency": ("emergencies/_case_facts.html", "xinfang.emergencies.selectors:emergency_facts_for"),
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


# --- sections other apps add to the case page -----------------------------------------------
# The work around a case (督办, 专项行动, 联席会议, 问责 …) lives in apps of its own. Each
# registers a section here from its AppConfig.ready(); the case page shows it as a fragment
# loaded from the app's own URL (which takes the case number and answers a full page
# without HX-Request), so the case page never imports those apps.

from dataclasses import dataclass  # noqa: E402
from collections.abc import Callable  # noqa: E402


@dataclass(frozen=True)
class CaseSection:
    key: str
    title: str
    url_name: str                                   # reversed with the case number
    visible: Callable[..., bool] = lambda *, user, case: True
    order: int = 100
    side: bool = False                              # in the narrow column beside the timeline


CASE_SECTIONS: dict[str, CaseSection] = {}


def case_section_register(section: CaseSection) -> CaseSection:
    CASE_SECTIONS[section.key] = section
    return section


def case_sections_for(*, user, case) -> list[dict]:
    """The registered sections this user sees on this case, in order, with their URLs."""
    from django.urls import reverse
    out = []
    for s in sorted(CASE_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if s.visible(user=user, case=case):
            out.append({"key": s.key, "title": s.title, "side": s.side,
                        "url": reverse(s.url_name, args=[case.number])})
    return out
