"""问责决定书: the decision of a record, generated on demand as .docx or PDF in the official
document layout (xinfang/documents/render.py), from the record as decided. It names the
responsible units and officials and the matter by its number and title — never the
petitioner (the addressees are the responsible units)."""
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from xinfang.documents.content import DocumentContent, date_cn

from .models import AccountabilityRecord, Ground, Status

# The failing each ground is, in the words of the decision.
GROUND_WORDS = {
    Ground.OVERDUE: "未在规定期限内受理、办理或答复",
    Ground.SHIRKING: "推诿扯皮、反复退回或移交",
    Ground.OVERTURNED: "作出的处理意见经复查、复核被撤销或变更",
}


def accountability_decision_content(*, record: AccountabilityRecord) -> DocumentContent:
    """The decision's text, read only from the record (regenerating it gives the same text)."""
    if record.status == Status.OPENED:
        raise ValueError("a record without a decision has no decision document")
    case = record.case
    units = [u.name for u in record.units.all()]
    failings = [GROUND_WORDS[g] for g in record.grounds if g in GROUND_WORDS]
    if Ground.OTHER in record.grounds and record.other_ground:
        failings.append(record.other_ground)
    paragraphs = [
        f"经倒查，{'、'.join(units)}在办理{case.number}“{case.title}”事项过程中，存在{'；'.join(failings)}的问题。",
        f"查明的事实：{record.finding}",
    ]
    officials = list(record.officials.select_related("unit"))
    if officials:
        paragraphs.append("责任人：" + "；".join(
            f"{o.unit.name if o.unit else ''}{o.post}{o.name}" for o in officials) + "。")
    decided = "、".join(record.measure_labels)
    paragraphs.append(f"根据《信访工作条例》第四十五条、第四十六条和《信访工作责任制实施办法》等有关规定，经研究，"
                      f"决定予以{decided}。{record.measure_note}".rstrip())
    paragraphs.append(f"请有关单位认真吸取教训，举一反三，切实整改，并将整改落实情况报{record.opening_unit.name}。")
    return DocumentContent(
        issuer=record.decision_organ, number=record.decision_number,
        title=f"关于{case.number}事项办理中失职失责问题的问责决定", addressee="、".join(units) + "：",
        paragraphs=paragraphs, date=date_cn(record.decided_on), note=f"（事项编号：{case.number}）", red_head=True)


def accountability_decision_download(*, record: AccountabilityRecord, fmt: str, inline: bool = False) -> HttpResponse:
    """问责决定书 as .docx or PDF (fmt must be one of documents.render.TYPE_BY_FORMAT)."""
    from xinfang.documents.render import TYPE_BY_FORMAT, docx_render, pdf_render

    content = accountability_decision_content(record=record)
    response = HttpResponse(docx_render(content) if fmt == "docx" else pdf_render(content),
                            content_type=TYPE_BY_FORMAT[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=f"问责决定书-{record.case.number}-{record.pk}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
