"""Inputs of event registration and of each report (pydantic). Titles are the Chinese
field names used in error messages and in the generated action forms.

Figures are numbers only (突发事件 information is about the event: how many died, were
hurt, are missing or trapped, were moved to safety, and the direct loss); a figure left
out of a report keeps the value of the previous one."""
import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from xinfang.core.validation import FieldValueError
from xinfang.petitions.schemas import LongText, Strict

from .models import EventType, Grade

Signer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
MAX_PEOPLE = 1_000_000
MAX_LOSS = Decimal(100000000)   # 万元: one trillion yuan, far above any real event


class EmergencyIn(Strict):
    """知悉: what happened, where and when, as first learned."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(
        title="事件名称")
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=5000)] = Field(
        title="简要情况")
    event_type: EventType = Field(title="事件类型")
    grade: Grade = Field(title="事件等级")
    occurred_at: dt.datetime = Field(title="发生时间")
    learned_at: dt.datetime | None = Field(None, title="知悉时间")
    place_unit_id: int = Field(title="发生地（社区/街道）")
    site: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(
        title="具体地点")
    enterprise_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = Field(
        "", title="涉事单位/场所")

    @model_validator(mode="after")
    def _times(self):
        if self.learned_at is not None and _aware(self.learned_at) < _aware(self.occurred_at):
            raise FieldValueError("知悉时间不能早于发生时间。", field="learned_at")
        return self


def _aware(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class _Figures(Strict):
    deaths: int | None = Field(None, title="死亡（人）", ge=0, le=MAX_PEOPLE)
    injured: int | None = Field(None, title="受伤（人）", ge=0, le=MAX_PEOPLE)
    missing: int | None = Field(None, title="失踪（人）", ge=0, le=MAX_PEOPLE)
    trapped: int | None = Field(None, title="被困（人）", ge=0, le=MAX_PEOPLE)
    relocated: int | None = Field(None, title="紧急转移安置（人）", ge=0, le=MAX_PEOPLE)
    economic_loss: Decimal | None = Field(None, title="直接经济损失（万元）")

    @field_validator("economic_loss")
    @classmethod
    def _loss(cls, v: Decimal | None) -> Decimal | None:
        if v is None:
            return v
        if not v.is_finite() or v < 0:
            raise ValueError("直接经济损失不能为负数。")
        if v > MAX_LOSS:
            raise ValueError("直接经济损失过大，请核对（单位：万元）。")
        if v.as_tuple().exponent < -2:
            raise ValueError("直接经济损失最多保留两位小数（单位：万元）。")
        return v

    def figures(self) -> dict:
        """The figures this report gives (those left out are not in the dict)."""
        return {k: getattr(self, k) for k in ("deaths", "injured", "missing", "trapped", "relocated",
                                              "economic_loss") if getattr(self, k) is not None}


class FirstReportIn(_Figures):
    """首报: time, place, kind, grade, casualties and losses known so far, what is being done
    (国家突发公共事件总体应急预案 4.2)."""

    text: LongText = Field(title="首报内容")
    grade: Grade | None = Field(None, title="事件等级（如需调整）")
    signer: Signer = Field(title="签发人")
    late_reason: Note = Field("", title="迟报原因（超过首报时限时必填）")


class FollowupIn(_Figures):
    text: LongText = Field(title="续报内容")
    grade: Grade | None = Field(None, title="事件等级（如需调整）")
    signer: Signer = Field(title="签发人")


class ResponseIn(_Figures):
    text: LongText = Field(title="处置措施")
    forces: Note = Field("", title="投入力量（队伍、车辆、物资）")
    signer: Signer = Field(title="签发人")


class FinalReportIn(_Figures):
    text: LongText = Field(title="处置结果和善后情况")
    cause: Note = Field("", title="原因初步分析")
    grade: Grade | None = Field(None, title="事件等级（最终认定）")
    signer: Signer = Field(title="签发人")
