"""Statistics pages: the figures of a period and unit, each with its definition and a link
to the cases behind it; charts drawn from the same figures; the report as xlsx and PDF; the
leader's dashboard. Views parse the filters, call the indicators and selectors, render."""
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from xinfang.core import clock
from xinfang.core.errors import NotFound, ValidationFailed
from xinfang.core.ledger_xlsx import XLSX_TYPE
from xinfang.web.rows import case_row, cases_with_row_data

from .assessment import units_score
from .dashboard import (
    HOT_DEFINITION,
    HOT_LIMIT,
    RISING_DEFINITION,
    SLICE_DIMENSIONS,
    SLICEABLE,
    dashboard_figures,
    hot_topic_cases_for,
    hot_topics_in,
    hot_window,
    open_deadlines_for,
    period_presets,
    rising_by,
    volume_slice,
)
from .indicators import (
    INDICATORS,
    KIND,
    KINDS,
    VOLUME_DIMENSIONS,
    Scope,
    indicators_compute,
    volume_by,
    volume_trend,
)
from .models import AssessmentScheme
from .report import report_period_parse, scope_describe, stats_report_xlsx
from .report_pdf import report_made_by, stats_report_pdf
from .selectors import (
    assessment_units_for,
    indicator_cases_for,
    stats_area_for,
    stats_scope_for,
    stats_units_for,
)

PDF_TYPE = "application/pdf"
PAGE_SIZE = 30
# Breakdowns drawn as bars (the others are short: a table says it all).
CHARTED = ("category", "handling_unit", "place")
DASHBOARD_BARS = 10
DASHBOARD_HOT = 5
HOT_KEY_MAX = 200


def _date(request, name: str, label: str, errors: list[str]) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}「{raw[:20]}」不是有效日期（格式：2026-01-31）。")
        return None


def _scope(request):
    """The scope of the request, or the default (this year, the user's area) with the
    errors that made us fall back to it. `period` (2026, 2026-Q3, 2026-10) stands for its
    first and last day."""
    errors: list[str] = []
    today = clock.today()
    start, end = _date(request, "start", "开始日期", errors), _date(request, "end", "结束日期", errors)
    period = request.GET.get("period", "").strip()
    if period:
        try:
            start, end = report_period_parse(period, today=today)
        except ValidationFailed as exc:
            errors.append(exc.message)
    unit_raw = request.GET.get("unit", "").strip()
    unit_id = None
    if unit_raw:
        if unit_raw.isdigit():
            unit_id = int(unit_raw)
        else:
            errors.append("单位参数无效。")
    kind = request.GET.get("kind", "").strip() or KIND
    if kind not in KINDS:
        errors.append(f"统计类别「{kind[:20]}」无效，已显示信访统计。")
        kind = KIND
    try:
        scope = stats_scope_for(user=request.user, start=start, end=end, unit_id=unit_id, today=today, kind=kind)
    except ValidationFailed as exc:
        errors.append(exc.message)
        scope = stats_scope_for(user=request.user, start=None, end=None, unit_id=None, today=today, kind=kind)
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


def _cases_url(base: str, query: dict, **more) -> str:
    return base + "?" + urlencode({**query, **more})


def _link_figures(figures, query: dict, base: str) -> None:
    """Each figure's numerator and denominator link to their cases (when it counts cases).
    `base`: the drill-down's address as the page links it ("cases/" on the statistics page)."""
    for f in figures:
        drills = INDICATORS[f.key].cases is not None
        f.href_numerator = _cases_url(base, query, indicator=f.key, part="numerator") if drills else ""
        f.href_denominator = _cases_url(base, query, indicator=f.key, part="denominator") if drills else ""


def _link_rows(rows: list[dict], query: dict, dimension: str, base: str) -> list[dict]:
    """Each row of a volume breakdown links to its cases (the received petitions of that row)."""
    for r in rows:
        r["href"] = _cases_url(base, query, indicator="volume_batches", part="numerator", by=dimension,
                               value="" if r["value"] is None else r["value"])
    return rows


def _units_for_select(user):
    units = stats_units_for(user=user)
    top = min((u.depth for u in units), default=0)
    for u in units:
        u.indent = "\u3000" * (u.depth - top)
    return units


def _presets(scope, today: dt.date) -> list[dict]:
    keep = {"unit": scope.unit.pk} if scope.unit is not None else {}
    if scope.kind != KIND:
        keep["kind"] = scope.kind
    return [{"label": label, "query": urlencode({"start": start.isoformat(), "end": end.isoformat(), **keep}),
             "current": (start, end) == (scope.start, scope.end)}
            for label, start, end in period_presets(today=today)]


