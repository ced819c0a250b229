"""The hazard demo's found dates: a hazard found in an inspection lies within the
inspection's dates on a weekday, whatever day the demo is built (the service refuses any
other date, and the demo once failed on a day whose inspection ended on a Saturday)."""
import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from xinfang.hazards.demo import found_during


@given(start=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)).filter(lambda d: d.weekday() < 5),
       length=st.integers(0, 60), seed=st.integers(0, 2**32))
def test_a_hazard_found_in_an_inspection_lies_within_it_on_a_weekday(start, length, seed):
    end = start + dt.timedelta(days=length)
    found = found_during(start, end, random.Random(seed))
    assert start <= found <= end and found.weekday() < 5


def test_an_inspection_ending_on_a_saturday_keeps_its_hazards_inside():
    start, end = dt.date(2026, 7, 16), dt.date(2026, 8, 15)        # the demo of 2026-11-23
    days = {found_during(start, end, random.Random(s)) for s in range(400)}
    assert max(days) == dt.date(2026, 8, 14) and min(days) == start
