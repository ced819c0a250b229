"""Public endpoints (no login): follow a petition with its query code, and rate the answer.
They show what petition_public_view allows and nothing about people or internal notes."""
from django.http import HttpRequest
from ninja import Router

from xinfang.core.errors import NotFound
from xinfang.core.models import Case
from xinfang.core.selectors import case_actions_for, case_get_by_query_code
from xinfang.core.services import case_transition
from xinfang.petitions.schemas import RateIn
from xinfang.petitions.selectors import petition_public_view

from .render import public_track_render
from .schemas import ErrorOut, PublicTrackOut
from .throttle import rating_throttle, track_throttle

router = Router(auth=None, tags=["群众查询"])


def _petition_by_code(query_code: str) -> Case:
    case = case_get_by_query_code(query_code=query_code)
    if case.kind != "petition":
        raise NotFound("查询码不存在，请核对后重新输入。")
    return case


def _track(case: Case) -> dict:
    can_rate = any(t.action == "rate" for t in case_actions_for(user=None, case=case, actor_kind="public"))
    return public_track_render(view=petition_public_view(case=case), can_rate=can_rate)


@router.get("/public/track/{query_code}", response={200: PublicTrackOut, frozenset({404, 429}): ErrorOut},
            throttle=[track_throttle], summary="凭查询码查询办理进度", url_name="public_track")
def public_track(request: HttpRequest, query_code: str):
    return _track(_petition_by_code(query_code))


@router.post("/public/track/{query_code}/rating",
             response={200: PublicTrackOut, frozenset({404, 409, 422, 429}): ErrorOut},
             throttle=[rating_throttle], summary="评价答复", url_name="public_rating")
def public_rating(request: HttpRequest, query_code: str, rating: RateIn):
    """信访人对已送达的答复作出评价（满意 / 基本满意 / 不满意）。每个阶段只能评价一次。"""
    case = _petition_by_code(query_code)
    case_transition(case=case, actor=None, actor_kind="public", action="rate", version=case.version,
                    payload=rating.model_dump(mode="json"))
    return _track(_petition_by_code(query_code))
