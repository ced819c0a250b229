"""Chinese text for the indexes: jieba segmentation (full-text search) and MinHash over
character shingles with LSH bands (same-matter detection). Pure functions, no database.

jieba loads its dictionary once per process, quietly, on first use.
"""
import hashlib
import html
import logging
import re
import threading
import unicodedata
import zlib

import numpy as np

_jieba_lock = threading.Lock()
_jieba = None

# What tokens and shingles drop: whitespace and punctuation carry no matter, and tokens
# made only of letters, digits and CJK read the same to FTS5, to_tsvector and to_tsquery.
_NOT_MATTER = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")


def _segmenter():
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


# Full-width ASCII and the ideographic space, NFKC's commonest change in Chinese text (its
# punctuation ，。！？ is full-width): mapped by a table, so that NFKC itself runs only for the
# rarer compatibility characters (①, ㎡, 兀 …).
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def text_normalize(text: str) -> str:
    """NFKC, lower case: full-width to half-width (ＡＢＣ１２３ → ABC123, ，→ ,) and the other
    compatibility forms to their plain ones."""
    text = (text or "").translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def tokens_for_index(text: str) -> list[str]:
    """Words and their sub-words (停车费 → 停车, 车费, 停车费), so a search for any of them finds it."""
    text = text_normalize(text)
    if not text.strip():
        return []
    return [w for w in (_NOT_MATTER.sub("", w) for w in _segmenter().lcut_for_search(text)) if w]


def tokens_for_query(text: str) -> list[str]:
    """The words of a query, each of which a result must contain (duplicates dropped)."""
    text = text_normalize(text)
    seen: dict[str, None] = {}
    for part in text.split():
        for w in _segmenter().lcut(part):
            w = _NOT_MATTER.sub("", w)
            if w and w not in seen:
                seen[w] = None
    return list(seen)


def keywords(text: str, k: int = 6) -> list[str]:
    """The k words that best say what a text is about (TF-IDF with jieba's IDF table)."""
    _segmenter()
    import jieba.analyse

    out = []
    for w in jieba.analyse.extract_tags(text_normalize(text), topK=k * 2):
        w = _NOT_MATTER.sub("", w)
        # Codes like "a7" (a district's letter) say where, not what.
        if len(w) >= 2 and not re.fullmatch(r"[0-9a-z]{1,3}", w) and w not in out:
            out.append(w)
    return out[:k]


def segmented(text: str) -> str:
    """The text as space-separated index tokens: what FTS5 and to_tsvector('simple') read."""
    return " ".join(tokens_for_index(text))


# --- highlighting ---------------------------------------------------------------------

def highlight(text: str, terms: list[str], *, width: int = 80) -> str:
    """A snippet of `text` around the first match, HTML-escaped, with the terms in <mark>.

    Escaping happens piece by piece before marking, so nothing the text holds can become
    markup. Returns "" when no term occurs.
    """
    text = text or ""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms or not text:
        return ""
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    folded = text_normalize(text)
    # NFKC may change length (rare full-width forms); search the original then.
    source = folded if len(folded) == len(text) else text
    first = pattern.search(source)
    if first is None:
        return ""
    start = max(0, first.start() - width // 4)
    end = min(len(text), start + width)
    pieces, pos = [], start
    for m in pattern.finditer(source, start, end):
        pieces.append(html.escape(text[pos:m.start()]))
        pieces.append(f"<mark>{html.escape(text[m.start():m.end()])}</mark>")
        pos = m.end()
    pieces.append(html.escape(text[pos:end]))
    return ("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else "")


# --- MinHash / LSH --------------------------------------------------------------------

SHINGLE = 2          # character bigrams: most Chinese words are two characters
BANDS = 20
ROWS = 3
NUM_PERM = BANDS * ROWS
_MERSENNE = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_rng = np.random.RandomState(20260302)  # fixed: signatures must agree across processes and years
_A = _rng.randint(1, (1 << 31) - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_B = _rng.randint(0, (1 << 31) - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Character k-grams of the text without whitespace and punctuation."""
    s = _NOT_MATTER.sub("", text_normalize(text))
    if len(s) <= k:
        return {s} if s else set()
    return {s[i:i + k] for i in range(len(s) - k + 1)}


def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def minhash(sh: set[str]) -> np.ndarray:
    """NUM_PERM minimum hashes of the shingle set (universal hashing of stable CRC32s)."""
    if not sh:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint64)
    x = np.fromiter((zlib.crc32(s.encode()) for s in sh), dtype=np.uint64, count=len(sh))
    values = ((np.outer(_A, x) + _B[:, None]) % _MERSENNE) & _MASK32
    return values.min(axis=1)


def minhash_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The MinHash estimate of the Jaccard similarity of the two sets."""
    return float(np.mean(a == b))


def lsh_keys(signature: np.ndarray) -> list[int]:
    """One signed 64-bit key per band: two texts sharing any key are candidates. With 20
    bands of 3 rows, a pair of similarity s becomes a candidate with 1-(1-s^3)^20:
    0.3 → 42 %, 0.4 → 73 %, 0.5 → 93 %, 0.6 → 99 %; unrelated texts (s ≈ 0.02) ≈ 0 %."""
    keys = []
    raw = signature.astype("<u4").tobytes()
    for band in range(BANDS):
        digest = hashlib.blake2b(raw[band * ROWS * 4:(band + 1) * ROWS * 4], digest_size=8,
                                 person=band.to_bytes(2, "little") + b"xfband").digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def matter_text(title: str, content: str) -> str:
    """What same-matter detection compares: the title and the account of the matter."""
    return f"{title or ''}\n{content or ''}"
