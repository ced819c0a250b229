"""通报: content for a built scenario, scope, gapless numbers, the files, bad input, pages."""
import datetime as dt
import io

import pytest
from django.urls import include, path

from xinfang.core import clock
from xinfang.core.errors import Forbidden, NotFound, ValidationFailed
from xinfang.core.models import NumberSequence
from xinfang.petitions.tests.builders import ANSWER, act, build_on
from xinfang.supervision import circular_views
from xinfang.supervision.circulars import circular_file, circular_issue
from xinfang.supervision.models import Circular
from xinfang.supervision.services import supervision_open
from xinfang.urls import urlpatterns as project_urlpatterns

# The project's URLs plus the circular pages, so the pages are tested before (and whether or
# not) the lead includes them in xinfang/supervision/urls.py.
urlpatterns = [path("supervision/circulars/", include((circular_views.urlpatterns, "circulars"))),
               *project_urlpatterns]
pages = pytest.mark.urls(__name__)

MAY_1, MAY_31 = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
ISSUE_DAY = dt.datetime(2026, 6, 3, 10)


@pytest.fixture
def supervisor(tree):
    return tree.user("supervisor", tree.district, "supervisor", scope="subtree")


@pytest.fixture
def scenario(tree, supervisor):
    """Built on 2 March 2026 (handling clocks due 6 May):
    late_open: accepted by 甲街道, never answered; under 督办 due 20 April, never lifted;
    unaccepted: registered at the 信访局, acceptance notice due 17 March, never sent;
    on_time: answered on the day it was accepted;
    late_done: accepted by 甲街道, answered on 20 May (14 days late)."""
    s = {"late_open": build_on(tree, "accepted", title="路灯损坏"),
         "unaccepted": build_on(tree, "registered", title="噪声扰民"),
         "on_time": build_on(tree, "answered", title="道路积水"),
         "late_done": build_on(tree, "accepted", title="垃圾清运不及时")}
    with clock.frozen(dt.datetime(2026, 4, 1, 9)):
        supervision_open(case=s["late_open"], actor=supervisor, level="listed", demand="请于4月20日前办结。",
                         due_date=dt.date(2026, 4, 20))
    with clock.frozen(dt.datetime(2026, 5, 20, 9)):
        act(s["late_done"], tree.handler_a, "submit_answer", **ANSWER)
        act(s["late_done"], tree.reviewer_a, "approve_answer")
    return s


def _issue(actor, area, start=MAY_1, end=MAY_31):
    with clock.frozen(ISSUE_DAY):
        return circular_issue(actor=actor, area=area, start=start, end=end)


def test_content_names_the_late_units_cases_and_supervisions(tree, supervisor, scenario):
    c = _issue(supervisor, tree.district)
    s = scenario
    assert (c.number, c.seq, c.year, c.unit) == ("示范区督通〔2026〕1号", 1, 2026, tree.district)
    assert c.title == "关于示范区2026年5月1日至2026年5月31日信访事项超期办理情况的通报"
    facts = c.content
    assert [(u["unit"], u["count"], u["open"], u["oldest_days"]) for u in facts["late_units"]] == [
        ("甲街道", 2, 1, 25), ("示范区信访局", 1, 1, 75)]
    assert [(r["number"], r["title"], r["unit"], r["deadline"], r["due_date"], r["days"], r["state"])
            for r in facts["late_cases"]] == [
        (s["unaccepted"].number, "噪声扰民", "示范区信访局", "受理告知", "2026-03-17", 75, "超期未办结"),
        (s["late_open"].number, "路灯损坏", "甲街道", "办理期限", "2026-05-06", 25, "超期未办结"),
        (s["late_done"].number, "垃圾清运不及时", "甲街道", "办理期限", "2026-05-06", 14, "超期办结"),
    ]
    assert [(r["number"], r["unit"], r["supervising_unit"], r["level"], r["due_date"], r["days"], r["state"])
            for r in facts["supervisions"]] == [
        (s["late_open"].number, "甲街道", "示范区", "挂牌督办", "2026-04-20", 41, "逾期未解除")]
    # 按期办结率 as stats defines it: three handling clocks due in May, one met.
    assert [(r["unit"], r["value"], r["numerator"], r["denominator"]) for r in facts["on_time"]] == [
        ("示范区", "33.3", 1, 3), ("示范区信访局", None, 0, 0), ("示范区住建局", None, 0, 0),
        ("甲街道", "33.3", 1, 3), ("乙街道", None, 0, 0)]
    text = "\n".join(facts["document"]["paragraphs"])
    assert "1.甲街道：超期事项2件（其中期末仍未办结1件），最长超期25天。" in text
    assert f"2.{s['late_open'].number}“路灯损坏”，责任单位甲街道，办理期限至2026年5月6日，超期25天，超期未办结。" in text
    assert "2.示范区信访局：超期事项1件（其中期末仍未办结1件），最长超期75天。" in text
    assert f"3.{s['late_done'].number}“垃圾清运不及时”，责任单位甲街道，办理期限至2026年5月6日，超期14天，超期办结。" in text
    assert "示范区（合计）：按期办结率33.3%（期间内到期3件，按期办结1件）。" in text
    # Matter-centred: no petitioner's name anywhere in what is issued.
    assert "测试人" not in str(facts)


