"""The rating rule of a 稳评, as a pure function (no database, no clock).

发改投资〔2012〕2492号 and ../shared/DOMAIN.md define the levels in words:
  高 — most people object strongly (大部分群众反应特别强烈);
  中 — some people object strongly (部分群众反应强烈);
  低 — most people support (多数群众理解支持，少部分人有意见).
Read on the questionnaires' counts of one round (respondents n, support s, against a, of
whom strongly against x):
  1. 高 when x is more than half of n;
  2. else 低 when s is more than half of n and x stays below the "some" share;
  3. else 中 (some object strongly, or there is no majority of support).
"Most" is more than half. "Some" has no number in the sources: it is a configurable share,
XINFANG_ASSESSMENT_SOME_PERCENT (default 10%: one respondent in ten objecting strongly
is "some", not "a few"). Integer arithmetic only, so the boundary is exact.
"""
import dataclasses

from xinfang.core.errors import ValidationFailed

from .models import RiskLevel

# From the least to the most severe: an adjustment may only move to the right.
RISK_ORDER = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)
DEFAULT_SOME_PERCENT = 10


@dataclasses.dataclass(frozen=True)
class RatingResult:
    level: RiskLevel
    reason: str


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%"


def rating_counts_check(*, respondents: int, support: int, against: int, strongly_against: int) -> None:
    """Counts that cannot describe one group of people are refused, naming the field."""
    for value, field, label in ((respondents, "participants", "参与人数"), (support, "support", "支持人数"),
                                (against, "against", "反对人数"), (strongly_against, "strongly_against", "强烈反对人数")):
        if value < 0:
            raise ValidationFailed(f"{label}不能为负数。", field=field)
    if strongly_against > against:
        raise ValidationFailed("强烈反对人数不能多于反对人数（反对人数含强烈反对）。", field="strongly_against")
    if support + against > respondents:
        raise ValidationFailed("支持人数与反对人数之和不能超过参与人数。", field="support")


def rating_compute(*, respondents: int, support: int, against: int, strongly_against: int,
                   some_percent: int = DEFAULT_SOME_PERCENT) -> RatingResult:
    """The level the rule gives, with the reason in words (shown on the case and in the
    report). Raises ValidationFailed when there is nobody to count."""
    rating_counts_check(respondents=respondents, support=support, against=against,
                        strongly_against=strongly_against)
    if respondents == 0:
        raise ValidationFailed("本轮问卷调查没有受访人，无法按规则评定风险等级；请先录入问卷调查结果。",
                               field="participants")
    n, s, a, x = respondents, support, against, strongly_against
    counts = (f"受访 {n} 人：支持 {s} 人（{_pct(s, n)}），反对 {a} 人（{_pct(a, n)}），"
              f"其中强烈反对 {x} 人（{_pct(x, n)}）。")
    some = x * 100 >= some_percent * n
    if x * 2 > n:
        return RatingResult(RiskLevel.HIGH, counts + "强烈反对超过半数（大部分群众反应特别强烈），评定为高风险。")
    if s * 2 > n and not some:
        return RatingResult(RiskLevel.LOW, counts + f"支持超过半数（多数群众理解支持），强烈反对不足 {some_percent}%，"
                                                    "评定为低风险。")
    if some:
        why = f"强烈反对达到 {some_percent}%（部分群众反应强烈）"
    else:
        why = "支持未超过半数（多数群众理解支持的条件不成立）"
    return RatingResult(RiskLevel.MEDIUM, counts + why + "，评定为中风险。")


def level_severity(level: str) -> int:
    return RISK_ORDER.index(RiskLevel(level))
