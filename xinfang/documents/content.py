"""What each written notice says, composed from the case and the step that made it.

The texts follow 信访工作条例 (2022): the acceptance notice (Art 23), the decline naming the
proper channel (诉访分离, Art 31; a concluded matter, Art 36), the written answer with the
request, facts, decision and legal basis (Art 32) and the way to ask for 复查 (Art 35), the
复查 / 复核 opinions (Arts 35–36), the extension notice with its reason (Art 34).

Everything is read from the event and the rows it points at (its answer, its payload), and
statutory lengths from the configured deadline rules, so regenerating a document later gives
the same text the step produced.
"""
import dataclasses
import datetime as dt

from django.utils import timezone

from xinfang.core.deadlines import deadline_rule_get, due_date_compute
from xinfang.core.models import Case, Event
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Answer, DeclineChannel, Petition, Petitioner

from .models import DocumentKind

# The title printed on each document (GB/T 9704 §7.3.3: 标题 names the matter and the kind).
TITLES = {
    DocumentKind.ACCEPTANCE: "信访事项受理告知书",
    DocumentKind.DECLINE: "信访事项不予受理告知书",
    DocumentKind.ANSWER: "信访事项处理意见书",
    DocumentKind.REVIEW: "信访事项复查意见书",
    DocumentKind.REREVIEW: "信访事项复核意见书",
    DocumentKind.EXTENSION: "信访事项延期办理告知书",
}

# 发文字号's kind part (机关代字 + this + 〔year〕 + n 号).
NUMBER_CODES = {
    DocumentKind.ACCEPTANCE: "受告",
    DocumentKind.DECLINE: "不受告",
    DocumentKind.ANSWER: "信处",
    DocumentKind.REVIEW: "信复查",
    DocumentKind.REREVIEW: "信复核",
    DocumentKind.EXTENSION: "延告",
}

# 诉访分离 (Art 31): where a declined matter belongs, in the words the notice uses.
DECLINE_ROUTES = {
    DeclineChannel.LITIGATION: "该事项属于应当通过诉讼程序解决的事项，请依法向有管辖权的人民法院提起诉讼。",
    DeclineChannel.ARBITRATION: "该事项属于应当通过仲裁程序解决的事项，请依法向有关仲裁机构申请仲裁。",
    DeclineChannel.RECONSIDERATION: "该事项属于应当通过行政复议程序解决的事项，请依法向有关行政复议机关申请行政复议。",
    DeclineChannel.DISCIPLINE: "该事项属于纪检监察机关受理的检举控告事项，请向有管辖权的纪检监察机关反映。",
}

REQUEST_MAX_CHARS = 400  # the petitioner's own words, quoted in the answer, are capped


@dataclasses.dataclass
class DocumentContent:
    """One notice, laid out as GB/T 9704 names its parts."""

    issuer: str            # 发文机关标志 and 发文机关署名
    number: str            # 发文字号
    title: str             # 标题
    addressee: str         # 主送 (the petitioner, by name only)
    paragraphs: list[str]  # 正文
    date: str              # 成文日期, Arabic numerals (GB/T 9704-2012 §7.3.5)
    note: str              # 附注: the matter's number
    red_head: bool


def date_cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def event_date(event: Event) -> dt.date:
    return timezone.localdate(event.at)


def document_number_format(*, unit: Unit, kind: str, year: int, seq: int, abbreviations: dict) -> str:
    """发文字号 (GB/T 9704 §7.2.4): 机关代字〔年份〕序号号, with 〔〕 and no leading zeros."""
    return f"{abbreviations.get(unit.short_code) or unit.name}{NUMBER_CODES[kind]}〔{year}〕{seq}号"


def addressee_names(*, case: Case) -> tuple[str, bool]:
    """主送: the petitioner(s) by name (a collective visit: its representatives); and
    whether there are several (你 / 你们)."""
    people = list(Petitioner.objects.filter(case=case).order_by("order").values_list("name", "is_representative"))
    reps = [name for name, rep in people if rep]
    names = reps or [name for name, _ in people]
    if len(names) > 5:
        return f"{'、'.join(names[:5])}等{len(names)}人", True
    return "、".join(names) or "信访人", len(names) > 1


def _rule_days(key: str) -> int:
    return deadline_rule_get(key=key).length_days


def _due(key: str, start: dt.date) -> dt.date:
    rule = deadline_rule_get(key=key)
    return due_date_compute(start=start, days=rule.length_days, counting=rule.counting)[0]


def _upper_organ(unit: Unit) -> str:
    return unit.parent.name if unit.parent_id else "上一级机关"


def _answer(event: Event) -> Answer:
    return Answer.objects.select_related("unit").get(pk=event.payload["answer_id"], case_id=event.case_id)


def _opening(*, case: Case, you: str) -> str:
    return f"{you}于{date_cn(case.received_date)}反映的“{case.title}”问题"


def _paragraphs_acceptance(*, case: Case, event: Event, unit: Unit, you: str) -> list[str]:
    day = event_date(event)
    days = _rule_days("handling")
    return [
        f"{_opening(case=case, you=you)}，本机关已于{date_cn(day)}依法受理。",
        (f"根据《信访工作条例》第二十三条、第三十四条的规定，本机关将自受理之日起{days}日内办结"
         f"（即{date_cn(_due('handling', day))}前），并书面答复{you}；情况复杂的，经批准可以适当延长办理期限，"
         f"并告知{you}延期理由。"),
        f"办理期间，{you}可以凭登记时取得的查询码，通过网上信访平台查询办理进度。",
        "特此告知。",
    ]


