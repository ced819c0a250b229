"""责任倒查与问责 pages: the records, the candidate cases, the figures per unit, one record
with its forms, and the case page's section. Only supervisors and leaders get any of them;
everyone else gets 404, as for a page that does not exist."""
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.core import clock
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.selectors import case_get_for

from . import services
from .document import accountability_decision_download
from .export import accountability_counts_download
from .forms import (
    OFFICIAL_ROWS,
    close_from_post,
    decide_from_post,
    period_from_get,
    record_from_post,
    record_typed,
    version_from_post,
)
from .models import GROUND_SHORT, Ground, Measure, Status
from .selectors import (
    WRITER_ROLE,
    accountability_counts_by_unit,
    accountability_list_audit,
    accountability_record_get_for,
    accountability_records_for,
    candidate_case_ids,
    candidates_page,
    case_accountability_for,
    case_in_reach,
    grounds_detected,
    responsible_unit_choices,
    user_may_read,
)

PAGE_SIZE = 30


def readers_only(view):
    """Login, and a supervisor or leader; anyone else — and any NotFound below — is a 404."""
    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_may_read(request.user):
            raise Http404("未找到该页面。")
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404("未找到该记录，或无权查看。") from None
    return wrapped


def _case(request, number: str):
    case = case_get_for(user=request.user, number=number)
    if not case_in_reach(user=request.user, case=case):
        raise NotFound()
    return case


# --- lists and figures ---------------------------------------------------------------------

@readers_only
def record_list(request):
    status = request.GET.get("status", "")
    ground = request.GET.get("ground", "")
    qs = accountability_records_for(user=request.user)
    if status in Status.values:
        qs = qs.filter(status=status)
    records = [r for r in qs if ground not in Ground.values or ground in r.grounds]
    accountability_list_audit(user=request.user, what="list", detail={"status": status, "ground": ground})
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accountability/list.html", {
        "page": page, "statuses": Status.choices, "grounds": [(g.value, GROUND_SHORT[g]) for g in Ground],
        "status": status, "ground": ground, "nav": "accountability", "tab": "records"})