def test_a_period_before_the_lateness_lists_nothing(tree, supervisor, scenario):
    c = _issue(supervisor, tree.district, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 17))
    assert c.content["late_units"] == [] and c.content["late_cases"] == [] and c.content["supervisions"] == []
    assert "期间内没有超过办理期限的信访事项。" in c.content["document"]["paragraphs"]


def test_an_area_covers_its_subtree_only(tree, supervisor, scenario):
    c = _issue(supervisor, tree.street_a)
    assert [u["unit"] for u in c.content["late_units"]] == ["甲街道"]
    assert [r["unit"] for r in c.content["on_time"]] == ["甲街道", "一社区"]
    assert _issue(supervisor, tree.street_b).content["late_cases"] == []


def test_scope_and_roles(tree, supervisor, scenario):
    with pytest.raises(NotFound):
        _issue(supervisor, tree.city)                        # above the supervisor's district
    with pytest.raises(NotFound):
        _issue(supervisor, tree.court)
    street_supervisor = tree.user("street_supervisor", tree.street_b, "supervisor")
    with pytest.raises(NotFound):
        _issue(street_supervisor, tree.street_a)              # a neighbouring street
    with pytest.raises(Forbidden):
        _issue(tree.handler_a, tree.street_a)                 # not a supervisor or leader
    assert not Circular.objects.exists() and not NumberSequence.objects.filter(kind="circular").exists()
    assert _issue(tree.leader, tree.city).unit == tree.district   # scope "all"


def test_numbers_are_gapless_per_unit_and_year(tree, supervisor, scenario):
    assert _issue(supervisor, tree.district).seq == 1
    with pytest.raises(ValidationFailed):
        _issue(supervisor, tree.district, start=MAY_31, end=MAY_1)
    assert _issue(supervisor, tree.street_a).number == "示范区督通〔2026〕2号"
    city_supervisor = tree.user("city_supervisor", tree.city, "supervisor", scope="subtree")
    assert _issue(city_supervisor, tree.district).number == "示范市督通〔2026〕1号"
    with clock.frozen(dt.datetime(2027, 1, 4, 9)):
        assert circular_issue(actor=supervisor, area=tree.district, start=MAY_1, end=MAY_31).seq == 1
    assert sorted(Circular.objects.filter(unit=tree.district, year=2026).values_list("seq", flat=True)) == [1, 2]


@pytest.mark.parametrize("start,end,area,field,message", [
    (None, MAY_31, "district", "start", "请填写通报期间的开始日期"),
    (MAY_1, None, "district", "end", "请填写通报期间的结束日期"),
    (MAY_31, MAY_1, "district", "end", "结束日期早于开始日期"),
    (MAY_1, dt.date(2026, 6, 4), "district", "end", "不能晚于今天"),
    (dt.date(2025, 5, 1), MAY_31, "district", "start", "不能超过一年"),
    (MAY_1, MAY_31, None, "area", "请选择通报范围"),
])
def test_bad_input_is_refused_and_nothing_stored(tree, supervisor, start, end, area, field, message):
    with pytest.raises(ValidationFailed) as exc:
        _issue(supervisor, getattr(tree, area) if area else None, start=start, end=end)
    assert exc.value.field == field and message in exc.value.message
    assert not Circular.objects.exists() and not NumberSequence.objects.filter(kind="circular").exists()


