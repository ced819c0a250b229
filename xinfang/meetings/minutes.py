"""What a meeting's minutes (会议纪要) say, composed from the meeting and its agenda and laid
out as the notices are (documents.content.DocumentContent → documents.render): the convening
unit as 发文机关, 第 N 期 as the number, the title naming the topic, an opening paragraph (when,
where, who chaired, which units attended), one paragraph per agenda case (its decision, the
unit that follows it up and by when), and the attending units. Cases are named by number and
title only: no petitioner appears in the minutes."""
from xinfang.documents.content import DocumentContent, date_cn
from xinfang.documents.services import document_red_head

from .models import Meeting

CN_NUMBERS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    """一、二 … 十、十一 … 九十九 (the 公文 numbering of first-level items)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CN_NUMBERS[tens - 1]}十{CN_NUMBERS[ones - 1] if ones else ''}"


def minutes_content(*, meeting: Meeting) -> DocumentContent:
    kind = meeting.get_kind_display()
    items = list(meeting.agenda.select_related("case", "followup_unit", "followup_handler").order_by("position", "id"))
    attending = [u.name for u in meeting.attending_units.order_by("path")]
    paragraphs = [(
        f"{date_cn(meeting.date)}，{meeting.convening_unit.name}在{meeting.place}召开{kind}，由{meeting.chair_name}主持，"
        f"{'、'.join(attending)}参加。会议围绕{meeting.topic}，逐件研究了{len(items)}件事项的化解办理工作。"
        "现将会议议定事项纪要如下：")]
    for n, item in enumerate(items, start=1):
        head = f"{_ordinal(n)}、关于{item.case.number}“{item.case.title}”。"
        if item.decided_at is None:
            paragraphs.append(head + "会议未形成决定，留待下次会议研究。")
            continue
        who = item.followup_unit.name + (f"（承办人：{item.followup_handler}）" if item.followup_handler_id else "")
        paragraphs.append(f"{head}{item.decision.rstrip('。')}。由{who}负责落实，"
                          f"于{date_cn(item.followup_due)}前办结并将结果报{meeting.convening_unit.name}。")
    paragraphs.append(f"出席单位：{'、'.join(attending)}。")
    return DocumentContent(
        issuer=meeting.convening_unit.name, number=f"{meeting.year}年第{meeting.seq}期",
        title=f"{meeting.topic}{kind}纪要", addressee="", paragraphs=paragraphs, date=date_cn(meeting.date),
        note=f"（此件发至参会单位。共{len(items)}个议题。）", red_head=document_red_head())