def _hot_topics(user, scope, *, limit: int) -> tuple:
    """The hot window and its topics, each linking to its cases."""
    window = hot_window(scope)
    topics = hot_topics_in(user=user, scope=scope, limit=limit)
    for t in topics:
        t.href = _cases_url(reverse("stats:hot_cases"), _query(window), key=t.key, label=t.label, place=t.place)
    return window, topics


def _hot_section(user, scope) -> dict:
    """热点: the search app's subject × place topics, and the categories and places whose
    volume rises against their own history, each row linking to its cases."""
    window, topics = _hot_topics(user, scope, limit=HOT_LIMIT)
    wq, base = _query(window), reverse("stats:cases")
    return {"window": window, "topics": topics, "definition": HOT_DEFINITION, "rising_definition": RISING_DEFINITION,
            "categories": _link_rows(rising_by(scope=scope, dimension="category"), wq, "category", base),
            "places": _link_rows(rising_by(scope=scope, dimension="place"), wq, "place", base)}


@login_required
def stats_index(request):
    scope, errors = _scope(request)
    query = _query(scope)
    figures = indicators_compute(scope=scope)
    _link_figures(figures, query, "cases/")
    # The volume breakdowns, the trend and the hot topics are petition figures.
    petition = scope.kind == KIND
    breakdowns = [{"key": d, "label": label, "rows": _link_rows(volume_by(scope=scope, dimension=d), query, d,
                                                                 "cases/"),
                   "chart": d in CHARTED}
                  for d, (label, _) in VOLUME_DIMENSIONS.items()] if petition else []
    trend = volume_trend(scope=scope) if petition else []
    chart = {"trend": trend, "breakdowns": {b["key"]: {"label": b["label"], "rows": b["rows"][:15]}
                                            for b in breakdowns if b["chart"]}}
    return render(request, "stats/index.html", {
        "nav": "stats", "scope": scope, "described": scope_describe(scope), "errors": errors,
        "figures": figures, "breakdowns": breakdowns, "trend": trend, "chart": chart, "petition": petition,
        "kinds": KINDS.items(), "kind_label": KINDS[scope.kind], "presets": _presets(scope, clock.today()),
        "hot": _hot_section(request.user, scope) if petition else None,
        "units": _units_for_select(request.user), "may_see_all": stats_area_for(user=request.user) is None,
        "querystring": urlencode(query),
    })


def _cases_page(request, *, cases, scope, errors, heading: str, sub: str, definition: str, query: dict):
    page = Paginator(cases_with_row_data(cases.order_by("-received_date", "-id")), PAGE_SIZE).get_page(
        request.GET.get("page"))
    today = clock.today()
    return render(request, "stats/cases.html", {
        "nav": "stats", "heading": heading, "sub": sub, "definition": definition, "described": scope_describe(scope),
        "errors": errors,
        "page": page, "rows": [case_row(request.user, c, today) for c in page.object_list],
        "querystring": urlencode(query), "back": reverse("stats:index") + "?" + urlencode(_query(scope)),
    })


@login_required
def stats_cases(request):
    """The cases behind one figure (its numerator or denominator) — or behind one row of a
    volume breakdown (`by`, `value`) — as far as the user may open them."""
    scope, errors = _scope(request)
    key, part = request.GET.get("indicator", ""), request.GET.get("part", "numerator")
    if key not in INDICATORS or part not in ("numerator", "denominator") or INDICATORS[key].cases is None:
        raise Http404("没有该指标。")
    indicator = INDICATORS[key]
    cases = indicator_cases_for(user=request.user, key=key, scope=scope, part=part)
    query = {**_query(scope), "indicator": key, "part": part}
    heading, sub = indicator.label, ("分子" if part == "numerator" else "分母")
    if "by" in request.GET:
        dimension, value = request.GET.get("by", ""), request.GET.get("value", "").strip()
        if key not in SLICEABLE or dimension not in SLICE_DIMENSIONS or len(value) > 100:
            raise Http404("没有该分组。")
        try:
            cases = volume_slice(cases, dimension=dimension, value=value)
        except NotFound as exc:
            raise Http404(exc.message) from None
        label = VOLUME_DIMENSIONS[dimension][0]
        # The row's own label (来信, not letter), as the breakdown printed it.
        row = next((r for r in volume_by(scope=scope, dimension=dimension) if str(r["value"] or "") == value), None)
        sub = f"按{label}：{row['label'] if row else (value or '（未填）')}"
        if dimension == "category":
            sub += "（含下级分类）"
        query.update(by=dimension, value=value)
    return _cases_page(request, cases=cases, scope=scope, errors=errors, heading=heading, sub=sub,
                       definition=indicator.definition, query=query)


