"""The home page (工作台) per role: each role's section shows the right cases with exact
figures, nothing outside the user's data scope, and costs the same queries for 1 case or 6."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core import clock
from xinfang.orgs.models import DataScope
from xinfang.petitions.services import reception_day_create
from xinfang.petitions.tests.builders import ANSWER, BASE_DAY, act, build_on, register, staff_user


def page(client, user, day: dt.date) -> str:
    client.force_login(user)
    with clock.frozen(day):
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, role: str) -> str:
    """The HTML of one role's section ('' when the page has none)."""
    found = re.search(rf'<section class="home-section" id="home-{role}">(.*?)\n</section>', html, re.S)
    return found.group(1) if found else ""


def figure(html: str, label: str) -> int:
    found = re.search(rf'<span class="num">(\d+)</span><span class="lbl">{re.escape(label)}', html)
    assert found, f"no figure {label}"
    return int(found.group(1))


def queries(client, user, day: dt.date) -> int:
    client.force_login(user)
    with clock.frozen(day), CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def days(n: int) -> dt.date:
    return BASE_DAY + dt.timedelta(days=n)


# --- registrar ----------------------------------------------------------------------------

def test_registrar_sees_todays_intake_and_pending_decisions_with_days_left(client, tree):
    build_on(tree, "registered", day=days(-1))                       # yesterday: not today's intake
    with clock.frozen(BASE_DAY):
        single = register(tree, channel="visit", title="今天来访")
        group = register(tree, channel="letter", title="今天来信集体", person_count=6)
        register(tree, actor=tree.registrar_a, title="街道登记")      # another unit's intake
    assigned = build_on(tree, "assigned", day=days(-3))               # now the street's to accept

    html = page(client, tree.registrar, BASE_DAY)
    mine = section(html, "registrar")
    assert figure(mine, "今日登记（件次）") == 2
    assert figure(mine, "今日人次") == 7
    assert figure(mine, "集体访（批次）") == 1
    assert "来访 1 件 / 1 人次" in mine and "来信 1 件 / 6 人次" in mine
    # The 15-day acceptance clock: yesterday's has 14 days left, today's 15; oldest (most urgent) first.
    rows = re.findall(r'<a href="/cases/([^/]+)/">', mine)
    assert rows[0] != single.number and set(rows[1:]) == {single.number, group.number}
    assert "剩 14 天" in mine and "剩 15 天" in mine
    assert assigned.number not in mine and "街道登记" not in mine
    assert not section(html, "handler") and not section(html, "reviewer") and not section(html, "leader")

    street = section(page(client, tree.registrar_a, BASE_DAY), "registrar")
    assert assigned.number in street                                 # the street registrar may accept it
    assert figure(street, "今日登记（件次）") == 1


def test_registrar_pending_case_past_its_acceptance_clock_is_marked_overdue(client, tree):
    case = build_on(tree, "registered", day=days(-20))
    mine = section(page(client, tree.registrar, BASE_DAY), "registrar")
    assert case.number in mine and "已超期 5 天" in mine and "row-overdue" in mine


# --- handler ------------------------------------------------------------------------------

def _accepted_on(tree, day: dt.date, **kw):
    return build_on(tree, "accepted", day=day, **kw)


def test_handler_sees_own_cases_by_deadline_state_and_returned_answers(client, tree):
    late = _accepted_on(tree, days(0), title="早受理")
    soon = _accepted_on(tree, days(20), title="中受理")
    later = _accepted_on(tree, days(40), title="晚受理")
    returned = _accepted_on(tree, days(40), title="被退回")
    with clock.frozen(days(41)):
        act(returned, tree.handler_a, "submit_answer", **ANSWER)
        act(returned, tree.reviewer_a, "return_answer", reason="事实部分需补充现场照片")
    soon.refresh_from_db()
    late.refresh_from_db()
    later.refresh_from_db()
    view = soon.next_due_date - dt.timedelta(days=1)                 # soon: 1 day left (临期)
    assert late.next_due_date < view and later.next_due_date > view + dt.timedelta(days=3)

    html = page(client, tree.handler_a, view)
    mine = section(html, "handler")
    assert figure(mine, "在办") == 4
    assert figure(mine, "超期") == 1 and figure(mine, "临期") == 1 and figure(mine, "正常") == 2
    listed = re.findall(r'<a href="/cases/([^/]+)/">', mine.split("在办案件", 1)[1])
    assert listed[:2] == [late.number, soon.number]                 # most urgent first
    returned_part = mine.split("被退回、待重新办理的处理意见", 1)[1].split("在办案件", 1)[0]
    assert returned.number in returned_part and "事实部分需补充现场照片" in returned_part
    assert late.number not in returned_part
    assert 'href="/cases/?deadline=overdue' in mine
    assert not section(html, "registrar") and not section(html, "reviewer")

    other = section(page(client, tree.handler_b, view), "handler")   # another street: nothing of these
    assert figure(other, "在办") == 0 and late.number not in other and returned.number not in other


