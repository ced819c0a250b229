"""Staff endpoints: register a petition, list and read cases, take workflow actions."""
from django.db.models import F
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from xinfang.core.errors import ValidationFailed
from xinfang.core.selectors import case_get_for, cases_filter, cases_visible_to
from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit
from xinfang.petitions.schemas import PetitionIn
from xinfang.petitions.services import petition_register

from .auth import STAFF_AUTH
from .render import case_detail_render, case_summary_render, case_timeline_render
from .schemas import CaseDetailOut, CaseListOut, CaseListQuery, ErrorOut, TimelineOut, TransitionIn

router = Router(auth=STAFF_AUTH)

READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({401, 403, 404, 409, 422, 429}): ErrorOut}

_ORDERINGS = {
    "-received_date": (F("received_date").desc(), F("id").desc()),
    "received_date": (F("received_date").asc(), F("id").asc()),
    "next_due_date": (F("next_due_date").asc(nulls_last=True), F("id").asc()),
    "-updated_at": (F("updated_at").desc(), F("id").desc()),
}


@router.post("/petitions", response={201: CaseDetailOut, **WRITE_ERRORS}, tags=["信访登记"],
             summary="登记信访事项", url_name="petition_register")
def petition_register_endpoint(request: HttpRequest, petition: PetitionIn):
    """登记一件信访事项（任何渠道）。返回事项详情，含编号、查询码、版本号与期限。"""
    case = petition_register(actor=request.auth, data=petition)
    return Status(201, case_detail_render(user=request.auth, case=case_get_for(user=request.auth, number=case.number)))


@router.get("/cases", response={200: CaseListOut, **READ_ERRORS}, tags=["案件"], summary="案件列表",
            url_name="case_list")
def case_list(request: HttpRequest, filters: Query[CaseListQuery]):
    """本人数据范围内的案件。列表中不含信访人身份信息，只有一行摘要。"""
    unit = None
    if filters.unit is not None:
        unit = Unit.objects.filter(pk=filters.unit).first()
        if unit is None:
            raise ValidationFailed("单位不存在。", field="unit")
    qs = cases_filter(cases_visible_to(user=request.auth), kind=filters.kind, status=filters.status, unit=unit,
                      deadline_state=filters.deadline_state, received_from=filters.received_from,
                      received_to=filters.received_to, is_open=filters.is_open)
    page = (qs.select_related("owner_unit", "category", "accused_unit").prefetch_related("petitioners")
            .order_by(*_ORDERINGS[filters.order])[filters.offset:filters.offset + filters.limit])
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [case_summary_render(user=request.auth, case=c) for c in page]}


@router.get("/cases/{number}", response={200: CaseDetailOut, **READ_ERRORS}, tags=["案件"],
            summary="案件详情", url_name="case_detail")
def case_detail(request: HttpRequest, number: str, unmask: bool = Query(False, title="显示完整个人信息")):
    """案件、信访事项、信访人（默认脱敏；unmask=true 时有权限的角色可见完整信息，并记入审计）、
    期限、答复，以及当前用户此刻可执行的操作（actions）。"""
    case = case_get_for(user=request.auth, number=number)
    return case_detail_render(user=request.auth, case=case, unmask=unmask)


@router.post("/cases/{number}/transitions", response={200: CaseDetailOut, **WRITE_ERRORS}, tags=["案件"],
             summary="执行操作", url_name="case_transition")
def case_transition_endpoint(request: HttpRequest, number: str, transition: TransitionIn):
    """执行一个流程操作。`version` 须为读取时的版本号；案件已被他人修改时返回 409，不作任何改动。"""
    case = case_get_for(user=request.auth, number=number)
    case_transition(case=case, actor=request.auth, action=transition.action, version=transition.version,
                    payload=transition.payload)
    return case_detail_render(user=request.auth, case=case_get_for(user=request.auth, number=number))


@router.get("/cases/{number}/timeline", response={200: TimelineOut, **READ_ERRORS}, tags=["案件"],
            summary="案件时间线", url_name="case_timeline")
def case_timeline_endpoint(request: HttpRequest, number: str):
    case = case_get_for(user=request.auth, number=number)
    return case_timeline_render(case=case)