@login_required
def stats_hot_cases(request):
    """The cases of one hot topic (its key: place and subject word) in its window."""
    scope, errors = _scope(request)
    key = request.GET.get("key", "").strip()
    label, place = request.GET.get("label", "").strip(), request.GET.get("place", "").strip()
    if not key or len(key) > HOT_KEY_MAX or len(label) > HOT_KEY_MAX or len(place) > 100:
        raise Http404("没有该热点问题。")
    cases = hot_topic_cases_for(user=request.user, key=key, window=scope)
    if scope.unit is not None:
        cases = cases.filter(place_unit__path__startswith=scope.unit.path)
    return _cases_page(request, cases=cases, scope=scope, errors=errors, heading=f"热点问题：{label or key}",
                       sub=f"发生地：{place or '（未填）'}", definition=HOT_DEFINITION,
                       query={**_query(scope), "key": key, "label": label, "place": place})


def _download(request, *, render_file, extension: str, content_type: str):
    """A report file of the request's scope; bad filters answer 400 with what was wrong
    (never a report of another scope than the one asked for)."""
    scope, errors = _scope(request)
    if errors:
        return render(request, "stats/report_error.html", {"nav": "stats", "errors": errors}, status=400)
    data = render_file(scope=scope, generated_at=clock.now(), user=request.user)
    response = HttpResponse(data, content_type=content_type)
    name = f"{KINDS[scope.kind]}统计_{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{extension}"
    disposition = "inline" if extension == "pdf" and request.GET.get("download") != "1" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{urlencode({'': name})[1:]}"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def stats_report(request):
    return _download(request, extension="xlsx", content_type=XLSX_TYPE,
                     render_file=lambda scope, generated_at, user: stats_report_xlsx(scope=scope,
                                                                                     generated_at=generated_at))


@login_required
def stats_report_pdf_view(request):
    return _download(request, extension="pdf", content_type=PDF_TYPE,
                     render_file=lambda scope, generated_at, user: stats_report_pdf(
                         scope=scope, generated_at=generated_at, made_by=report_made_by(user)))


@login_required
def stats_dashboard(request):
    """领导驾驶舱: the year's figures of a leader's area on one screen, each linking to its
    cases; the open matters due soon and overdue now; hot topics; the months and the bars."""
    scope, errors = _scope(request)
    query = _query(scope)
    groups = dashboard_figures(scope=scope)
    base = reverse("stats:cases")
    for _, figures in groups:
        _link_figures(figures, query, base)
    deadlines = open_deadlines_for(user=request.user, unit=scope.unit)
    unit_q = {"unit": scope.unit.pk} if scope.unit is not None else {}
    cases_list = reverse("web:cases")
    deadline_links = [
        {"key": "open", "label": "在办", "num": deadlines["open"], "url": f"{cases_list}?{urlencode({'open': 1, **unit_q})}"},
        {"key": "due_soon", "label": "临期", "num": deadlines["due_soon"],
         "url": f"{cases_list}?{urlencode({'deadline': 'due_soon', **unit_q})}"},
        {"key": "overdue", "label": "超期", "num": deadlines["overdue"],
         "url": f"{cases_list}?{urlencode({'deadline': 'overdue', **unit_q})}"},
    ]
    # The months: this year to the period's end, beside last year's.
    trend = volume_trend(scope=Scope(start=scope.end.replace(month=1, day=1), end=scope.end, unit=scope.unit))
    bars = [{"key": d, "label": VOLUME_DIMENSIONS[d][0],
             "rows": _link_rows(volume_by(scope=scope, dimension=d)[:DASHBOARD_BARS], query, d, base)}
            for d in ("handling_unit", "category")]
    window, hot = _hot_topics(request.user, scope, limit=DASHBOARD_HOT)
    chart = {"trend": trend, "trend_names": [f"{scope.end.year}年", f"{scope.end.year - 1}年"],
             "breakdowns": {b["key"]: {"label": b["label"], "rows": b["rows"]} for b in bars}}
    return render(request, "stats/dashboard.html", {
        "nav": "stats", "scope": scope, "described": scope_describe(scope), "errors": errors, "groups": groups,
        "deadlines": deadline_links, "trend": trend, "year": scope.end.year, "bars": bars, "hot": hot,
        "hot_window": window,
        "chart": chart, "presets": _presets(scope, clock.today()), "units": _units_for_select(request.user),
        "may_see_all": stats_area_for(user=request.user) is None, "querystring": urlencode(query),
    })


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