@readers_only
def candidates(request):
    today = clock.today()
    ground = request.GET.get("ground", "")
    ground = ground if ground in (Ground.OVERDUE, Ground.SHIRKING, Ground.OVERTURNED) else ""
    qs = candidate_case_ids(user=request.user, today=today, ground=ground).select_related("owner_unit")
    page = Paginator(qs.order_by("-received_date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    accountability_list_audit(user=request.user, what="candidates", detail={"ground": ground})
    return render(request, "accountability/candidates.html", {
        "page": page, "rows": candidates_page(cases=list(page.object_list), today=today), "ground": ground,
        "grounds": [(g.value, GROUND_SHORT[g]) for g in (Ground.OVERDUE, Ground.SHIRKING, Ground.OVERTURNED)],
        "may_open": request.user.has_role(WRITER_ROLE), "nav": "accountability", "tab": "candidates"})


def _counts(request):
    start, end, errors = period_from_get(request.GET, today=clock.today())
    try:
        counts = accountability_counts_by_unit(user=request.user, start=start, end=end)
    except XinfangError as exc:
        errors.append(exc.message)
        start, end, _ = period_from_get({}, today=clock.today())
        counts = accountability_counts_by_unit(user=request.user, start=start, end=end)
    return counts, errors


@readers_only
def stats(request):
    from xinfang.stats.dashboard import period_presets

    counts, errors = _counts(request)
    accountability_list_audit(user=request.user, what="stats",
                              detail={"start": counts["start"], "end": counts["end"]})
    return render(request, "accountability/stats.html", {
        "c": counts, "errors": errors, "presets": period_presets(today=clock.today()),
        "nav": "accountability", "tab": "stats"})


@readers_only
def stats_export(request):
    counts, errors = _counts(request)
    if errors:
        raise Http404(errors[0])
    accountability_list_audit(user=request.user, what="export", detail={"start": counts["start"], "end": counts["end"]})
    return accountability_counts_download(counts=counts, user=request.user)


# --- one case ------------------------------------------------------------------------------

@readers_only
def case_section(request, number: str):
    case = _case(request, number)
    context = {"case": case, **case_accountability_for(user=request.user, case=case, today=clock.today()),
               "fragment": request.headers.get("HX-Request") == "true"}
    template = "accountability/_case_section.html" if context["fragment"] else "accountability/case.html"
    return render(request, template, context)


def _record_form_context(*, case, typed: dict, error: XinfangError | None) -> dict:
    errors = {}
    if error is not None and error.field:
        errors[error.field.split(".")[0] if not error.field.startswith("officials.") else "officials"] = error.message
    return {"case": case, "v": typed, "units": responsible_unit_choices(case=case),
            "ground_choices": Ground.choices, "error": error, "errors": errors, "official_rows": OFFICIAL_ROWS}


@readers_only
def record_new(request, number: str):
    case = _case(request, number)
    if not request.user.has_role(WRITER_ROLE):
        raise Http404("未找到该页面。")
    found = grounds_detected(case=case, today=clock.today())
    detected = {GROUND_SHORT[g]: facts for g, facts in found.items()}
    if request.method == "POST":
        data = record_from_post(request.POST)
        try:
            record = services.accountability_record_open(actor=request.user, case=case, data=data)
        except NotFound:
            raise
        except XinfangError as exc:
            return render(request, "accountability/record_new.html", {
                **_record_form_context(case=case, typed=record_typed(data), error=exc),
                "detected": detected}, status=exc.status)
        messages.success(request, f"已开立问责记录（第 {record.pk} 号）。")
        return redirect("accountability:record", pk=record.pk)
    held = responsible_unit_choices(case=case)
    # A case only one unit ever held leaves no choice to make.
    typed = record_typed({"grounds": list(found), "unit_ids": [held[0].pk] if len(held) == 1 else []})
    return render(request, "accountability/record_new.html", {
        **_record_form_context(case=case, typed=typed, error=None), "detected": detected})


# --- one record ----------------------------------------------------------------------------

def _record_context(request, record, *, error: XinfangError | None = None, action: str = "",
                    typed: dict | None = None) -> dict:
    officials = list(record.officials.all())
    if typed is None:
        typed = record_typed({"grounds": record.grounds, "other_ground": record.other_ground,
                              "finding": record.finding, "unit_ids": [u.pk for u in record.units.all()],
                              "officials": [{"name": o.name, "post": o.post, "unit_id": o.unit_id or ""}
                                            for o in officials]})
    return {
        "record": record, "officials": officials, "units_named": list(record.units.all()),
        **_record_form_context(case=record.case, typed=typed, error=error if action == "update" else None),
        "action_error": error, "action": action, "measure_choices": Measure.choices,
        "may_write": request.user.has_role(WRITER_ROLE), "today": clock.today(),
        "decide": request.POST if action == "decide" else {}, "nav": "accountability",
    }


@readers_only
def record_detail(request, pk: int):
    record = accountability_record_get_for(user=request.user, record_id=pk)
    return render(request, "accountability/record.html", _record_context(request, record))


ACTIONS = {
    "update": (services.accountability_record_update, record_from_post, "已修改问责记录。"),
    "decide": (services.accountability_record_decide, decide_from_post, "已记录问责决定。"),
    "close": (services.accountability_record_close, close_from_post, "问责记录已结案。"),
}


@readers_only
@require_POST
def record_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("没有该操作。")
    service, parse, done = ACTIONS[action]
    data = parse(request.POST)
    try:
        service(actor=request.user, record_id=pk, version=version_from_post(request.POST), data=data)
    except NotFound:
        raise
    except XinfangError as exc:
        record = accountability_record_get_for(user=request.user, record_id=pk)
        typed = record_typed(data) if action == "update" else None
        return render(request, "accountability/record.html",
                      _record_context(request, record, error=exc, action=action, typed=typed), status=exc.status)
    messages.success(request, done)
    return redirect("accountability:record", pk=pk)


@readers_only
def record_document(request, pk: int, fmt: str):
    if fmt not in ("pdf", "docx"):
        raise Http404("没有该格式。")
    record = accountability_record_get_for(user=request.user, record_id=pk, purpose=f"document_{fmt}")
    if record.status == Status.OPENED:
        raise Http404("尚未作出问责决定，没有决定书。")
    # The PDF opens in the browser; the Word file is downloaded to be edited.
    return accountability_decision_download(record=record, fmt=fmt, inline=fmt == "pdf")
