"""The text normalisation every index and query goes through: the same as NFKC and lower
case, whatever the text (the full-width table is only a faster way there)."""
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.search import text as t

# Chinese text as residents type it: ideographs, full-width and ASCII punctuation and
# letters, the ideographic space, compatibility characters (①, ㎡, CJK compatibility
# ideographs) and combining marks after a full-width letter.
PIECES = st.sampled_from(list("小区停车收费业主物业，。！？；：（）【】“”ＡＢＣａｂｃ１２３ABCabc123 \u3000①②㎡㈱兀\uf900\u0301\u0308"))


@settings(max_examples=300)
@given(text=st.text(PIECES, max_size=40) | st.text(max_size=40))
def test_text_normalize_is_nfkc_lower_case(text):
    assert t.text_normalize(text) == unicodedata.normalize("NFKC", text).lower()


def test_full_width_becomes_half_width():
    assert t.text_normalize("ＡＢＣ１２３，停车\u3000费！") == "abc123,停车 费!"
    assert t.text_normalize(None) == ""