# --- reviewer -----------------------------------------------------------------------------

def test_reviewer_sees_approvals_waiting_oldest_first(client, tree):
    extension = build_on(tree, "extension_requested", day=days(0))
    answer = build_on(tree, "answer_pending", day=days(2))
    plain = build_on(tree, "accepted", day=days(1))                  # nothing for the reviewer to decide

    html = page(client, tree.reviewer_a, days(5))
    mine = section(html, "reviewer")
    listed = re.findall(r'<a href="/cases/([^/]+)/">', mine)
    assert listed == [extension.number, answer.number]
    assert "批准延期 / 不批准延期" in mine and "审核通过并送达处理意见" in mine
    assert "handler_a" in mine and "5 天" in mine and "3 天" in mine
    assert "（2 件" in mine
    assert plain.number not in mine
    assert not section(html, "handler")

    elsewhere = section(page(client, tree.reviewer_h, days(5)), "reviewer")   # 住建局: none of 甲街道's
    assert "没有等待审批的事项" in elsewhere and extension.number not in elsewhere


def test_district_reviewer_sees_the_review_request_to_accept(client, tree):
    case = build_on(tree, "review_requested")
    html = page(client, tree.district_reviewer, days(1))
    assert case.number in section(html, "reviewer")
    assert section(html, "registrar")                               # both roles: both sections
    assert 'href="#home-registrar"' in html and 'href="#home-reviewer"' in html


# --- leader -------------------------------------------------------------------------------

def test_leader_sees_owned_cases_next_reception_day_and_the_area_at_a_glance(client, tree):
    owned = build_on(tree, "accepted", day=days(0), title="领导包案事项")
    with clock.frozen(days(1)):
        act(owned, tree.leader, "own", note="疑难事项，包案化解")
    other = build_on(tree, "accepted", day=days(0), title="他人事项")
    build_on(tree, "registered", day=days(30))                       # open, due soon on days(42)
    # Answered this month and rated: one satisfied, one not.
    happy = build_on(tree, "answered", day=days(30))
    sad = build_on(tree, "answered", day=days(31))
    with clock.frozen(days(32)):
        act(happy, "public", "rate", level="satisfied")
        act(sad, "public", "rate", level="unsatisfied", comment="不满意")
    with clock.frozen(days(25)):
        reception_day_create(actor=tree.registrar, leader=tree.leader, date=days(50), place="区信访接待中心",
                             topic="物业纠纷")
        reception_day_create(actor=tree.registrar, leader=tree.leader, date=days(20), place="过去的地点")

    view = days(43)                                                  # 2026-04-14
    owned.refresh_from_db()
    html = page(client, tree.leader, view)
    mine = section(html, "leader")
    owned_part = mine.split("我包案的事项", 1)[1]
    assert owned.number in owned_part and other.number not in owned_part
    assert "区信访接待中心" in mine and "物业纠纷" in mine and "过去的地点" not in mine
    assert figure(mine, "满意") == 1 and figure(mine, "不满意") == 1 and figure(mine, "基本满意") == 0
    assert "满意率 50.0%" in mine
    assert figure(mine, "在办") == 5
    assert 'href="/cases/?deadline=overdue"' in mine and 'href="/cases/?open=1"' in mine
    # The month's figures drill down to the statistics' own lists of the cases behind them.
    assert 'href="/stats/cases/?indicator=' in mine and "start=2026-04-01&amp;end=2026-04-30" in mine
    assert "indicator=on_time_rate" in mine and "indicator=unsatisfied_rate" in mine
    # The hot-topics fragment: fetched by htmx, and a plain link without JavaScript.
    assert 'hx-get="/search/hot-topics/"' in mine and '<a href="/search/hot-topics/">' in mine
    assert not section(html, "handler")


def test_leader_glance_counts_cases_due_this_month_and_answered_on_time(client, tree):
    # Answered in March; its 60-day handling limit falls due in May: a May figure (按期办结率's rule).
    answered = build_on(tree, "answered", day=days(0))
    due = answered.deadlines.get(key="handling").due_date
    assert due.month == 5
    mine_april = section(page(client, tree.leader, dt.date(2026, 4, 20)), "leader")
    assert re.search(r'<span class="num">0</span><span class="lbl">本月到期按期办结（本月到期 0）', mine_april)
    mine_may = section(page(client, tree.leader, dt.date(2026, 5, 20)), "leader")
    assert re.search(r'<span class="num">1</span><span class="lbl">本月到期按期办结（本月到期 1）', mine_may)


# --- supervisor ---------------------------------------------------------------------------

