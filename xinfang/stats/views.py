"""Statistics pages: the figures of a period and unit, each with its definition and a link
to the cases behind it; charts drawn from the same figures; the report as xlsx."""
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.web.rows import case_row, cases_with_row_data

from .assessment import units_score
from .indicators import INDICATORS, KIND, KINDS, VOLUME_DIMENSIONS, indicators_compute, volume_by, volume_trend
from .report import scope_describe, stats_report_xlsx
from .models import AssessmentScheme
from .selectors import assessment_units_for, indicator_cases_for, stats_area_for, stats_scope_for, stats_units_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 30
# Breakdowns drawn as bars (the others are short: a table says it all).
CHARTED = ("category", "handling_unit", "place")


def _date(request, name: str, label: str, errors: list[str]) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}「{raw}」不是有效日期（格式：2026-01-31）。")
        return None


def _scope(request):
    """The scope of the request, or the default (this year, the user's area) with the
    errors that made us fall back to it."""
    errors: list[str] = []
    start, end = _date(request, "start", "开始日期", errors), _date(request, "end", "结束日期", errors)
    unit_raw = request.GET.get("unit", "").strip()
    unit_id = None
    if unit_raw:
        if unit_raw.isdigit():
            unit_id = int(unit_raw)
        else:
            errors.append("单位参数无效。")
    kind = request.GET.get("kind", "").strip() or KIND
    if kind not in KINDS:
        errors.append(f"统计类别「{kind}」无效，已显示信访统计。")
        kind = KIND
    try:
        scope = stats_scope_for(user=request.user, start=start, end=end, unit_id=unit_id, today=clock.today(),
                                kind=kind)
    except ValidationFailed as exc:
        errors.append(exc.message)
        scope = stats_scope_for(user=request.user, start=None, end=None, unit_id=None, today=clock.today(),
                                kind=kind)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return scope, errors


def _query(scope) -> dict:
    q = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}
    if scope.unit is not None:
        q["unit"] = scope.unit.pk
    if scope.kind != KIND:
        q["kind"] = scope.kind
    return q


@login_required
def stats_index(request):
    scope, errors = _scope(request)
    query = _query(scope)
    figures = indicators_compute(scope=scope)
    for f in figures:
        drills = INDICATORS[f.key].cases is not None
        f.href_numerator = "cases/?" + urlencode({**query, "indicator": f.key, "part": "numerator"}) if drills else ""
        f.href_denominator = "cases/?" + urlencode({**query, "indicator": f.key, "part": "denominator"}) if drills else ""
    # The volume breakdowns and the trend are petition figures.
    petition = scope.kind == KIND
    breakdowns = [{"key": d, "label": label, "rows": volume_by(scope=scope, dimension=d), "chart": d in CHARTED}
                  for d, (label, _) in VOLUME_DIMENSIONS.items()] if petition else []
    trend = volume_trend(scope=scope) if petition else []
    units = stats_units_for(user=request.user)
    top = min((u.depth for u in units), default=0)
    for u in units:
        u.indent = "\u3000" * (u.depth - top)
    chart = {"trend": trend, "breakdowns": {b["key"]: {"label": b["label"], "rows": b["rows"][:15]}
                                            for b in breakdowns if b["chart"]}}
    return render(request, "stats/index.html", {
        "nav": "stats", "scope": scope, "described": scope_describe(scope), "errors": errors,
        "figures": figures, "breakdowns": breakdowns, "trend": trend, "chart": chart, "petition": petition,
        "kinds": KINDS.items(), "kind_label": KINDS[scope.kind],
        "units": units, "may_see_all": stats_area_for(user=request.user) is None, "querystring": urlencode(query),
    })


@login_required
def stats_cases(request):
    """The cases behind one figure (its numerator or denominator), as far as the user may
    open them."""
    scope, errors = _scope(request)
    key, part = request.GET.get("indicator", ""), request.GET.get("part", "numerator")
    if key not in INDICATORS or part not in ("numerator", "denominator") or INDICATORS[key].cases is None:
        raise Http404("没有该指标。")
    cases = indicator_cases_for(user=request.user, key=key, scope=scope, part=part)
    page = Paginator(cases_with_row_data(cases.order_by("-received_date", "-id")), PAGE_SIZE).get_page(
        request.GET.get("page"))
    today = clock.today()
    query = {**_query(scope), "indicator": key, "part": part}
    return render(request, "stats/cases.html", {
        "nav": "stats", "indicator": INDICATORS[key], "part_label": "分子" if part == "numerator" else "分母",
        "described": scope_describe(scope), "errors": errors, "page": page,
        "rows": [case_row(request.user, c, today) for c in page.object_list],
        "querystring": urlencode(query), "back": "../?" + urlencode(_query(scope)),
    })


@login_required
def stats_report(request):
    scope, _ = _scope(request)
    now = clock.now()
    data = stats_report_xlsx(scope=scope, generated_at=now)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    name = f"{KINDS[scope.kind]}统计_{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{urlencode({'': name})[1:]}"
    return response


@login_required
def stats_assessment(request):
    """Units of the user's area ranked by a scheme's weighted indicators, with the figures
    behind every score."""
    scope, errors = _scope(request)
    schemes = list(AssessmentScheme.objects.filter(is_active=True))
    chosen = request.GET.get("scheme", "")
    scheme = next((s for s in schemes if str(s.pk) == chosen), schemes[0] if schemes else None)
    # Ranked: the units under the chosen unit, or else under the reader's own government.
    home = request.user.unit.jurisdiction() if request.user.unit else None
    units = assessment_units_for(user=request.user, area=scope.unit or home)
    weights = list(scheme.weights.order_by("-weight", "indicator")) if scheme else []
    for w in weights:
        w.label = INDICATORS[w.indicator].label if w.indicator in INDICATORS else w.indicator
    try:
        scores = units_score(scheme=scheme, units=units, start=scope.start, end=scope.end) if scheme else []
    except ValidationFailed as exc:
        errors.append(exc.message)
        scores = []
    return render(request, "stats/assessment.html", {
        "nav": "stats", "scope": scope, "described": scope_describe(scope), "errors": errors, "schemes": schemes,
        "scheme": scheme, "scores": scores, "weights": weights,
        "units": stats_units_for(user=request.user), "may_see_all": stats_area_for(user=request.user) is None,
    })
