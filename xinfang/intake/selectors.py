"""Reads for intake: the category model in use, category suggestions, places in the text,
and the routing table. Suggestions are advice; a person decides (信访工作条例第二十二条)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from xinfang.core.models import Case, Category
from xinfang.orgs.models import Unit, UnitLevel
from xinfang.search.named_places import named_places_of_matter

from .classifier import CategoryClassifier
from .models import IntakeModel, RouteAction, RoutingRule
from .places import PlaceFound, places_in_text

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "data" / "default_model.joblib"
ARTICLE_22 = "《信访工作条例》第二十二条"


# --- the category model ------------------------------------------------------------------

def intake_model_path(model: IntakeModel) -> Path:
    path = Path(model.path)
    return path if path.is_absolute() else Path(settings.DATA_DIR) / path


def default_model_path() -> Path:
    return Path(getattr(settings, "XINFANG_INTAKE_DEFAULT_MODEL", DEFAULT_MODEL_PATH))


_loaded_lock = threading.Lock()
_loaded: dict = {"key": None, "classifier": None}


def classifier_active() -> CategoryClassifier | None:
    """The model the registration page uses: the active IntakeModel's file, else the
    default model shipped with the product. Loaded once per process and kept until the
    active model changes (one indexed query per call to notice that)."""
    row = IntakeModel.objects.filter(is_active=True).values_list("pk", "path").first()
    key = ("row", row[0], row[1]) if row else ("default", str(default_model_path()))
    if _loaded["key"] == key:
        return _loaded["classifier"]
    with _loaded_lock:
        if _loaded["key"] != key:
            path = intake_model_path(IntakeModel(path=row[1])) if row else default_model_path()
            classifier = CategoryClassifier.load(path) if path.exists() else None
            if classifier is None and row:
                # The active row's file is gone (restored database, moved DATA_DIR): the
                # default model still serves rather than no suggestion at all.
                fallback = default_model_path()
                classifier = CategoryClassifier.load(fallback) if fallback.exists() else None
            _loaded["key"], _loaded["classifier"] = key, classifier
    return _loaded["classifier"]


def classifier_cache_clear() -> None:
    with _loaded_lock:
        _loaded["key"], _loaded["classifier"] = None, None


# --- labels ↔ the category tree ----------------------------------------------------------

def category_path_name(category: Category, *, level: int | None = None) -> str:
    """"城乡建设/住房保障与房地产/物业管理"; with `level`, cut to that many levels."""
    names, node = [], category
    while node is not None:
        names.append(node.name)
        node = node.parent
    names.reverse()
    return "/".join(names[:level] if level else names)


def categories_for_labels(labels: list[str]) -> dict[str, Category]:
    """The active category each label names, by path name: "城乡建设" is the first-level
    category of that name, "城乡建设/住房保障与房地产" the one under it. One small query
    (a model's labels are first-level names for the public data, path names when trained
    on cases at a deeper level)."""
    wanted = {label: label.split("/") for label in labels if label}
    if not wanted:
        return {}
    candidates = (Category.objects.filter(is_active=True, name__in={p[-1] for p in wanted.values()},
                                          level__in={len(p) for p in wanted.values()})
                  .select_related("parent__parent"))
    by_path = {category_path_name(c): c for c in candidates}
    return {label: by_path[label] for label in wanted if label in by_path}


@dataclass(frozen=True)
class CategorySuggestion:
    label: str
    confidence: float
    category_id: int | None
    name: str            # the category's path name, or the label when the tree lacks it


def categories_suggest(*, text: str, k: int = 3, classifier: CategoryClassifier | None = None) -> list[CategorySuggestion]:
    """The k most likely categories for the text, best first, each with its confidence
    and the category it fills the form's select with."""
    classifier = classifier or classifier_active()
    if classifier is None or not (text or "").strip():
        return []
    top = classifier.top([text], k=k)[0]
    if not top:
        return []
    by_label = categories_for_labels([label for label, _ in top])
    out = []
    for label, p in top:
        cat = by_label.get(label)
        out.append(CategorySuggestion(label=label, confidence=round(p, 3), category_id=cat.pk if cat else None,
                                      name=label))
    return out


# --- routing ------------------------------------------------------------------------------

def _category_lineage(category_id: int | None) -> list[int]:
    """The category and its ancestors (the tree is shallow: one query per three levels)."""
    out, cid = [], category_id
    while cid is not None:
        cat = Category.objects.select_related("parent__parent").filter(pk=cid).first()
        if cat is None:
            break
        node = cat
        for _ in range(3):
            if node is None:
                break
            out.append(node.pk)
            cid = node.parent_id
            node = node.parent
        if node is None:
            break
    return out


def _unit_lineage(unit: Unit | None) -> list[int]:
    return [int(p) for p in unit.path.strip("/").split("/") if p] if unit is not None else []


def routing_rule_specificity(rule: RoutingRule) -> tuple[int, int]:
    """(depth of the place unit, level of the category); -1 / 0 for "any"."""
    return (rule.place_unit.depth if rule.place_unit_id else -1, rule.category.level if rule.category_id else 0)


def routing_rules_matching(*, category_id: int | None, place_unit: Unit | None) -> list[RoutingRule]:
    """Active rules whose category contains the given one and whose place contains the
    given unit (empty = any), most specific first: the deepest place, then the deepest
    category; among equals the older rule."""
    cats = _category_lineage(category_id)
    places = _unit_lineage(place_unit)
    rules = list(RoutingRule.objects.filter(is_active=True)
                 .filter(Q(category__isnull=True) | Q(category_id__in=cats))
                 .filter(Q(place_unit__isnull=True) | Q(place_unit_id__in=places))
                 .select_related("category__parent__parent", "place_unit", "responsible_unit"))
    rules.sort(key=lambda r: (tuple(-x for x in routing_rule_specificity(r)), r.pk))
    return rules


