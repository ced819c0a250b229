"""Each step the petition table marks with a document produces it, in the same transaction,
numbered per unit, kind and year without gaps; the files open and say what the law wants
said (信访工作条例 Arts 23, 31, 32, 34–36)."""
import pytest

from xinfang.core import clock, hooks
from xinfang.core.errors import XinfangError
from xinfang.core.models import Event
from xinfang.documents.content import TITLES
from xinfang.documents.models import Document, DocumentKind
from xinfang.documents.services import KIND_BY_LABEL
from xinfang.petitions.tests.builders import BASE_DAY, act, build, register
from xinfang.petitions.workflow import PETITION_WORKFLOW

from .helpers import docx_of, file_of, needs_pdftotext, pdf_text

# state reached -> (document kind, issuing unit's name, sentences it must contain)
CASES = {
    "accepted": (DocumentKind.ACCEPTANCE, "甲街道",
                 ["已于2026年3月2日依法受理", "自受理之日起60日内办结", "即2026年5月6日前", "第二十三条、第三十四条"]),
    "declined": (DocumentKind.DECLINE, "示范区信访局",
                 ["本机关决定不予受理", "属于民事纠纷，应通过诉讼解决", "向有管辖权的人民法院提起诉讼", "第三十一条"]),
    "answered": (DocumentKind.ANSWER, "甲街道",
                 ["你的诉求是：某小区路灯长期损坏", "经调查，反映情况属实，已督促整改。",
                  "依据《城市道路照明管理规定》第十条", "处理意见为：支持", "自收到本意见书之日起30日内，向示范区提出复查请求",
                  "第三十五条"]),
    "reviewed": (DocumentKind.REVIEW, "示范区",
                 ["提出的复查请求", "复查意见为：维持原处理意见", "原处理意见认定事实清楚", "30日内，向示范市提出复核请求",
                  "第三十六条"]),
    "concluded": (DocumentKind.REREVIEW, "示范市",
                  ["提出的复核请求", "复核意见为：维持原处理意见", "以同一事实和理由提出信访的", "不再受理"]),
}


def _build(tree, state, **kw):
    with clock.frozen(BASE_DAY):
        return build(tree, state, petitioners=[dict(name="王小明", phone="13900001111")], **kw)


def test_every_document_the_table_names_has_a_template():
    named = {t.document for t in PETITION_WORKFLOW.transitions.values() if t.document}
    assert named == {k.label for k in DocumentKind}
    assert set(KIND_BY_LABEL.values()) == set(DocumentKind)


@pytest.mark.parametrize("state", list(CASES))
def test_the_step_makes_its_document_and_the_word_file_says_it(tree, state):
    kind, issuer, sentences = CASES[state]
    case = _build(tree, state)
    document = Document.objects.get(case=case, kind=kind)
    step = Event.objects.get(pk=document.event_id)
    assert step.action == next(t.action for t in PETITION_WORKFLOW.transitions.values() if t.document == kind.label)
    assert document.unit.name == issuer and document.title == TITLES[kind]
    assert document.number.endswith("〔2026〕1号") and document.number.startswith(issuer)
    assert document.generated_by == step.actor
    assert not document.docx and not document.pdf   # files wait for their first download
    text = docx_of(document)
    for must in ["王小明：", document.number, TITLES[kind], issuer, "2026年3月2日", f"（事项编号：{case.number}）",
                 *sentences]:
        assert must in text, must


@needs_pdftotext
@pytest.mark.parametrize("state", list(CASES))
def test_the_pdf_opens_and_says_the_same(tree, state):
    kind, issuer, sentences = CASES[state]
    case = _build(tree, state)
    pdf = file_of(Document.objects.get(case=case, kind=kind), "pdf")
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for must in ["王小明：", Document.objects.get(case=case, kind=kind).number, issuer, *sentences]:
        assert "".join(must.split()) in text, must


