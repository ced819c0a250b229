"""Portal reads: a matter by its query code (as the public API finds it), what the petitioner
may see and do on it, the choices of the online form, and the clocks the guide explains."""
from xinfang.core.deadlines import deadline_rule_get
from xinfang.core.errors import NotFound
from xinfang.core.models import Case, Category
from xinfang.core.selectors import case_actions_for, case_get_by_query_code
from xinfang.orgs.models import Unit, UnitLevel
from xinfang.petitions.selectors import petition_public_view
from xinfang.petitions.services import portal_unit

from .models import CaptchaChallenge

NOT_FOUND = "查询码不存在，请核对后重新输入。"

# The clocks a petitioner meets, in the order of a matter's life. The 异议期 between organs
# (Art 23) is internal routing and means nothing to the petitioner, so it is not shown.
PUBLIC_CLOCKS = ("acceptance_notice", "handling", "review_window", "review_answer", "rereview_window",
                 "rereview_answer")


def petition_by_query_code(*, query_code: str) -> Case:
    """The petition with this query code. Anything wrong — unknown, mistyped, another kind —
    gets the same answer, so the answer tells a guesser nothing."""
    try:
        case = case_get_by_query_code(query_code=query_code or "")
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    if case.kind != "petition":
        raise NotFound(NOT_FOUND)
    return case


def petition_portal_view(*, case: Case) -> dict:
    """petition_public_view (what the API shows too), with the steps the petitioner may take
    now and only the clocks that concern them."""
    view = petition_public_view(case=case)
    # A clock restarted (the matter sent back and routed again) replaces the earlier one:
    # the petitioner needs the one that counts now, the last of each kind.
    latest = {d["key"]: d for d in view["deadlines"] if d["key"] in PUBLIC_CLOCKS}
    view["deadlines"] = sorted(latest.values(), key=lambda d: PUBLIC_CLOCKS.index(d["key"]))
    view["actions"] = {t.action: t for t in case_actions_for(user=None, case=case, actor_kind="public")}
    return view


def captcha_get(*, key: str) -> CaptchaChallenge:
    """An unused challenge, to draw; a used or unknown one is not found."""
    challenge = CaptchaChallenge.objects.filter(key=key, used_at__isnull=True).first()
    if challenge is None:
        raise NotFound("验证码已失效。")
    return challenge


def portal_unit_or_none() -> Unit | None:
    try:
        return portal_unit()
    except NotFound:
        return None


def _area() -> Unit | None:
    unit = portal_unit_or_none()
    return unit.jurisdiction() if unit is not None else None


def portal_place_choices() -> list[tuple[int, str]]:
    """Where a matter happened: the area's streets and communities, indented by depth."""
    area = _area()
    if area is None:
        return []
    units = Unit.objects.filter(path__startswith=area.path, is_active=True,
                                level__in=[UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY])
    return [(u.pk, "\u3000" * (u.depth - area.depth) + u.name) for u in units.order_by("path")]


def portal_accused_choices() -> list[tuple[int, str]]:
    """The organs and units of the area a 检举控告 may name (not the grids)."""
    area = _area()
    if area is None:
        return []
    units = Unit.objects.filter(path__startswith=area.path, is_active=True).exclude(level=UnitLevel.GRID)
    return [(u.pk, "\u3000" * (u.depth - area.depth) + u.name) for u in units.order_by("path")]


def portal_category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The category tree's first two levels, as option groups (the third is for staff)."""
    cats = list(Category.objects.filter(is_active=True, level__lte=2).order_by("level", "name"))
    groups: dict[int, tuple[str, list]] = {c.pk: (c.name, [(c.pk, c.name)]) for c in cats if c.level == 1}
    for c in cats:
        if c.level == 2 and c.parent_id in groups:
            groups[c.parent_id][1].append((c.pk, c.name))
    return [groups[k] for k in groups]


def petition_time_limits() -> list[dict]:
    """The clocks as configured (national rules, or the province's overrides): the guide
    shows what the system will actually count."""
    out = []
    for key in PUBLIC_CLOCKS:
        try:
            rule = deadline_rule_get(key=key)
        except LookupError:
            continue
        out.append({"key": key, "label": rule.label, "days": rule.length_days,
                    "counting": rule.get_counting_display(), "extension": rule.max_extension_days,
                    "source": rule.legal_source, "petitioner": rule.obligation == "petitioner"})
    return out
