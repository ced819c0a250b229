"""The board's demo plan, played through the real services: two 越级集体访 assigned down to
their streets, so 无越级集体访 is missed this year by 荷花社区."""
import datetime as dt
import random

from xinfang.core import clock
from xinfang.core.models import Case
from xinfang.orgs.models import DataScope, Unit, UnitLevel

from ..demo import community_board_demo_plan
from ..selectors import board_for, board_period_parse


def test_the_demo_plan_makes_a_missed_target(cb):
    city_bureau = Unit.objects.create(name="示范市信访局", short_code="SFSXFJ", level=UnitLevel.BUREAU, parent=cb.city)
    city_bureau.refresh_from_db()
    city_registrar = cb.user("city_registrar", city_bureau, "registrar", scope=DataScope.SUBTREE)
    units = {"XHJD01": cb.community, "XHJD": cb.street_a, "BYJD02": cb.community_b, "BYJD": cb.street_b}
    users = {"city_registrar": city_registrar}
    today = dt.date(2026, 11, 20)
    steps = community_board_demo_plan(units=units, users=users, today=today, rng=random.Random(3))
    for at, step in sorted(steps, key=lambda s: s[0]):
        with clock.frozen(at):
            step()
    cases = list(Case.objects.filter(kind="petition").order_by("received_date"))
    assert [c.owner_unit for c in cases] == [cb.street_b, cb.street_a]
    assert all(c.petition.is_skip_level and c.petition.is_collective for c in cases)
    with clock.frozen(today):
        board = board_for(user=cb.leader, period=board_period_parse(period="2026"))
    row = next(r for b in board["blocks"] for r in b["communities"] if r["unit"] == cb.community)
    assert row["figures"]["skip_collective"] == 1 and "无越级集体访" in {s["target"].name for s in row["unmet"]}