def test_extension_notice_gives_the_reason_and_the_new_date(tree):
    case = _build(tree, "extension_requested")
    with clock.frozen(BASE_DAY):
        act(case, tree.reviewer_a, "approve_extension", days=15)
    document = Document.objects.get(case=case, kind=DocumentKind.EXTENSION)
    text = docx_of(document)
    for must in ["因需要补充调查取证，该事项不能在规定期限内办结", "办理期限延长15日", "至2026年5月18日", "第三十四条"]:
        assert must in text, must
    assert Document.objects.filter(case=case).count() == 2          # 受理告知书 + 延期告知书


def test_decline_as_concluded_names_the_earlier_matter(tree):
    earlier = _build(tree, "concluded")
    with clock.frozen(BASE_DAY):
        case = register(tree)
        act(case, tree.registrar, "decline", channel="concluded", reason="同一事项已复核终结",
            concluded_case_number=earlier.number)
    text = docx_of(Document.objects.get(case=case))
    assert f"原事项编号：{earlier.number}" in text and "第三十六条" in text and "不再受理" in text


def test_steps_without_a_document_make_none(tree):
    case = _build(tree, "answer_pending")   # registered, assigned, accepted, answer submitted
    assert list(Document.objects.filter(case=case).values_list("kind", flat=True)) == [DocumentKind.ACCEPTANCE]


def test_numbers_run_per_unit_kind_and_year(tree):
    with clock.frozen(BASE_DAY):
        accepted = [build(tree, "accepted") for _ in range(3)]
        declined = build(tree, "declined")
    numbers = [Document.objects.get(case=c).number for c in accepted]
    assert numbers == ["甲街道受告〔2026〕1号", "甲街道受告〔2026〕2号", "甲街道受告〔2026〕3号"]
    assert Document.objects.get(case=declined).number == "示范区信访局不受告〔2026〕1号"


def test_a_step_that_fails_after_the_document_gives_its_number_back(tree, monkeypatch):
    with clock.frozen(BASE_DAY):
        first, second = build(tree, "assigned"), build(tree, "assigned")

        def refuse(*, case, event):
            raise XinfangError("索引失败")

        monkeypatch.setattr(hooks, "_hooks", [*hooks._hooks, refuse])
        with pytest.raises(XinfangError):
            act(first, tree.handler_a, "accept")
        assert not Document.objects.exists()
        first.refresh_from_db()
        assert first.status == "assigned"
        monkeypatch.setattr(hooks, "_hooks", [h for h in hooks._hooks if h is not refuse])
        act(second, tree.handler_a, "accept")
    document = Document.objects.get(case=second)
    assert document.number == "甲街道受告〔2026〕1号"
    assert "甲街道受告〔2026〕1号" in docx_of(document)


def test_red_head_off_and_unit_abbreviation(tree, settings):
    settings.XINFANG_DOCUMENT_RED_HEAD = False
    settings.XINFANG_DOCUMENT_UNIT_ABBREVIATIONS = {"JJD": "甲街"}
    case = _build(tree, "accepted")
    document = Document.objects.get(case=case)
    assert document.number == "甲街受告〔2026〕1号"
    paragraphs = docx_of(document).split("\n")
    assert paragraphs[0] != "甲街道"                       # no 发文机关标志 at the head
    assert "信访事项受理告知书" in paragraphs[:3] and "甲街受告〔2026〕1号" in paragraphs


def test_collective_visit_is_addressed_to_its_representatives(tree):
    people = [dict(name=f"代表{i}", phone=f"1390000{i:04d}", is_representative=i < 2) for i in range(4)]
    with clock.frozen(BASE_DAY):
        case = build(tree, "accepted", petitioners=people, person_count=30)
    text = docx_of(Document.objects.get(case=case))
    assert "代表0、代表1：" in text and "代表2" not in text and "你们" in text


def test_user_text_is_escaped_in_word_and_pdf(tree):
    with clock.frozen(BASE_DAY):
        case = build(tree, "accepted", title="路灯<b>&坏了</b> {{ number }}")
    document = Document.objects.get(case=case)
    text = docx_of(document)
    assert "“路灯<b>&坏了</b> {{ number }}”" in text
