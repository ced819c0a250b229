"""Inputs of the accountability records (pydantic): the same models for the pages and the API.
Titles are the Chinese field names used in error messages."""
import datetime as dt
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from xinfang.core.validation import FieldValueError

from .models import Ground, Measure

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)]
Post = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=10000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfficialIn(Strict):
    name: Name = Field(title="责任人姓名")
    post: Post = Field(title="责任人职务")
    unit_id: int | None = Field(None, title="责任人所在单位")


class RecordIn(Strict):
    """What a supervisor states when opening a record, and may correct while it is open."""

    grounds: list[Ground] = Field(title="问责事由", min_length=1, max_length=4)
    other_ground: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field(
        "", title="其他事由")
    finding: LongText = Field(title="查明的事实")
    unit_ids: list[int] = Field(title="责任单位", min_length=1, max_length=20)
    officials: list[OfficialIn] = Field([], title="责任人", max_length=20)

    @field_validator("grounds", "unit_ids")
    @classmethod
    def _unique(cls, v: list) -> list:
        return list(dict.fromkeys(v))

    @model_validator(mode="after")
    def _other(self):
        if Ground.OTHER in self.grounds and len(self.other_ground) < 2:
            raise FieldValueError("选择“其他失职失责情形”时，请写明具体事由。", field="other_ground")
        if Ground.OTHER not in self.grounds and self.other_ground:
            self.other_ground = ""
        return self


class DecideIn(Strict):
    """The decision taken by the organ with authority over the officials (问责决定)."""

    measures: list[Measure] = Field(title="问责方式", min_length=1, max_length=6)
    measure_note: Note = Field("", title="处理意见")
    decision_organ: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)] = Field(
        title="决定机关")
    decision_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = Field(
        "", title="决定文号")
    decided_on: dt.date = Field(title="决定日期")

    @field_validator("measures")
    @classmethod
    def _unique(cls, v: list) -> list:
        return list(dict.fromkeys(v))


class CloseIn(Strict):
    close_note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)] = Field(
        title="落实情况")


class RecordOpenIn(RecordIn):
    """The API's opening request: the case by its number, then the record's facts."""

    case_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = Field(
        title="案件编号")
