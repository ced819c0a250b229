"""Place names in a matter's text: province / city / district by cpca (offline, with the
6-digit adcode), streets, communities and grids by the unit tree's own names.

A unit is found by its full name (东山街道) or by its stem without the administrative
suffix (东山), since residents write "东山那边" as often as "东山街道"; a stem of one
character (东村 → 东) would match everywhere, so stems shorter than two characters are
not used. Where matches overlap, the longest wins; a full name beats a stem.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from xinfang.orgs.models import Unit, UnitLevel

# Longest first: 社区居委会 before 社区, 街道办事处 before 街道.
_SUFFIXES = ("街道办事处", "社区居委会", "村民委员会", "居民委员会", "社区居民委员会", "办事处", "村委会", "居委会",
             "街道", "社区", "网格", "乡镇", "镇", "乡", "村")
_SUFFIX_RE = re.compile("(" + "|".join(sorted(_SUFFIXES, key=len, reverse=True)) + ")$")
_NUMBERED_GRID = re.compile(r"第[0-9一二三四五六七八九十]+网格$")
# Units residents name as places (departments and organs are not places).
_PLACE_LEVELS = (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY, UnitLevel.GRID, UnitLevel.CITY)
_INDEX_TTL = 60.0    # seconds: a renamed unit is found under its new name within a minute


@dataclass(frozen=True)
class PlaceFound:
    name: str            # what the text says
    kind: str            # 省 / 市 / 区 (cpca) or the unit's level label
    unit_id: int | None  # the matching unit, when the tree has one
    unit_name: str = ""
    depth: int = -1      # the unit's depth (deeper = more precise)


def unit_stem(name: str) -> str:
    """东山街道 → 东山, 青松社区 → 青松, 青松社区第1网格 → "" (a grid is only found by full name)."""
    if _NUMBERED_GRID.search(name):
        return ""
    stem = _SUFFIX_RE.sub("", name)
    return stem if len(stem) >= 2 and stem != name else ""


class _UnitIndex:
    """An Aho–Corasick automaton over the place units' names and stems, rebuilt at most
    once a minute (the tree changes by admin edits, rarely)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._built_at = 0.0
        self._automaton = None

    def clear(self) -> None:
        with self._lock:
            self._built_at, self._automaton = 0.0, None

    def automaton(self):
        now = time.monotonic()
        if self._automaton is not None and now - self._built_at < _INDEX_TTL:
            return self._automaton
        with self._lock:
            if self._automaton is None or time.monotonic() - self._built_at >= _INDEX_TTL:
                self._automaton = self._build()
                self._built_at = time.monotonic()
        return self._automaton

    @staticmethod
    def _build():
        import ahocorasick

        automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[int, int, str, str, bool]]] = {}
        units = Unit.objects.filter(is_active=True, level__in=_PLACE_LEVELS).values_list("pk", "name", "depth", "level")
        for pk, name, depth, level in units:
            keys.setdefault(name, []).append((pk, depth, name, level, True))
            stem = unit_stem(name)
            if stem:
                keys.setdefault(stem, []).append((pk, depth, name, level, False))
        for key, owners in keys.items():
            automaton.add_word(key, (key, owners))
        if keys:
            automaton.make_automaton()
        return automaton if keys else None


_index = _UnitIndex()


def place_index_clear() -> None:
    _index.clear()


def _units_in(text: str) -> list[PlaceFound]:
    automaton = _index.automaton()
    if automaton is None or not text:
        return []
    hits = []   # (start, end, key, owners)
    for end, (key, owners) in automaton.iter(text):
        hits.append((end - len(key) + 1, end, key, owners))
    # Longest non-overlapping matches; among equals a full name beats a stem.
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken: list[tuple[int, int]] = []
    found: dict[int, PlaceFound] = {}
    levels = dict(UnitLevel.choices)
    for start, end, key, owners in hits:
        if any(start <= e and s <= end for s, e in taken):
            continue
        taken.append((start, end))
        full = [o for o in owners if o[4]]
        # An ambiguous stem (two 新村 in the tree) names no one unit; a full name is kept
        # for each unit that bears it, the deepest first.
        chosen = full or (owners if len(owners) == 1 else [])
        for pk, depth, name, level, _ in chosen:
            found.setdefault(pk, PlaceFound(name=key, kind=levels.get(level, level), unit_id=pk, unit_name=name,
                                            depth=depth))
    return sorted(found.values(), key=lambda p: -p.depth)


_cpca_lock = threading.Lock()
# Rows of the national division table that are no place a resident names: cpca reads a lone
# 县 ("县里的学校", "A8县") as 重庆市's 县 and a lone 市辖区 as some city's.
_PLACEHOLDERS = frozenset({"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_county_names: dict[str, int] | None = None


def _county_name_counts() -> dict[str, int]:
    """How many counties / districts of the country bear each name (朝阳区: 2, 西湖区: 2)."""
    global _county_names
    if _county_names is None:
        import csv
        from collections import Counter
        from pathlib import Path

        import cpca

        with open(Path(cpca.__file__).parent / "resources" / "adcodes.csv", encoding="utf-8", newline="") as fh:
            _county_names = dict(Counter(r["name"] for r in csv.DictReader(fh)
                                         if r["adcode"][6:] == "000000" and r["adcode"][4:6] != "00"))
    return _county_names


def _divisions_in(text: str) -> list[PlaceFound]:
    """Province / city / district as cpca reads them, kept only where the text names a
    real division: placeholders are dropped with what cpca inferred from them, and a
    district whose name several cities have (朝阳区) is kept without the province and city
    cpca would guess for it, unless the text names one of them."""
    import cpca

    with _cpca_lock:   # cpca keeps module state; its first call loads the division table
        row = cpca.transform([text], pos_sensitive=True).iloc[0]
    names = {col: row.get(col) if isinstance(row.get(col), str) and row.get(col) else "" for col in ("省", "市", "区")}
    named = {col: names[col] and int(row.get(f"{col}_pos", -1)) >= 0 for col in names}
    real_named = [col for col in names if named[col] and names[col] not in _PLACEHOLDERS]
    if not real_named:
        return []
    adcode = row.get("adcode")
    adcode = adcode if isinstance(adcode, str) else ""
    keep = [col for col in names if names[col] and names[col] not in _PLACEHOLDERS]
    if real_named == ["区"] and _county_name_counts().get(names["区"], 0) > 1:
        keep, adcode = ["区"], ""       # which 朝阳区? the text does not say
    out = []
    for col in keep:
        # The tree's unit for this division, when its 行政区划代码 says so.
        code = {"省": adcode[:2] + "0000", "市": adcode[:4] + "00", "区": adcode}[col] if adcode else ""
        unit = Unit.objects.filter(division_code=code, is_active=True).values_list("pk", "name", "depth").first() \
            if code else None
        out.append(PlaceFound(name=names[col], kind=col, unit_id=unit[0] if unit else None,
                              unit_name=unit[1] if unit else "", depth=unit[2] if unit else -1))
    return out


def places_in_text(text: str) -> list[PlaceFound]:
    """Every place the text names: the tree's own units (deepest first), then the
    province / city / district cpca reads, without repeating a unit."""
    text = (text or "").strip()
    if not text:
        return []
    units = _units_in(text)
    seen = {p.unit_id for p in units}
    divisions = [p for p in _divisions_in(text) if p.unit_id is None or p.unit_id not in seen]
    return units + divisions
