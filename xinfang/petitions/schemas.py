"""Inputs of petition registration and of each workflow action (pydantic). Titles are the
Chinese field names used in error messages and generated forms."""
import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from xinfang.core.identity import id_number_problem, phone_problem
from xinfang.core.validation import FieldValueError

from .models import Acknowledgement, Channel, ClaimType, Decision, DeclineChannel, OnSpotOccasion, ReceptionLevel, \
    ReviewDecision, Satisfaction

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=5000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PetitionerIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = Field(title="姓名")
    id_number: str = Field("", title="身份证号", max_length=18)
    phone: str = Field("", title="电话", max_length=20)
    address: str = Field("", title="住址", max_length=200)
    is_representative: bool = Field(False, title="代表")

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, v: str) -> str:
        v = v.strip().upper()
        if v and (problem := id_number_problem(v)):
            raise ValueError(problem)
        return v

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.strip().replace(" ", "")
        if v and (problem := phone_problem(v)):
            raise ValueError(problem)
        return v


class OnSpotIn(Strict):
    """现场办结: what was done for the petitioner at the window or on the field visit, and how
    the petitioner acknowledged it (签字 / 当场确认 / 电话); a satisfaction rating if one was
    taken there and then (else the petitioner may still rate it later, online)."""

    occasion: OnSpotOccasion = Field(title="办结场合")
    outcome: LongText = Field(title="办理情况")
    acknowledgement: Acknowledgement = Field(title="信访人确认方式")
    satisfaction: Satisfaction | None = Field(None, title="当场满意度评价")


class PetitionIn(Strict):
    """条例 Art 19: name, address, request, facts and reasons."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(title="标题")
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=20000)] = Field(
        title="诉求与事实理由")
    channel: Channel = Field(title="来源渠道")
    claim_type: ClaimType = Field(ClaimType.REQUEST, title="诉求类型")
    received_date: dt.date | None = Field(None, title="收到日期")
    person_count: int = Field(1, title="人数", ge=1, le=10000)
    reception_level: ReceptionLevel = Field(ReceptionLevel.DISTRICT, title="接待层级")
    is_skip_level: bool = Field(False, title="越级")
    category_id: int | None = Field(None, title="分类")
    place_unit_id: int | None = Field(None, title="发生地")
    accused_unit_id: int | None = Field(None, title="被反映单位")
    petitioners: list[PetitionerIn] = Field(title="信访人", min_length=1, max_length=200)
    on_spot: OnSpotIn | None = Field(None, title="现场办结")

    @model_validator(mode="after")
    def _collective(self):
        reps = sum(1 for p in self.petitioners if p.is_representative)
        if reps > 5:
            raise FieldValueError("集体访推选的代表不得超过5人（信访工作条例第20条）。", field="petitioners")
        if self.person_count < len(self.petitioners):
            raise FieldValueError("人数不能少于登记的信访人数。", field="person_count")
        if self.accused_unit_id and self.claim_type != ClaimType.ACCUSATION:
            raise FieldValueError("只有检举控告类事项才填写被反映单位。", field="accused_unit_id")
        return self


class UnitTargetIn(Strict):
    unit_id: int = Field(title="目标单位")
    note: str = Field("", title="说明", max_length=1000)


class ReasonIn(Strict):
    reason: LongText = Field(title="理由")


class NoteIn(Strict):
    note: str = Field("", title="说明", max_length=1000)


class DeclineIn(Strict):
    channel: DeclineChannel = Field(title="告知去向")
    reason: LongText = Field(title="理由")
    concluded_case_number: str = Field("", title="已终结事项编号", max_length=40)


class MergeIn(Strict):
    case_number: Text = Field(title="原事项编号")


class ExtensionRequestIn(Strict):
    days: int = Field(title="延期天数", ge=1, le=30)
    reason: LongText = Field(title="延期理由")


class ExtensionApproveIn(Strict):
    days: int = Field(title="批准延期天数", ge=1, le=30)
    note: str = Field("", title="说明", max_length=1000)


class AnswerIn(Strict):
    """条例 Art 32: request, facts and reasons, decision, legal basis."""

    decision: Decision = Field(title="处理结论")
    facts: LongText = Field(title="查明事实与理由")
    legal_basis: LongText = Field(title="法律政策依据")
    text: str = Field("", title="答复正文", max_length=20000)


class ReviewAnswerIn(Strict):
    decision: ReviewDecision = Field(title="复查/复核结论")
    facts: LongText = Field(title="查明事实与理由")
    legal_basis: LongText = Field(title="法律政策依据")
    text: str = Field("", title="意见正文", max_length=20000)


class RateIn(Strict):
    level: Satisfaction = Field(title="满意度")
    comment: str = Field("", title="评价意见", max_length=1000)


class HandlerIn(Strict):
    user_id: int = Field(title="承办人")
