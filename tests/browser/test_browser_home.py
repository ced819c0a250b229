"""The home page and the notifications in a real browser: a handler is told of a new
assignment in the navigation, opens the notification and lands on the case; the pages fit
a phone's width."""
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

TITLE = "小区地下车库长期积水"


@pytest.fixture
def assigned(tree):
    case = petition_register(actor=tree.registrar, data=dict(
        title=TITLE, content="地下车库长期积水，影响通行。", channel="visit",
        petitioners=[dict(name="欧阳明月", phone="13800138000")]))
    return case_transition(case=case, actor=tree.registrar, action="assign", version=case.version,
                           payload={"unit_id": tree.street_a.pk, "note": "请依法办理"})


def test_a_handler_opens_a_new_assignment_notification_and_lands_on_the_case(staff, assigned):
    handler = staff("handler_a")
    # On the home page: the case in the worklist, and one unread notification in the top bar.
    expect(handler.locator("#home-handler table.list").get_by_role("link", name=assigned.number)).to_be_visible()
    notes = handler.locator("header.topbar").get_by_role("link", name=re.compile("^通知"))
    expect(notes.locator(".unread")).to_contain_text("1")
    notes.click()
    expect(handler.get_by_role("heading", name="站内通知")).to_be_visible()
    item = handler.locator("li.note.unread")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("新交办")
    expect(item).not_to_contain_text("欧阳明月")                    # no petitioner names in notifications
    # The text itself is the button that opens the case (and marks it read).
    item.get_by_role("button", name=re.compile(rf"^交办：{re.escape(assigned.number)}")).click()
    expect(handler).to_have_url(re.compile(rf"/cases/{re.escape(assigned.number)}/$"))
    expect(handler.get_by_role("heading", name=TITLE)).to_be_visible()
    # Read now: no unread count left; the list still has it, as read.
    expect(handler.locator(".nav-notes .unread")).to_have_count(0)
    handler.goto("/notifications/")
    expect(handler.locator("li.note")).to_have_count(1)
    expect(handler.locator("li.note.unread")).to_have_count(0)


def test_the_registrar_is_not_told_of_their_own_assignment(staff, assigned):
    registrar = staff("registrar")
    expect(registrar.locator(".nav-notes .unread")).to_have_count(0)


@pytest.mark.parametrize("username", ["handler_a", "district_reviewer"])
def test_home_and_notifications_fit_a_phone(staff, assigned, username):
    page = staff(username, viewport=PHONE)
    for url in ("/", "/notifications/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, url
    # The navigation wraps rather than hiding links.
    for name in ("工作台", "案件查询", "全文检索"):
        expect(page.locator("nav.mainnav").get_by_role("link", name=name, exact=True)).to_be_visible()