def routing_rule_match(*, category_id: int | None, place_unit: Unit | None) -> RoutingRule | None:
    rules = routing_rules_matching(category_id=category_id, place_unit=place_unit)
    return rules[0] if rules else None


@dataclass(frozen=True)
class RouteSuggestion:
    unit_id: int
    name: str
    action: str          # assign / transfer
    action_label: str
    reason: str
    rule_id: int | None = None


def _rule_reason(rule: RoutingRule) -> str:
    cat = category_path_name(rule.category) if rule.category_id else "任何分类"
    place = rule.place_unit.name if rule.place_unit_id else "任何地点"
    why = f"：{rule.reason}" if rule.reason else ""
    return f"按「{cat}」×「{place}」规则{rule.get_action_display()}「{rule.responsible_unit.name}」{why}"


def _locality_of(unit: Unit) -> Unit:
    """The street (or town) a place lies in, which answers for it under 属地管理; a unit
    above street level answers for itself."""
    if unit.level in (UnitLevel.COMMUNITY, UnitLevel.GRID):
        for ancestor in reversed(unit.ancestors()):
            if ancestor.level == UnitLevel.STREET:
                return ancestor
    return unit


def routes_suggest(*, category_id: int | None, place_unit: Unit | None, k: int = 3) -> list[RouteSuggestion]:
    """The responsible unit(s) for 交办/转送: the most specific routing rule first, then other
    matching rules naming other units; with no rule, the place's own street (属地)."""
    out: list[RouteSuggestion] = []
    seen: set[int] = set()
    for rule in routing_rules_matching(category_id=category_id, place_unit=place_unit):
        if rule.responsible_unit_id in seen or not rule.responsible_unit.is_active:
            continue
        seen.add(rule.responsible_unit_id)
        out.append(RouteSuggestion(unit_id=rule.responsible_unit_id, name=rule.responsible_unit.name,
                                   action=rule.action, action_label=rule.get_action_display(),
                                   reason=_rule_reason(rule), rule_id=rule.pk))
        if len(out) >= k:
            break
    if not out and place_unit is not None:
        local = _locality_of(place_unit)
        out.append(RouteSuggestion(
            unit_id=local.pk, name=local.name, action=RouteAction.ASSIGN, action_label=RouteAction.ASSIGN.label,
            reason=f"没有适用的交办规则，按属地管理原则交办发生地「{local.name}」"
                   f"（{ARTICLE_22}：属地管理、分级负责，谁主管、谁负责）"))
    return out


# --- the whole suggestion ----------------------------------------------------------------------

@dataclass
class IntakeSuggestion:
    categories: list[CategorySuggestion] = field(default_factory=list)
    places: list[PlaceFound] = field(default_factory=list)
    routes: list[RouteSuggestion] = field(default_factory=list)
    category_for_routing: str = ""      # which category the routes assume, and whether chosen or suggested
    place_for_routing: str = ""
    model_available: bool = True


def _place_unit_for(place_unit_id, places: list[PlaceFound]) -> tuple[Unit | None, str]:
    if place_unit_id:
        unit = Unit.objects.filter(pk=place_unit_id).first()
        if unit is not None:
            return unit, f"{unit.name}（已选发生地）"
    found = next((p for p in places if p.unit_id is not None), None)
    if found is not None:
        unit = Unit.objects.filter(pk=found.unit_id).first()
        if unit is not None:
            return unit, f"{unit.name}（文中提到“{found.name}”）"
    return None, ""


def intake_suggest(*, title: str, content: str, category_id: int | None = None,
                   place_unit_id: int | None = None) -> IntakeSuggestion:
    """What the registration page offers while a matter is typed: the top-3 categories,
    the places named in the text, and the responsible unit with the rule behind it."""
    text = f"{(title or '').strip()} {(content or '').strip()}".strip()
    classifier = classifier_active()
    out = IntakeSuggestion(model_available=classifier is not None)
    if not text and not category_id and not place_unit_id:
        return out
    out.categories = categories_suggest(text=text, classifier=classifier)
    out.places = places_in_text(text)
    # The estates, roads, villages … the account names (no unit of the tree: they route
    # nothing, but the same-matter check looks them up, and the registrar sees them read).
    read = " ".join(p.name for p in out.places)
    out.places += [PlaceFound(name=name, kind="地名", unit_id=None)
                   for name in named_places_of_matter(title=title or "", content=content or "") if name not in read]
    chosen = Category.objects.filter(pk=category_id).select_related("parent__parent").first() if category_id else None
    if chosen is not None:
        routing_category_id, out.category_for_routing = chosen.pk, f"{category_path_name(chosen)}（已选分类）"
    else:
        best = next((c for c in out.categories if c.category_id is not None), None)
        routing_category_id = best.category_id if best else None
        out.category_for_routing = f"{best.name}（推荐分类）" if best else ""
    place_unit, out.place_for_routing = _place_unit_for(place_unit_id, out.places)
    out.routes = routes_suggest(category_id=routing_category_id, place_unit=place_unit)
    return out


def case_routes_suggest(*, case: Case) -> IntakeSuggestion:
    """Routing for a registered case (the caller has checked the user may see it): its
    category and place, else what its text suggests."""
    return intake_suggest(title=case.title, content=case.content, category_id=case.category_id,
                          place_unit_id=case.place_unit_id)
