"""Inputs of hazard registration, inspections and each workflow action (pydantic). Titles
are the Chinese field names used in error messages and in the generated action forms, so
payloads keep to simple fields (text, dates, numbers, enums, unit ids)."""
import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from xinfang.core.validation import FieldValueError
from xinfang.petitions.schemas import LongText, Strict

from .models import Grade, HazardCategory, Industry, Source, ViolationType

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]

# 统一社会信用代码 (GB 32100-2015): 18 characters from this alphabet, the last a check character.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_problem(code: str) -> str:
    """Why a 统一社会信用代码 is not valid (GB 32100-2015), or "" when it is."""
    if len(code) != 18:
        return "统一社会信用代码应为18位。"
    if any(c not in _CREDIT_ALPHABET for c in code):
        return "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）。"
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS))
    if _CREDIT_ALPHABET[(31 - total % 31) % 31] != code[17]:
        return "统一社会信用代码校验位不正确，请核对。"
    return ""


class ViolationIn(Strict):
    kind: ViolationType = Field(title="违法违规类型")
    description: LongText = Field(title="情况说明")


class HazardIn(Strict):
    """A hazard found in an inspection or reported alone (安全生产法 Art 41: recorded as found)."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(
        title="隐患名称")
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=5000)] = Field(
        title="隐患描述")
    grade: Grade = Field(title="隐患等级")
    industry: Industry = Field(title="行业领域")
    category: HazardCategory = Field(title="隐患类别")
    enterprise_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)] = Field(
        title="生产经营单位/场所")
    credit_code: str = Field("", title="统一社会信用代码", max_length=30)
    site: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(
        title="隐患部位/地点")
    place_unit_id: int | None = Field(None, title="所在地")
    owner_unit_id: int | None = Field(None, title="责任单位")
    inspection_id: int | None = Field(None, title="所属检查")
    source: Source | None = Field(None, title="来源")
    finder: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = Field("", title="发现人")
    found_on: dt.date | None = Field(None, title="发现日期")
    violations: list[ViolationIn] = Field([], title="违法违规行为", max_length=20)

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, v: str) -> str:
        v = v.strip().upper()
        if v and (problem := credit_code_problem(v)):
            raise ValueError(problem)
        return v



class InspectionIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)] = Field(
        title="检查名称")
    inspecting_unit_id: int | None = Field(None, title="检查单位")
    scope_unit_ids: list[int] = Field(title="检查范围", min_length=1, max_length=200)
    start_date: dt.date = Field(title="开始日期")
    end_date: dt.date = Field(title="结束日期")
    description: Note = Field("", title="检查内容与要求")

    @model_validator(mode="after")
    def _period(self):
        if self.end_date < self.start_date:
            raise FieldValueError("结束日期不能早于开始日期。", field="end_date")
        if (self.end_date - self.start_date).days > 366:
            raise FieldValueError("一次检查的期间不能超过一年。", field="end_date")
        return self


# --- workflow payloads -----------------------------------------------------------------

class FixOnSpotIn(Strict):
    measures: LongText = Field(title="整改措施")
    responsible_person: Name = Field(title="整改责任人")
    funds_yuan: int | None = Field(None, title="整改资金（元）", ge=0, le=1_000_000_000)


class OrderRectificationIn(Strict):
    measures: LongText = Field(title="整改措施")
    responsible_person: Name = Field(title="整改责任人")
    rectify_by: dt.date | None = Field(None, title="整改期限")
    funds_yuan: int | None = Field(None, title="整改资金（元）", ge=0, le=1_000_000_000)
    interim_controls: Note = Field("", title="临时管控措施")


class RectifiedIn(Strict):
    completed_on: dt.date | None = Field(None, title="整改完成日期")
    note: Note = Field("", title="整改情况")


class CheckPassIn(Strict):
    checker: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        title="验收人员")
    notes: Note = Field("", title="验收意见")


class CheckFailIn(Strict):
    checker: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        title="验收人员")
    reason: LongText = Field(title="不合格原因")
    rectify_by: dt.date | None = Field(None, title="重新整改期限")


class UpgradeIn(Strict):
    reason: LongText = Field(title="升级理由")


class PlanIn(Strict):
    """16号令 Art 15: goal, measures, funds and materials, organisation and people, time
    limit, safety measures and emergency plan; Art 16: interim controls."""

    goal: LongText = Field(title="治理目标和任务")
    measures: LongText = Field(title="治理方法和措施")
    funds_yuan: int = Field(title="治理资金（元）", ge=0, le=1_000_000_000)
    materials: Note = Field("", title="物资落实")
    organisation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(
        title="负责治理的机构和人员")
    responsible_person: Name = Field(title="治理责任人")
    time_limit: dt.date = Field(title="治理时限")
    safety_measures: LongText = Field(title="安全措施")
    emergency_plan: LongText = Field(title="应急预案")
    interim_controls: LongText = Field(title="临时管控措施")
    stop_production: bool = Field(False, title="全部或局部停产停业")


class ReportIn(Strict):
    """16号令 Art 14: the report gives the hazard's state and cause, its harm and how hard it
    is to remove, and the plan (attached from the case)."""

    unit_id: int = Field(title="监管部门")
    situation: LongText = Field(title="隐患现状及产生原因")
    harm_analysis: LongText = Field(title="危害程度和整改难易程度分析")


class SuperviseIn(Strict):
    supervision_ref: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] = Field(
        title="督办文号")
    requirements: LongText = Field(title="督办要求")
    stop_production: bool = Field(False, title="责令全部或局部停产停业")


class ProgressIn(Strict):
    note: LongText = Field(title="治理进展")


class ApplyResumeIn(Strict):
    """16号令 Art 18: after rectification an evaluation, then a written application."""

    evaluation: LongText = Field(title="治理情况评估")
    evaluator: Short = Field("", title="评估单位（本单位专家或安全评价机构）")


class ReviewPassIn(Strict):
    checker: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        title="审查人员")
    notes: LongText = Field(title="审查意见")


class ReviewFailIn(Strict):
    checker: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        title="审查人员")
    reason: LongText = Field(title="不合格原因与整改要求")
    time_limit: dt.date = Field(title="重新治理时限")


class CloseOffIn(Strict):
    note: Note = Field("", title="销号说明")


class ViolationRecordIn(Strict):
    kind: ViolationType = Field(title="违法违规类型")
    description: LongText = Field(title="情况说明")
