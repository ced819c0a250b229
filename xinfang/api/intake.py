"""Intake suggestions: category, places and responsible unit for a text being registered,
and routing advice for a registered case."""
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from xinfang.core.selectors import case_get_for
from xinfang.intake.selectors import case_routes_suggest, intake_suggest

from .auth import STAFF_AUTH
from .schemas import ErrorOut

router = Router(auth=STAFF_AUTH)

ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}


class SuggestIn(Schema):
    title: str = Field("", max_length=200, description="标题")
    content: str = Field("", max_length=20000, description="内容")
    category_id: int | None = Field(None, description="已选分类（有则按它匹配交办规则）")
    place_unit_id: int | None = Field(None, description="已选发生地单位（无则用文中识别出的地点）")


class CategoryOut(Schema):
    category_id: int | None = Field(description="对应的分类；模型标签在分类树中不存在时为 null")
    name: str
    confidence: float = Field(description="0–1")


class PlaceOut(Schema):
    name: str = Field(description="文中的地名")
    kind: str = Field(description="省 / 市 / 区（行政区划）或单位层级（街道、社区…）")
    unit_id: int | None = Field(description="对应的单位（如有）")
    unit_name: str


class UnitSuggestionOut(Schema):
    unit_id: int
    name: str
    action: str = Field(description="assign 交办 / transfer 转送")
    reason: str


class SuggestOut(Schema):
    categories: list[CategoryOut]
    places: list[PlaceOut]
    units: list[UnitSuggestionOut]


def _render(suggestion) -> dict:
    return {
        "categories": [{"category_id": c.category_id, "name": c.name, "confidence": c.confidence}
                       for c in suggestion.categories],
        "places": [{"name": p.name, "kind": p.kind, "unit_id": p.unit_id, "unit_name": p.unit_name}
                   for p in suggestion.places],
        "units": [{"unit_id": r.unit_id, "name": r.name, "action": r.action, "reason": r.reason}
                  for r in suggestion.routes],
    }


@router.post("/intake/suggest", response={200: SuggestOut, **ERRORS}, tags=["智能受理"],
             summary="登记建议：分类、地点、责任单位", url_name="intake_suggest")
def intake_suggest_endpoint(request: HttpRequest, body: SuggestIn):
    """按标题和内容给出前 3 个分类及置信度、文中识别出的地点，以及按交办规则（无规则时按属地）
    建议的责任单位和理由。仅供参考，由登记员决定。"""
    return _render(intake_suggest(title=body.title, content=body.content, category_id=body.category_id,
                                  place_unit_id=body.place_unit_id))


@router.get("/cases/{number}/route", response={200: SuggestOut, **ERRORS}, tags=["智能受理"],
            summary="交办/转送建议", url_name="intake_case_route")
def intake_case_route(request: HttpRequest, number: str):
    """本人可见的案件的交办/转送建议（不可见或不存在时 404）。"""
    case = case_get_for(user=request.auth, number=number)
    return _render(case_routes_suggest(case=case))
