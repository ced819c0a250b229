"""`xinfang demo`: a small demo (--count 60) built through the services shows every state,
overdue and due-soon work, a sound audit chain and working logins; --if-empty leaves a
populated database alone.

The demo is built once for this module, inside a transaction rolled back at its end (each
test runs in a savepoint within it), so no other test sees it."""
import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from xinfang.audit.models import AuditEntry
from xinfang.audit.services import audit_verify
from xinfang.core import clock
from xinfang.core.calendar import is_rest_day
from xinfang.core.identity import id_number_problem
from xinfang.core.models import Case, Category, Event
from xinfang.core.selectors import cases_filter
from xinfang.demo.builder import LOGINS, PASSWORD
from xinfang.orgs.models import Unit, UnitLevel, User
from xinfang.petitions.models import Petition, Petitioner, ReceptionDay
from xinfang.petitions.workflow import STATES

COUNT = 60


@pytest.fixture(scope="module")
def _built_once(django_db_setup, django_db_blocker):
    # The demo hashes ~30 passwords; the production hasher would take most of the test's time.
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with transaction.atomic():
            out = io.StringIO()
            call_command("demo", "--count", str(COUNT), stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def built(_built_once, db):
    return _built_once


def _snapshot() -> dict:
    return {"units": Unit.objects.count(), "users": User.objects.count(), "cases": Case.objects.count(),
            "events": Event.objects.count(), "audit": AuditEntry.objects.count(),
            "categories": Category.objects.count(), "days": ReceptionDay.objects.count(),
            "last_event": Event.objects.order_by("-id").values_list("id", flat=True).first()}


def test_every_state_appears_with_overdue_and_due_soon_work_and_a_sound_audit_chain(built):
    petitions = Case.objects.filter(kind="petition")
    assert petitions.count() >= COUNT
    present = set(petitions.values_list("status", flat=True))
    assert {s.code for s in STATES} - present == set()

    assert cases_filter(petitions, deadline_state="overdue").exists()
    # Due dates move off rest days, so in a long holiday (春节, 国庆) nothing can be due soon.
    today = clock.today()
    if not all(is_rest_day(today + dt.timedelta(days=k)) for k in range(settings.XINFANG_DUE_SOON_DAYS + 1)):
        assert cases_filter(petitions, deadline_state="due_soon").exists()
    assert cases_filter(petitions, deadline_state="overdue", status="accepted").exists()

    verdict = audit_verify()
    assert verdict.ok, verdict.reason
    assert verdict.checked == AuditEntry.objects.count() > petitions.count()

    # The summary names the states and the logins.
    assert "复核中止（听证）" in built and "超期" in built and "district_reviewer" in built and PASSWORD in built


def test_history_is_played_on_past_dates_in_order(built):
    petitions = Case.objects.filter(kind="petition")
    years = set(petitions.values_list("received_date__year", flat=True))
    assert {2025, clock.today().year} <= years
    assert not Event.objects.filter(at__gt=clock.now()).exists()
    assert not petitions.filter(received_date__gt=clock.today()).exists()
    # The audit chain reads as one history: entries in time order.
    times = list(AuditEntry.objects.order_by("seq").values_list("at", flat=True))
    assert times == sorted(times) and times[-1] <= clock.now()
    # Each case's events run forward in time, registration first, one event per version
    # (nothing was written around the engine).
    for case in petitions.prefetch_related("events"):
        events = list(case.events.all())
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[0].action == "register" and len(events) == case.version


def test_the_demo_shows_each_kind_of_matter(built):
    petitions = Petition.objects.select_related("case")
    assert {p.channel for p in petitions} == {"letter", "visit", "web", "phone", "fax", "higher"}
    collective = petitions.filter(person_count__gte=5)
    assert collective.exists()
    for p in collective:
        assert p.is_collective and p.case.petitioners.filter(is_representative=True).count() <= 5
    assert petitions.filter(claim_type="accusation", case__accused_unit__isnull=False).exclude(
        case__status="declined").exists()
    assert petitions.filter(is_skip_level=True).exists()
    assert {p.decline_channel for p in petitions.filter(case__status="declined")} == {
        "litigation", "arbitration", "reconsideration", "discipline", "concluded"}
    assert {p.satisfaction for p in petitions} >= {"satisfied", "basic", "unsatisfied"}
    assert petitions.filter(extension_days__gt=0).exists()

    # 重复访: merged into an earlier matter of the same person.
    merged = Case.objects.filter(status="merged")
    assert merged.exists()
    for case in merged:
        ids = set(case.petitioners.values_list("id_number", flat=True)) - {""}
        phones = set(case.petitioners.values_list("phone", flat=True))
        original = case.repeat_of.petitioners
        assert original.filter(id_number__in=ids).exists() or original.filter(phone__in=phones).exists()
        assert not case.petition.is_first

    # 已终结: the decline names a concluded matter.
    for p in petitions.filter(decline_channel="concluded"):
        event = p.case.events.get(action="decline")
        assert Case.objects.get(number=event.payload["concluded_case_number"]).status == "concluded"

    # Closed by the nightly run, rated by the public, taken on by the leader.
    assert Event.objects.filter(action="close", actor_kind="system").exists()
    assert Event.objects.filter(action="rate", actor_kind="public", actor__isnull=True).exists()
    assert Case.objects.filter(leader__username="leader").exists()
    today = clock.today()
    assert ReceptionDay.objects.filter(date__lt=today, cases__isnull=False).exists()
    assert ReceptionDay.objects.filter(date__gt=today).exists()

    assert all(id_number_problem(n) is None
               for n in Petitioner.objects.exclude(id_number="").values_list("id_number", flat=True))
    assert Category.objects.filter(level=3).count() == 517
    petitions = Case.objects.filter(kind="petition")
    assert not petitions.filter(category__isnull=True).exists()
    assert petitions.filter(category__level=3).count() == petitions.count()
    # The other ledgers on the same engine are there too, each in several states.
    for kind in ("dispute", "hazard", "assessment"):
        assert Case.objects.filter(kind=kind).values("status").distinct().count() >= 4, kind


def test_the_unit_tree_and_every_login(built, client):
    district = Unit.objects.get(short_code="SFQ")
    assert district.parent.short_code == "SFS" and district.division_code == "370202"
    streets = Unit.objects.filter(parent=district, level=UnitLevel.STREET)
    assert streets.count() == 4
    for street in streets:
        assert 2 <= street.children.count() <= 3
        for community in street.children.all():
            assert community.level == UnitLevel.COMMUNITY and 1 <= community.children.count() <= 2
    assert 6 <= Unit.objects.filter(parent=district, level=UnitLevel.DEPARTMENT).count() <= 8
    assert Unit.objects.filter(level=UnitLevel.ORGAN, parent__short_code="SFS").exists()
    assert all(code.isascii() and code == code.upper() for code in Unit.objects.values_list("short_code", flat=True))

    for username, *_ in LOGINS:
        assert username in built
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="leader").data_scope == "all"
    for user in User.objects.all():
        assert client.login(username=user.username, password=PASSWORD), user.username
        client.logout()
    assert not client.login(username="registrar", password="wrong-password")


def test_if_empty_on_a_populated_database_changes_nothing(built):
    before = _snapshot()
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert _snapshot() == before

    with pytest.raises(CommandError, match="已有单位数据"):
        call_command("demo", stdout=io.StringIO())
    assert _snapshot() == before
