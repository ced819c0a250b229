"""Search endpoints: full-text search, same-matter candidates, hot topics. Thin: each
parses, calls a selector of xinfang.search, renders."""
import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from xinfang.core.selectors import case_get_for
from xinfang.search.selectors import (
    cases_same_matter,
    cases_same_matter_as,
    cases_search,
)
from xinfang.search.topics import hot_topics_for

from .auth import STAFF_AUTH
from .schemas import ErrorOut

router = Router(auth=STAFF_AUTH, tags=["检索"])
READ_ERRORS = {frozenset({401, 403, 404, 422, 429}): ErrorOut}


class SearchHitOut(Schema):
    number: str
    title: str
    status: str
    owner_unit: str
    received_date: dt.date
    title_html: str = Field(description="标题，已转义 HTML，命中词以 <mark> 标出")
    snippet_html: str = Field(description="命中片段，已转义 HTML，命中词以 <mark> 标出")
    snippet_source: str = Field(description="片段出处：内容 / 答复")


class SearchOut(Schema):
    terms: list[str] = Field(description="分词后的检索词（结果须包含全部）")
    offset: int
    limit: int
    has_next: bool = Field(description="是否还有下一页（不统计总数）")
    items: list[SearchHitOut]


class SameMatterOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    owner_unit: str
    received_date: dt.date
    similarity: float = Field(description="标题与内容的相似度（0–1，字二元组 Jaccard）")
    same_place: bool = Field(description="同一发生地，或文中写明同一地点")
    place_name: str = Field(description="两件文中都写明的地点（小区、道路、村等），无则为空")


class HotTopicOut(Schema):
    words: list[str]
    place: str
    place_kind: str = Field(description="named：文中写明的地名；unit：登记的发生地；空：无")
    place_unit: str
    size: int
    distinct: int
    previous: float
    growth: float | None
    case_numbers: list[str]


@router.get("/search", response={200: SearchOut, **READ_ERRORS}, summary="全文检索", url_name="search")
def search(request: HttpRequest, q: str = Query(..., title="检索词"), limit: int = Query(20, ge=1, le=100),
           offset: int = Query(0, ge=0, le=1000)):
    """检索标题、内容、答复意见（有权查看身份的角色还检索信访人姓名），仅限本人数据范围，按相关程度排列。"""
    page = cases_search(user=request.auth, q=q, limit=limit, offset=offset)
    return {"terms": page.terms, "offset": page.offset, "limit": page.limit, "has_next": page.has_next,
            "items": [{"number": h.case.number, "title": h.case.title, "status": h.case.status,
                       "owner_unit": h.case.owner_unit.name, "received_date": h.case.received_date,
                       "title_html": h.title_html, "snippet_html": h.snippet_html,
                       "snippet_source": h.snippet_label} for h in page.hits]}


def _same_matter_render(candidates) -> list[dict]:
    return [{"number": c.case.number, "title": c.case.title, "status": c.case.status,
             "status_label": c.status_label, "owner_unit": c.case.owner_unit.name,
             "received_date": c.case.received_date, "similarity": round(c.similarity, 3),
             "same_place": c.same_place, "place_name": c.place_name} for c in candidates]


@router.get("/same-matter", response={200: list[SameMatterOut], **READ_ERRORS}, summary="疑似同一事项（登记时）",
            url_name="same_matter")
def same_matter(request: HttpRequest, title: str = "", content: str = "", place_unit_id: int | None = None):
    """与所填标题、内容相近的在办案件（相似度不低于 0.3；文中写明同一地点且 180 天内收到的，不低于 0.15），同一发生地、时间相近者靠前。"""
    return _same_matter_render(cases_same_matter(user=request.auth, title=title, content=content,
                                                 place_unit_id=place_unit_id))


@router.get("/cases/{number}/same-matter", response={200: list[SameMatterOut], **READ_ERRORS},
            summary="疑似同一事项（已登记案件）", url_name="case_same_matter")
def case_same_matter(request: HttpRequest, number: str):
    """与本件相近的其他在办案件，不含本件。"""
    case = case_get_for(user=request.auth, number=number)
    return _same_matter_render(cases_same_matter_as(user=request.auth, case=case))


@router.get("/hot-topics", response={200: list[HotTopicOut], **READ_ERRORS}, summary="热点问题",
            url_name="hot_topics")
def hot_topics(request: HttpRequest, days: int = Query(30, ge=1, le=366), limit: int = Query(10, ge=1, le=50)):
    """近期同一发生地、同一主题集中反映的问题，附件数与较此前各期平均的增幅。"""
    return [{"words": tp.words, "place": tp.place, "place_kind": tp.place_kind, "place_unit": tp.place_unit,
             "distinct": tp.distinct, "size": tp.size, "previous": tp.previous, "growth": tp.growth,
             "case_numbers": [c.number for c in tp.cases]} for tp in hot_topics_for(user=request.auth, days=days,
                                                                                   limit=limit)]
