"""A tree with three communities over two streets, and matters of every kind the board
counts placed in them, all made through the real services (nothing written directly)."""
import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.disputes.tests import builders as disputes
from xinfang.emergencies.tests.builders import em  # noqa: F401  (fixture)
from xinfang.emergencies.tests.builders import register as emergency_register
from xinfang.hazards.tests import builders as hazards
from xinfang.orgs.models import DataScope, Unit, UnitLevel
from xinfang.petitions.services import petition_register
from xinfang.petitions.tests.builders import act, petition_data, petitioner

DAY = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))    # a Monday in the first quarter
TODAY = dt.date(2026, 3, 20)


@dataclasses.dataclass
class Matters:
    petitions: dict
    disputes: dict
    emergencies: dict
    hazards: dict


def _petition(tree, place: Unit, **overrides) -> Case:
    return petition_register(actor=tree.registrar, data=petition_data(place_unit_id=place.pk, **overrides))


@pytest.fixture
def cb(em):  # noqa: F811
    """em's tree plus 二社区 under 甲街道 and 三社区 under 乙街道, an inspector and the people
    of the dispute builders."""
    U = Unit.objects.create
    em.community2 = U(name="二社区", short_code="ESQ", level=UnitLevel.COMMUNITY, parent=em.street_a)
    em.community_b = U(name="三社区", short_code="SSQ", level=UnitLevel.COMMUNITY, parent=em.street_b)
    for u in (em.community2, em.community_b):
        u.refresh_from_db()
    em.inspector_a = em.user("inspector_a", em.street_a, "inspector", scope=DataScope.SUBTREE)
    em.street_viewer = em.user("street_viewer", em.street_a, "reviewer", scope=DataScope.SUBTREE)
    return em


@pytest.fixture
def matters(cb):
    """The matters behind the board, first quarter of 2026 (and one before it)."""
    t = cb
    p, d, e, h = {}, {}, {}, {}
    with clock.frozen(DAY):
        p["community"] = _petition(t, t.community)
        p["grid_skip_collective"] = _petition(t, t.grid, is_skip_level=True, person_count=6,
                                              petitioners=[dict(petitioner(), is_representative=True)])
        p["skip_alone"] = _petition(t, t.community, is_skip_level=True)                # one person: not collective
        p["community2"] = _petition(t, t.community2)
        p["street_a"] = _petition(t, t.street_a)
        p["community_b"] = _petition(t, t.community_b)
        p["last_year"] = _petition(t, t.community, received_date="2025-12-20")
        person = petitioner()
        p["original"] = _petition(t, t.community, petitioners=[person])
        p["repeat"] = _petition(t, t.community, petitioners=[person])
        act(p["repeat"], t.registrar, "merge_as_repeat", case_number=p["original"].number)

        d["open"] = disputes.build(t, "mediating", place_unit_id=t.community.pk)
        d["police"] = disputes.build(t, "referred_police", place_unit_id=t.community2.pk)
        d["resolved"] = disputes.build(t, "resolved", place_unit_id=t.community.pk)

        e["fire"] = emergency_register(t)                                              # 一社区
        e["large"] = emergency_register(t, place=t.grid, event_type="work_safety", grade="large")
        e["traffic"] = emergency_register(t, place=t.community2, event_type="traffic")
        e["fire_b"] = emergency_register(t, actor=t.handler_b, place=t.street_b)

        h["major"] = hazards.register(t, grade="major", place_unit_id=t.community.pk)
        h["open"] = hazards.register(t, place_unit_id=t.community2.pk)
        h["closed"] = hazards.build(t, "closed", place_unit_id=t.community.pk)
    with clock.frozen(DAY - dt.timedelta(days=20)):
        h["closed_in_march"] = hazards.register(t, place_unit_id=t.community.pk)          # found 10 February
    with clock.frozen(DAY):
        act(h["closed_in_march"], t.inspector_a, "fix_on_spot", **hazards.FIX)
        act(h["closed_in_march"], t.inspector_a, "verify", checker="何勇")
        act(h["closed_in_march"], t.reviewer_a, "close_off")
    return Matters(p, d, e, h)
