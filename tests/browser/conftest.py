"""Fixtures of the browser tests: one headless chromium per module, the live server's
address, and `staff(username)` = a page of that user, logged in through the login form in a
browser context of their own (own cookies, as on their own computer)."""
import os

import pytest

from .support import CHROMIUM, CHROMIUM_MISSING, DESKTOP, chromium_launch, context_new, login


@pytest.fixture(scope="module")
def chromium(django_db_setup):
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread. Django then
    # (1) refuses ORM calls (the `tree` fixture, the asserts, the flush) as "async unsafe" —
    # they are safe: nothing else runs in this thread; and (2) hands out other connection
    # objects, which lack what serialized_rollback restores from and, on SQLite, are not the
    # in-memory connection the live server shares. So, while the browser is up: allow, and
    # keep using the very connections the test database was set up on.
    originals = {alias: connections[alias] for alias in connections}
    prior = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        for alias, connection in originals.items():
            connections[alias] = connection
        browser = chromium_launch(playwright)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if prior is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = prior


@pytest.fixture
def server_url(live_server):
    return live_server.url


@pytest.fixture
def staff(chromium, server_url):
    contexts = []

    def open_as(username: str, *, viewport: dict = DESKTOP):
        context = context_new(chromium, server_url, viewport=viewport)
        contexts.append(context)
        return login(context, username)

    yield open_as
    for context in contexts:
        _settle(context)
        context.close()


def _settle(context) -> None:
    """Let the pages' last requests (htmx fragments load after the page) finish before the
    test's database is flushed: on PostgreSQL a request still reading holds a lock the
    flush's TRUNCATE waits for, and the two deadlock."""
    for page in context.pages:
        try:
            page.wait_for_load_state("networkidle", timeout=5000)
        except Exception:   # a page still polling after 5 s: close it anyway
            pass