def test_supervisor_sees_overdue_cases_by_unit_most_overdue_first(client, tree):
    supervisor = staff_user(tree, "supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    narrow = staff_user(tree, "supervisor_b", tree.street_b, "supervisor")
    first = build_on(tree, "accepted", day=days(0))
    build_on(tree, "accepted", day=days(5))
    housing = build_on(tree, "registered", day=days(0))
    with clock.frozen(days(0)):
        act(housing, tree.registrar, "assign", unit_id=tree.housing.pk)   # 5 working days to object
    build_on(tree, "registered", day=days(60))                       # not overdue yet
    first.refresh_from_db()
    housing.refresh_from_db()
    view = first.next_due_date + dt.timedelta(days=10)

    html = page(client, supervisor, view)
    mine = section(html, "supervisor")
    units = re.findall(r'<td><a href="([^"]+)">([^<]+)</a></td>', mine)
    assert [name for _, name in units] == ["示范区住建局", "甲街道"]  # the longest overdue first
    assert re.search(r"甲街道</a></td>\s*<td class=\"nowrap\"><a [^>]+>2 件</a>", mine)
    assert f"unit={tree.street_a.pk}" in units[1][0] and "deadline=overdue" in units[1][0]
    assert f"{(view - housing.next_due_date).days} 天" in mine and "10 天" in mine
    assert "（超期事项 3 件" in mine

    assert "没有超期事项" in section(page(client, narrow, view), "supervisor")    # outside its scope


def test_supervisor_home_lists_the_cases_under_supervision_by_their_due_date(client, tree):
    from xinfang.supervision.services import supervision_lift, supervision_open

    supervisor = staff_user(tree, "supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    narrow = staff_user(tree, "supervisor_b", tree.street_b, "supervisor")
    later, sooner, lifted = (build_on(tree, "accepted", day=days(0)) for _ in range(3))
    with clock.frozen(days(1)):
        supervision_open(case=later, actor=supervisor, level="supervise", demand="请于时限内办结。",
                         due_date=days(30))
        supervision_open(case=sooner, actor=supervisor, level="listed", demand="挂牌督办，请专班办理。",
                         due_date=days(10))
        supervision_open(case=lifted, actor=supervisor, level="supervise", demand="请于时限内办结。",
                         due_date=days(20))
        supervision_lift(case=lifted, actor=supervisor, reason="已移交纪检监察机关。")

    mine = section(page(client, supervisor, days(12)), "supervisor")
    listed = re.findall(r'<a href="/cases/([^/"]+)/">', mine)
    assert listed == [sooner.number, later.number]              # the nearest 办结时限 first; lifted gone
    assert "（2 件；按办结时限排序）" in mine and "挂牌督办" in mine
    assert mine.count("已超时") == 1                             # sooner's date has passed on day 12
    assert "没有督办中的事项" in section(page(client, narrow, days(12)), "supervisor")    # outside its scope


# --- nobody with a home role; the navigation ----------------------------------------------

def test_other_roles_get_their_units_open_cases_and_the_nav_has_search_and_notifications(client, tree):
    mediator = staff_user(tree, "mediator", tree.street_a, "mediator")
    case = build_on(tree, "assigned")
    html = page(client, mediator, days(1))
    assert case.number in section(html, "general")
    assert 'href="/search/"' in html and 'href="/notifications/"' in html


def test_the_nav_shows_the_unread_notification_count(client, tree):
    build_on(tree, "assigned")                                        # handler_a is told
    html = page(client, tree.handler_a, days(1))
    assert re.search(r'通知<span class="unread">1<span class="sr-only">条未读</span>', html)
    assert 'class="unread"' not in page(client, tree.handler_b, days(1))


# --- fixed query counts -------------------------------------------------------------------

def _more(tree, n: int, start: int):
    for i in range(n):
        build_on(tree, "extension_requested", day=days(start + i))
        build_on(tree, "review_requested", day=days(start + i))
        build_on(tree, "registered", day=days(start + i))
        case = build_on(tree, "accepted", day=days(start + i))
        with clock.frozen(days(start + i)):
            act(case, tree.leader, "own", note="包案")
            act(case, tree.handler_a, "submit_answer", **ANSWER)
            act(case, tree.reviewer_a, "return_answer", reason="补充材料")


@pytest.mark.parametrize("who", ["registrar", "handler_a", "reviewer_a", "leader", "supervisor", "district_reviewer"])
def test_each_home_costs_the_same_queries_for_one_case_or_many(client, tree, who, django_assert_max_num_queries):
    staff_user(tree, "supervisor", tree.district, "supervisor", scope=DataScope.SUBTREE)
    user = getattr(tree, who, None) or staff_user(tree, who, tree.district, "supervisor")
    _more(tree, 1, start=0)
    view = days(80)
    few = queries(client, user, view)
    _more(tree, 5, start=1)
    client.force_login(user)
    with django_assert_max_num_queries(few), clock.frozen(view):
        html = client.get("/").content.decode()
    assert html.count("/cases/XF") > 0 or who == "supervisor"
