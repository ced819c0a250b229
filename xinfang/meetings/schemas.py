"""Inputs of the meeting services (pydantic), shared by the pages and the API. Titles are the
Chinese field names used in error messages."""
import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from xinfang.core.validation import FieldValueError
from xinfang.petitions.schemas import Strict

from .models import MeetingKind

Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]


class MeetingIn(Strict):
    kind: MeetingKind = Field(title="会议类型")
    date: dt.date = Field(title="会议日期")
    convening_unit_id: int | None = Field(None, title="召集单位")
    attending_unit_ids: list[int] = Field(title="参会单位", min_length=1, max_length=50)
    place: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)] = Field(
        title="地点")
    chair_id: int | None = Field(None, title="主持人")
    chair_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = Field("", title="主持人姓名")
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(
        title="议题")

    @model_validator(mode="after")
    def _chair(self):
        if self.chair_id is None and not self.chair_name:
            raise FieldValueError("请选择主持人或填写主持人姓名。", field="chair_id")
        return self


class AgendaIn(Strict):
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = Field(
        title="案件编号")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field("", title="议题说明")


class DecisionIn(Strict):
    decision: Text = Field(title="会议决定")
    followup_unit_id: int = Field(title="落实单位")
    followup_handler_id: int | None = Field(None, title="承办人")
    followup_due: dt.date = Field(title="办结期限")


class DoneIn(Strict):
    note: Text = Field(title="办结情况")