def _paragraphs_decline(*, case: Case, event: Event, unit: Unit, you: str) -> list[str]:
    petition = Petition.objects.get(case=case)
    channel = event.payload.get("channel") or petition.decline_channel
    reason = event.payload.get("reason") or petition.decline_reason
    out = [f"{_opening(case=case, you=you)}，经审查，本机关决定不予受理。理由如下：{reason.rstrip('。')}。"]
    if channel == DeclineChannel.CONCLUDED:
        earlier = event.payload.get("concluded_case_number", "")
        out.append(f"该事项已经复核终结（原事项编号：{earlier}）。根据《信访工作条例》第三十六条的规定，"
                   "信访人对复核意见不服，仍以同一事实和理由提出信访的，不再受理。")
    else:
        out.append(f"根据《信访工作条例》第三十一条的规定，{DECLINE_ROUTES[channel]}")
    out.append("特此告知。")
    return out


def _answer_paragraphs(answer: Answer) -> list[str]:
    out = [f"{answer.facts.rstrip('。')}。"]
    if answer.text.strip():
        out.extend(line.strip() for line in answer.text.splitlines() if line.strip())
    out.append(f"依据{answer.legal_basis.rstrip('。')}，")
    return out


def _paragraphs_answer(*, case: Case, event: Event, unit: Unit, you: str) -> list[str]:
    answer = _answer(event)
    request = case.content.strip()
    if len(request) > REQUEST_MAX_CHARS:
        request = request[:REQUEST_MAX_CHARS] + "……"
    out = [f"{_opening(case=case, you=you)}收悉。{you}的诉求是：{request}"]
    out.extend(_answer_paragraphs(answer))
    out[-1] += f"本机关对{you}的诉求处理意见为：{answer.get_decision_label()}。"
    out.append(f"如对本处理意见不服，{you}可以自收到本意见书之日起{_rule_days('review_window')}日内，"
               f"向{_upper_organ(answer.unit)}提出复查请求（《信访工作条例》第三十五条）。")
    return out


def _paragraphs_review(*, case: Case, event: Event, unit: Unit, you: str) -> list[str]:
    answer = _answer(event)
    out = [f"{you}不服原处理意见，就{_opening(case=case, you='')}提出的复查请求，本机关已依法受理并进行了复查。"]
    out.extend(_answer_paragraphs(answer))
    out[-1] += f"本机关复查意见为：{answer.get_decision_label()}。"
    out.append(f"如对本复查意见不服，{you}可以自收到本意见书之日起{_rule_days('rereview_window')}日内，"
               f"向{_upper_organ(answer.unit)}提出复核请求（《信访工作条例》第三十六条）。")
    return out


def _paragraphs_rereview(*, case: Case, event: Event, unit: Unit, you: str) -> list[str]:
    answer = _answer(event)
    out = [f"{you}不服复查意见，就{_opening(case=case, you='')}提出的复核请求，本机关已依法受理并进行了复核。"]
    out.extend(_answer_paragraphs(answer))
    out[-1] += f"本机关复核意见为：{answer.get_decision_label()}。"
    out.append("本复核意见为该信访事项的最终意见。根据《信访工作条例》第三十六条的规定，"
               f"{you}对复核意见不服，仍以同一事实和理由提出信访的，各级信访工作机构和其他行政机关不再受理。")
    return out


def _paragraphs_extension(*, case: Case, event: Event, unit: Unit, you: str) -> list[str]:
    request = (Event.objects.filter(case=case, action="request_extension", seq__lt=event.seq)
               .order_by("-seq").first())
    reason = (request.payload.get("reason", "") if request else "") or event.payload.get("note", "")
    days = event.payload["days"]
    new_due = dt.date.fromisoformat(event.payload["new_due_date"])
    out = [f"{_opening(case=case, you=you)}，本机关已依法受理并正在办理。"]
    if reason:
        out.append(f"因{reason.rstrip('。')}，该事项不能在规定期限内办结。")
    out.append(f"根据《信访工作条例》第三十四条的规定，经本机关负责人批准，办理期限延长{days}日，"
               f"至{date_cn(new_due)}。本机关将在延长的期限内书面答复{you}。")
    out.append("特此告知。")
    return out


_COMPOSERS = {
    DocumentKind.ACCEPTANCE: _paragraphs_acceptance,
    DocumentKind.DECLINE: _paragraphs_decline,
    DocumentKind.ANSWER: _paragraphs_answer,
    DocumentKind.REVIEW: _paragraphs_review,
    DocumentKind.REREVIEW: _paragraphs_rereview,
    DocumentKind.EXTENSION: _paragraphs_extension,
}


def document_content_compose(*, document, red_head: bool) -> DocumentContent:
    """The full text of a stored Document (its case, event, kind, unit and number)."""
    case, event, unit = document.case, document.event, document.unit
    name, several = addressee_names(case=case)
    you = "你们" if several else "你"
    paragraphs = _COMPOSERS[document.kind](case=case, event=event, unit=unit, you=you)
    return DocumentContent(
        issuer=unit.name, number=document.number, title=document.title, addressee=f"{name}：",
        paragraphs=paragraphs, date=date_cn(event_date(event)), note=f"（事项编号：{case.number}）",
        red_head=red_head)
