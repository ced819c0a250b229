"""The rating rule as a pure function: examples at the boundaries, and hypothesis
properties over every possible count."""
import pytest
from hypothesis import given, strategies as st

from xinfang.core.errors import ValidationFailed

from ..models import RiskLevel
from ..rating import level_severity, rating_compute


def rate(n, s, a, x, some=10):
    return rating_compute(respondents=n, support=s, against=a, strongly_against=x, some_percent=some).level


@pytest.mark.parametrize("n, s, a, x, level", [
    (100, 90, 10, 0, "low"),        # most support
    (100, 51, 40, 9, "low"),        # most support, strong objection under 10%
    (100, 51, 40, 10, "medium"),    # 10% object strongly: "some"
    (100, 50, 10, 0, "medium"),     # exactly half is not "most"
    (100, 30, 60, 40, "medium"),    # most object, but not most strongly
    (100, 10, 60, 50, "medium"),    # exactly half strongly: not "most"
    (100, 10, 90, 51, "high"),      # most object strongly
    (1, 0, 1, 1, "high"),
    (1, 1, 0, 0, "low"),
    (7, 0, 0, 0, "medium"),         # nobody took a side: no majority of support
])
def test_boundaries(n, s, a, x, level):
    assert rate(n, s, a, x) == level


def test_the_reason_states_the_counts_and_the_rule_applied():
    result = rating_compute(respondents=200, support=170, against=20, strongly_against=4)
    assert result.reason.startswith("受访 200 人：支持 170 人（85.0%），反对 20 人（10.0%），其中强烈反对 4 人（2.0%）。")
    assert "多数群众理解支持" in result.reason and result.reason.endswith("评定为低风险。")
    assert "大部分群众反应特别强烈" in rating_compute(respondents=10, support=0, against=9, strongly_against=6).reason


@pytest.mark.parametrize("n, s, a, x, field", [
    (0, 0, 0, 0, "participants"), (10, 5, 2, 3, "strongly_against"), (10, 8, 3, 0, "support"),
    (-1, 0, 0, 0, "participants"), (10, -1, 0, 0, "support"),
])
def test_impossible_counts_are_refused_naming_the_field(n, s, a, x, field):
    with pytest.raises(ValidationFailed) as exc:
        rate(n, s, a, x)
    assert exc.value.field == field and exc.value.message


@st.composite
def counts(draw):
    n = draw(st.integers(1, 100_000))
    s = draw(st.integers(0, n))
    a = draw(st.integers(0, n - s))
    x = draw(st.integers(0, a))
    return n, s, a, x


@given(counts(), st.integers(1, 50))
def test_the_rule_matches_its_words(c, some):
    n, s, a, x = c
    level = rate(n, s, a, x, some)
    assert level in RiskLevel.values
    assert (level == "high") == (2 * x > n)                               # most object strongly
    if level == "low":
        assert 2 * s > n and 100 * x < some * n                           # most support, no "some" strongly
    if level == "medium":
        assert 2 * x <= n and (2 * s <= n or 100 * x >= some * n)


@given(counts(), st.integers(1, 1000))
def test_scaling_every_count_keeps_the_level(c, k):
    n, s, a, x = c
    assert rate(n, s, a, x) == rate(n * k, s * k, a * k, x * k)


@given(counts())
def test_turning_a_supporter_into_a_strong_objector_never_lowers_the_level(c):
    n, s, a, x = c
    if s == 0:
        return
    assert level_severity(rate(n, s - 1, a + 1, x + 1)) >= level_severity(rate(n, s, a, x))


@given(counts(), st.integers(1, 49))
def test_a_stricter_share_for_some_never_lowers_the_level(c, some):
    n, s, a, x = c
    assert level_severity(rate(n, s, a, x, some)) >= level_severity(rate(n, s, a, x, some + 1))