def _read(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def test_docx_and_pdf_in_the_documents_layout(tree, supervisor, scenario):
    from docx import Document as Docx

    c = _issue(supervisor, tree.district)
    field, name, content_type = circular_file(circular=c, fmt="docx")
    doc = Docx(io.BytesIO(_read(field)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs)
    for expected in ("示范区", "甲街道", "示范区信访局", c.number, c.title, scenario["late_open"].number, "2026年6月3日"):
        assert expected in text
    assert name == f"{c.title}（{c.number}）.docx" and content_type.endswith("wordprocessingml.document")
    pdf, _, pdf_type = circular_file(circular=c, fmt="pdf")
    assert _read(pdf).startswith(b"%PDF") and pdf_type == "application/pdf"
    c.refresh_from_db()
    assert c.docx.name and c.pdf.name                      # kept: the next download reads the file
    first = c.pdf.name
    circular_file(circular=c, fmt="pdf")
    c.refresh_from_db()
    assert c.pdf.name == first
    with pytest.raises(NotFound):
        circular_file(circular=c, fmt="exe")


# --- pages ---------------------------------------------------------------------------------

@pages
def test_issue_list_detail_download_pages(client, tree, supervisor, scenario):
    client.force_login(supervisor)
    with clock.frozen(ISSUE_DAY):
        page = client.get("/supervision/circulars/new/")
        assert page.status_code == 200 and '<label for="id_area">' in page.content.decode()
        answer = client.post("/supervision/circulars/new/",
                             {"start": "2026-05-01", "end": "2026-05-31", "area": tree.district.pk})
    c = Circular.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/supervision/circulars/{c.pk}/"
    listing = client.get("/supervision/circulars/").content.decode()
    assert c.number in listing and "发布通报" in listing
    detail = client.get(f"/supervision/circulars/{c.pk}/").content.decode()
    assert "甲街道" in detail and scenario["unaccepted"].number in detail and "测试人" not in detail
    docx = client.get(f"/supervision/circulars/{c.pk}/docx/")
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
    pdf = client.get(f"/supervision/circulars/{c.pk}/pdf/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(f"/supervision/circulars/{c.pk}/exe/").status_code == 404


@pages
def test_pages_refuse_out_of_scope_and_bad_input(client, tree, supervisor, scenario):
    client.force_login(supervisor)
    with clock.frozen(ISSUE_DAY):
        outside = client.post("/supervision/circulars/new/",
                              {"start": "2026-05-01", "end": "2026-05-31", "area": tree.city.pk})
        assert outside.status_code == 404
        bad = client.post("/supervision/circulars/new/",
                          {"start": "2026-05-31", "end": "2026-05-01", "area": tree.district.pk})
        assert bad.status_code == 400 and "通报期间的结束日期早于开始日期。" in bad.content.decode()
        empty = client.post("/supervision/circulars/new/", {"start": "", "end": "", "area": tree.district.pk})
        assert empty.status_code == 400 and "请填写通报期间的开始日期" in empty.content.decode()
    assert not Circular.objects.exists()
    # Someone else's circular on an area outside one's scope is 'not found'; the form is for
    # supervisors and leaders.
    c = _issue(supervisor, tree.district)
    street_supervisor = tree.user("street_supervisor", tree.street_b, "supervisor")
    client.force_login(street_supervisor)
    assert client.get(f"/supervision/circulars/{c.pk}/").status_code == 404
    assert client.get(f"/supervision/circulars/{c.pk}/pdf/").status_code == 404
    assert c.number not in client.get("/supervision/circulars/").content.decode()
    client.force_login(tree.handler_a)
    assert client.get("/supervision/circulars/new/").status_code == 404
