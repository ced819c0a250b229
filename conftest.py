"""Shared fixtures: a small unit tree with one user per role, built through the models the
admin uses (units and users are configuration, not workflow)."""
import datetime as dt
import logging
import os

import pytest
from hypothesis import settings as hypothesis_settings

from xinfang.core import clock
from xinfang.core.calendar import calendar_cache_clear
from xinfang.orgs.models import DataScope, Role, Unit, UnitLevel, User

# CI replays the same examples every run (a red build must be reproducible); a developer's
# run explores new ones. XINFANG_HYPOTHESIS=explore forces exploring anywhere.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") and os.environ.get("XINFANG_HYPOTHESIS") != "explore"
                                 else "explore")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.5 s per user; the tree alone has a dozen. Tests need no real cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture(autouse=True)
def _quiet_request_log():
    # Tests provoke 4xx answers on purpose; Django would log each. 5xx still show.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to the test's own folder, never into data/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


class Tree:
    """市 → 区 → (信访局, 住建局, 甲街道 → 一社区 → 一网格, 乙街道); 区法院 outside the 区."""

    def __init__(self):
        U = Unit.objects.create
        self.city = U(name="示范市", short_code="SFS", level=UnitLevel.CITY, division_code="370200")
        self.district = U(name="示范区", short_code="SFQ", level=UnitLevel.DISTRICT, parent=self.city,
                          division_code="370202")
        self.bureau = U(name="示范区信访局", short_code="SFQXFJ", level=UnitLevel.BUREAU, parent=self.district)
        self.housing = U(name="示范区住建局", short_code="SFQZJJ", level=UnitLevel.DEPARTMENT, parent=self.district)
        self.street_a = U(name="甲街道", short_code="JJD", level=UnitLevel.STREET, parent=self.district)
        self.community = U(name="一社区", short_code="YSQ", level=UnitLevel.COMMUNITY, parent=self.street_a)
        self.grid = U(name="一网格", short_code="YWG", level=UnitLevel.GRID, parent=self.community)
        self.street_b = U(name="乙街道", short_code="YJD", level=UnitLevel.STREET, parent=self.district)
        self.court = U(name="示范市中级人民法院", short_code="SFSFY", level=UnitLevel.ORGAN, parent=self.city)
        for u in (self.city, self.district, self.bureau, self.housing, self.street_a, self.community,
                  self.grid, self.street_b, self.court):
            u.refresh_from_db()

    def user(self, username: str, unit: Unit, *roles: str, scope: str = DataScope.OWN_UNIT) -> User:
        user = User.objects.create_user(username=username, password="pass-12345", unit=unit, data_scope=scope,
                                        display_name=username)
        user.roles.set(Role.objects.filter(code__in=roles))
        return user


@pytest.fixture
def tree(db):
    t = Tree()
    t.registrar = t.user("registrar", t.bureau, "registrar", scope=DataScope.SUBTREE)
    t.bureau_reviewer = t.user("bureau_reviewer", t.bureau, "reviewer")
    t.handler_a = t.user("handler_a", t.street_a, "handler")
    t.reviewer_a = t.user("reviewer_a", t.street_a, "reviewer")
    t.registrar_a = t.user("registrar_a", t.street_a, "registrar")
    t.handler_b = t.user("handler_b", t.street_b, "handler")
    t.handler_h = t.user("handler_h", t.housing, "handler")
    t.reviewer_h = t.user("reviewer_h", t.housing, "reviewer")
    t.district_reviewer = t.user("district_reviewer", t.district, "reviewer", "registrar")
    t.city_reviewer = t.user("city_reviewer", t.city, "reviewer", "registrar")
    t.leader = t.user("leader", t.district, "leader", scope=DataScope.ALL)
    t.court_registrar = t.user("court_registrar", t.court, "registrar", "handler")
    return t


@pytest.fixture
def on_day():
    """Run the services as if today were the given date."""
    return lambda day: clock.frozen(day if isinstance(day, dt.datetime) else dt.datetime.combine(day, dt.time(9)))


@pytest.fixture
def api_call():
    """call(user, method, url, body=None, **params): the API as each user, with a bearer token
    issued through the service (one client per user), GET params or a JSON body."""
    import json

    from xinfang.api.tests.conftest import ApiClient

    clients: dict = {}

    def call(user, method, url, body=None, **params):
        if user.pk not in clients:
            clients[user.pk] = ApiClient(user)
        api = clients[user.pk]
        if method == "get":
            return api.get(url, **params)
        if method == "post":
            return api.post(url, body)
        return getattr(api.client, method)(url, json.dumps(body, ensure_ascii=False),
                                           content_type="application/json", headers=api.headers)
    return call
