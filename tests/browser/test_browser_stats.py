"""The leader's dashboard and the statistics page in a real browser: the figures are there,
the charts are drawn (and their tables fold away), a figure opens the cases behind it, a bar
opens its row's cases, the PDF report downloads from the statistics page, and the dashboard
fits a phone's width."""
import re

import pytest
from playwright.sync_api import expect

from xinfang.core.services import case_transition
from xinfang.petitions.services import petition_register

from .support import CHROMIUM, CHROMIUM_MISSING, PHONE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_MISSING),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def petitions(tree):
    """Three petitions received today: a visit of 3 people, a letter, one assigned from above."""
    out = []
    for i, (channel, persons) in enumerate((("visit", 3), ("letter", 1), ("higher", 1))):
        case = petition_register(actor=tree.registrar, data=dict(
            title=f"小区路灯损坏{i}", content="某小区路灯长期损坏，夜间出行不便。", channel=channel,
            person_count=persons, place_unit_id=tree.street_a.pk,
            petitioners=[dict(name=f"欧阳明月{i}", phone=f"1380013800{i}")]))
        out.append(case)
    case_transition(case=out[2], actor=tree.registrar, action="assign", version=out[2].version,
                    payload={"unit_id": tree.street_a.pk, "note": "请依法办理"})
    return out


def test_a_leader_reads_the_dashboard_and_opens_the_cases_behind_a_figure(staff, petitions):
    leader = staff("leader")
    leader.goto("/stats/dashboard/")
    expect(leader.get_by_role("heading", name="领导驾驶舱 · 全部单位")).to_be_visible()
    volume = leader.locator("#dash-volume_batches")
    expect(volume).to_contain_text("信访总量（批次）")
    expect(volume.locator(".val a")).to_have_text("3")
    expect(leader.locator("#dash-volume_persons .val a")).to_have_text("5")
    for label in ("初信初访按期办结率", "上级交办件办结率", "领导接访事项办结率", "积案化解率", "满意率", "期末未销号隐患"):
        expect(leader.locator(".dash-figure", has_text=label).first).to_be_visible()
    # ECharts drew the trend (a canvas), and the table under it folded away.
    expect(leader.locator("#chart-trend canvas")).to_have_count(1)
    expect(leader.locator("#chart-trend ~ details.chart-data[open]")).to_have_count(0)
    expect(leader.locator("#chart-category canvas")).to_have_count(1)
    # The figure opens its cases.
    volume.locator(".val a").click()
    expect(leader).to_have_url(re.compile(r"/stats/cases/\?.*indicator=volume_batches"))
    expect(leader.get_by_role("heading", name=re.compile("^信访总量（批次）"))).to_be_visible()
    for case in petitions:
        expect(leader.get_by_role("link", name=case.number)).to_be_visible()


def test_the_stats_page_offers_the_pdf_report_and_rows_open_their_cases(staff, petitions):
    leader = staff("leader")
    leader.goto("/stats/")
    pdf_link = leader.get_by_role("link", name="统计报表（PDF）")
    expect(pdf_link).to_be_visible()
    response = leader.request.get(pdf_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    # The channel table's 来信 row opens the one letter.
    row = leader.locator("#by-channel tr", has_text="来信")
    row.get_by_role("link", name="1").click()
    expect(leader.get_by_role("heading", name="信访总量（批次）（按渠道：来信）")).to_be_visible()
    expect(leader.get_by_role("link", name=petitions[1].number)).to_be_visible()
    expect(leader.get_by_role("link", name=petitions[0].number)).to_have_count(0)
    leader.goto("/stats/")
    expect(leader.get_by_role("heading", name=re.compile("^热点问题与上升类别"))).to_be_visible()


def test_the_dashboard_fits_a_phone(staff, petitions):
    leader = staff("leader", viewport=PHONE)
    leader.goto("/stats/dashboard/")
    expect(leader.locator("#dash-volume_batches .val a")).to_have_text("3")
    assert leader.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
