"""Scoring units by a scheme of weighted indicators, for a period. A unit's score is the
weighted mean of its indicator scores (a rate as its per cent; a lower-is-better rate as 100
minus it); an indicator with no cases for the unit (no denominator) is left out and the
remaining weights carry the score, shown so. Every score comes with the figures behind it."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from xinfang.core.errors import ValidationFailed
from xinfang.orgs.models import Unit

from .indicators import INDICATORS, Figure, Scope
from .models import AssessmentScheme


@dataclass
class UnitScore:
    unit: Unit
    score: Decimal | None
    rank: int | None = None
    parts: list[dict] = field(default_factory=list)   # indicator, figure, weight, points


def scheme_check(scheme: AssessmentScheme) -> None:
    unknown = [w.indicator for w in scheme.weights.all() if w.indicator not in INDICATORS]
    if unknown:
        raise ValidationFailed(f"考核方案含有不存在的指标：{'、'.join(unknown)}。", field="indicator")
    rates = [w.indicator for w in scheme.weights.all() if INDICATORS[w.indicator].unit_label != "%"]
    if rates:
        raise ValidationFailed(f"考核只能使用比率类指标（%），以下不是：{'、'.join(rates)}。", field="indicator")
    if not scheme.weights.exists():
        raise ValidationFailed("考核方案没有任何指标。", field="weights")


def units_score(*, scheme: AssessmentScheme, units: QuerySet[Unit] | list[Unit], start, end) -> list[UnitScore]:
    """Score and rank the units (each over its own subtree) for the period; ties share a rank."""
    scheme_check(scheme)
    weights = list(scheme.weights.all().order_by("-weight", "indicator"))
    scores = []
    for unit in units:
        scope = Scope(start=start, end=end, unit=unit)
        parts, total, used = [], Decimal(0), 0
        for w in weights:
            figure: Figure = INDICATORS[w.indicator].compute(scope)
            points = None
            if figure.value is not None:
                value = Decimal(figure.value)
                points = value if w.higher_is_better else Decimal(100) - value
                total += points * w.weight
                used += w.weight
            parts.append({"indicator": INDICATORS[w.indicator], "figure": figure, "weight": w.weight,
                          "higher_is_better": w.higher_is_better, "points": points})
        score = (total / used).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if used else None
        scores.append(UnitScore(unit=unit, score=score, parts=parts))
    ranked = sorted((s for s in scores if s.score is not None), key=lambda s: -s.score)
    rank, previous = 0, None
    for i, s in enumerate(ranked, start=1):
        if s.score != previous:
            rank, previous = i, s.score
        s.rank = rank
    return ranked + [s for s in scores if s.score is None]
