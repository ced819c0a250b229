"""`xinfang demo` refusing bad input, and laid out relative to whatever day it runs on."""
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from xinfang.core import clock
from xinfang.core.models import Case, Event
from xinfang.core.selectors import cases_filter
from xinfang.orgs.models import Unit, User
from xinfang.petitions.workflow import STATES


def test_a_bad_count_is_refused_and_builds_nothing(db):
    with pytest.raises(CommandError, match="至少为1"):
        call_command("demo", "--count", "0", stdout=io.StringIO())
    assert not Unit.objects.exists() and not User.objects.exists()


def test_a_date_far_from_today_still_lands_overdue_and_due_soon_work(db, settings):
    """The layout is relative to today: run as of another day, the same kinds of work appear."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    day = dt.date(2025, 10, 9)   # just after the National Day holiday; the 11th is a 调休 working Saturday
    with clock.frozen(day):
        call_command("demo", "--count", "40", stdout=io.StringIO())
        petitions = Case.objects.filter(kind="petition")
        assert cases_filter(petitions, deadline_state="due_soon").exists()
        assert cases_filter(petitions, deadline_state="overdue").exists()
        assert not Event.objects.filter(at__gt=clock.now()).exists()
    assert set(petitions.values_list("status", flat=True)) == {s.code for s in STATES}
    assert not petitions.filter(received_date__gt=day).exists()
