"""The captcha's drawing and questions, for any random draw (hypothesis)."""
import random
import xml.etree.ElementTree as ET

from hypothesis import given, strategies as st

from xinfang.portal.captcha import captcha_svg, number_in_words, sum_answer, sum_as_symbols, sum_as_words, sum_new

_WORDS = {w: i for i, w in enumerate("零一二三四五六七八九")}


def words_to_number(text: str) -> int:
    if "十" not in text:
        return _WORDS[text]
    tens, _, ones = text.partition("十")
    return (_WORDS[tens] if tens else 1) * 10 + (_WORDS[ones] if ones else 0)


@given(st.integers(min_value=0, max_value=99))
def test_numbers_in_words_read_back(n):
    assert words_to_number(number_in_words(n)) == n


@given(st.integers(min_value=0, max_value=2**32))
def test_every_sum_is_small_non_negative_and_said_the_same_both_ways(seed):
    a, op, b = sum_new(random.Random(seed))
    answer = sum_answer(a, op, b)
    assert 0 <= answer <= 40
    assert sum_as_symbols(a, op, b) == f"{a}{op}{b}=?"
    words = sum_as_words(a, op, b)
    left, _, rest = words.partition("加" if op == "+" else "减去")
    assert words_to_number(left) == a and words_to_number(rest.split("等于")[0]) == b


@given(st.integers(min_value=0, max_value=2**32))
def test_the_picture_is_well_formed_strokes_only(seed):
    a, op, b = sum_new(random.Random(seed))
    svg = captcha_svg(sum_as_symbols(a, op, b), rng=random.Random(seed))
    root = ET.fromstring(svg)
    tags = {el.tag.split("}")[1] for el in root.iter()}
    assert tags <= {"svg", "rect", "path", "circle"}
    assert not any((el.text or "").strip() for el in root.iter())
