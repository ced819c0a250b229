"""Inputs of the campaign services (pydantic): the same models validate the pages' POSTs and
the API's bodies, so both paths refuse alike. Titles are the Chinese field names used in
error messages."""
import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from xinfang.core.validation import FieldValueError
from xinfang.petitions.schemas import Strict
from xinfang.stats.indicators import KINDS

from .measures import MEASURES
from .models import CampaignType, EnrolRule

MAX_DAYS = 366


class TargetIn(Strict):
    measure: str = Field(title="目标指标")
    number: int = Field(title="目标数", ge=1, le=100_000)

    @field_validator("measure")
    @classmethod
    def _measure(cls, v: str) -> str:
        if v not in MEASURES:
            raise ValueError(f"目标指标「{v}」无效，可选：{'、'.join(m.label for m in MEASURES.values())}。")
        return v


class CampaignIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)] = Field(
        title="名称")
    type: CampaignType = Field(title="类型")
    organising_unit_id: int | None = Field(None, title="组织单位")
    start_date: dt.date = Field(title="开始日期")
    end_date: dt.date = Field(title="结束日期")
    scope_unit_id: int | None = Field(None, title="范围")
    kinds: list[str] = Field(title="案件类别", min_length=1, max_length=len(KINDS))
    category_ids: list[int] = Field([], title="分类", max_length=50)
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = Field(
        "", title="工作要求")
    targets: list[TargetIn] = Field(title="目标", min_length=1, max_length=len(MEASURES))

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        bad = [k for k in v if k not in KINDS]
        if bad:
            raise ValueError(f"案件类别「{bad[0]}」无效，可选：{'、'.join(KINDS.values())}。")
        return [k for k in KINDS if k in v]          # a fixed order, no repeats

    @model_validator(mode="after")
    def _whole(self):
        if self.end_date < self.start_date:
            raise FieldValueError("结束日期不能早于开始日期。", field="end_date")
        if (self.end_date - self.start_date).days > MAX_DAYS:
            raise FieldValueError("一次专项行动的期间不能超过一年。", field="end_date")
        seen = set()
        for target in self.targets:
            if target.measure in seen:
                raise FieldValueError(f"目标「{MEASURES[target.measure].label}」重复填写。", field="targets")
            seen.add(target.measure)
            needs = MEASURES[target.measure].kind
            if needs is not None and needs not in self.kinds:
                raise FieldValueError(f"目标「{MEASURES[target.measure].label}」统计{KINDS[needs]}，"
                                      f"请在案件类别中包含{KINDS[needs]}。", field="targets")
        return self


BULK_RULES = tuple(r for r in EnrolRule if r != EnrolRule.MANUAL)


class BulkEnrolIn(Strict):
    rule: EnrolRule = Field(title="列入规则")
    kind: str | None = Field(None, title="案件类别")
    expected: int = Field(title="预览件数", ge=0)

    @field_validator("rule")
    @classmethod
    def _rule(cls, v: EnrolRule) -> EnrolRule:
        if v == EnrolRule.MANUAL:
            raise ValueError("批量列入须选择规则：积案、全部未办结或期间内收到。")
        return v
