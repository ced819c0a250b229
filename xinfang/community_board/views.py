"""The 平安创建 board pages: the board for a period (per community, rolled up per street),
its xlsx, and the list of the cases behind each figure. Views only parse, call a selector,
and render."""
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import NotFound, XinfangError
from xinfang.core.ledger_xlsx import xlsx_response
from xinfang.orgs.models import Unit, UnitLevel

from .export import board_rows, board_xlsx
from .selectors import (
    board_cases_for,
    board_for,
    board_period_choices,
    board_period_parse,
    board_root_for,
)


def _query(request) -> tuple[dict, list[str]]:
    """The period and unit asked for; what does not parse is reported and the default used."""
    get = request.GET
    values = {k: get.get(k, "").strip() for k in ("period", "start", "end", "unit")}
    errors = []
    try:
        period = board_period_parse(period=values["period"], start=values["start"], end=values["end"])
    except XinfangError as exc:
        errors.append(exc.message + "已按本年统计。")
        period = board_period_parse()
        values.update(period="", start="", end="")
    unit = None
    if values["unit"]:
        unit = Unit.objects.filter(pk=int(values["unit"])).first() if values["unit"].isdigit() else None
        try:
            if unit is None:
                raise NotFound()
            board_root_for(user=request.user, unit=unit)
        except NotFound:
            errors.append("单位不存在或不在您可查看的范围内，已显示全部范围。")
            unit, values["unit"] = None, ""
    return {"period": period, "unit": unit, "values": values}, errors


def _units(user) -> list[tuple[str, str]]:
    root = board_root_for(user=user)
    qs = Unit.objects.filter(is_active=True, level__in=[UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY])
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    return [(str(u.pk), "\u3000" * u.depth + u.name) for u in qs.order_by("path")]


@login_required
def board(request):
    query, errors = _query(request)
    try:
        data = board_for(user=request.user, period=query["period"], unit=query["unit"])
    except NotFound:
        raise Http404("您没有所属单位，无法查看。") from None
    params = query["period"].params()
    return render(request, "community_board/board.html", {
        "board": data, "v": query["values"], "errors": errors, "periods": board_period_choices(),
        "units": _units(request.user), "period_query": urlencode(params),
        "nav": "community_board",
    }, status=422 if errors else 200)


@login_required
def board_export(request):
    query, errors = _query(request)
    if errors:
        return HttpResponse("查询条件有误，未导出：" + "；".join(errors), status=422,
                            content_type="text/plain; charset=utf-8")
    user, now = request.user, timezone.localtime(clock.now())
    data = board_for(user=user, period=query["period"], unit=query["unit"])
    content = board_xlsx(board=data, exported_at=now, exported_by=f"{user}（{user.unit or '未设单位'}）")
    audit_record(actor=user, action="community_board.export", object_type="community_board", object_id="",
                 detail={"period": [query["period"].start.isoformat(), query["period"].end.isoformat()],
                         "unit": query["unit"].pk if query["unit"] else None, "rows": len(board_rows(data))})
    return xlsx_response(content, filename=f"平安创建-{query['period'].label}-{now:%Y%m%d}.xlsx")


@login_required
def board_cases(request):
    """The cases behind one figure of one community or street."""
    query, errors = _query(request)
    get = request.GET
    unit = Unit.objects.filter(pk=int(get["unit"])).first() if get.get("unit", "").isdigit() else None
    if unit is None:
        raise Http404("单位不存在。")
    try:
        data = board_cases_for(user=request.user, figure=get.get("figure", ""), period=query["period"], unit=unit,
                               part=get.get("part", "all"))
    except NotFound:
        raise Http404("单位不存在，或不在您可查看的范围内。") from None
    except XinfangError as exc:
        return render(request, "community_board/cases.html", {"error": exc.message, "nav": "community_board"},
                      status=exc.status)
    params = query["period"].params()
    return render(request, "community_board/cases.html", {
        **data, "errors": errors, "nav": "community_board",
        "back_query": urlencode(params),
    }, status=422 if errors else 200)
