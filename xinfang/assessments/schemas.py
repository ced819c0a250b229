"""Inputs of 稳评 registration and of each workflow action (pydantic). Titles are the Chinese
field names used in error messages and in the action forms the case page generates, so
every payload keeps to simple fields (text, numbers, dates, choices)."""
import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from xinfang.core.validation import FieldValueError
from xinfang.petitions.schemas import LongText, Strict

from .models import AssessorKind, ConsultationForm, DecisionType, MonitoringSituation, RiskLevel

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
ShortLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]


class AssessmentIn(Strict):
    """A decision or project to assess (条例 Art 22): what, whose, where, how many people."""

    title: Line = Field(title="决策事项名称")
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=20000)] = Field(
        title="事项概况与承办单位初步分析")
    decision_type: DecisionType = Field(title="决策类型")
    owner_unit_id: int | None = Field(None, title="决策承办单位")
    sponsor: str = Field("", title="项目单位/建设单位", max_length=200)
    place_unit_id: int | None = Field(None, title="所在街道/社区")
    location: Line = Field(title="实施地点")
    affected_people: int = Field(title="涉及群众人数", ge=1, le=10_000_000)
    affected_households: int = Field(0, title="涉及户数", ge=0, le=5_000_000)
    decision_body: ShortLine = Field("区人民政府", title="决策机关")
    received_date: dt.date | None = Field(None, title="立项日期")

    @model_validator(mode="after")
    def _households(self):
        if self.affected_households > self.affected_people:
            raise FieldValueError("涉及户数不能多于涉及群众人数。", field="affected_households")
        return self


class PlanIn(Strict):
    """评估方案: who assesses, how, and when."""

    assessor_kind: AssessorKind = Field(title="评估主体")
    assessor_name: Line = Field(title="评估机构/评估小组")
    scope_and_methods: LongText = Field(title="评估范围与方法")
    start_date: dt.date = Field(title="评估开始日期")
    end_date: dt.date = Field(title="评估结束日期")

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date < self.start_date:
            raise FieldValueError("评估结束日期不能早于开始日期。", field="end_date")
        return self


class PlanRevisionIn(PlanIn):
    """修改决策方案后重新评估: what changed, and the plan of the new round."""

    revision: LongText = Field(title="方案修改内容")


class ConsultationIn(Strict):
    """One way views were collected. Only a questionnaire carries counts for and against."""

    form: ConsultationForm = Field(title="征求意见形式")
    held_on: dt.date = Field(title="日期")
    participants: int = Field(title="参与人数", ge=0, le=10_000_000)
    support: int = Field(0, title="支持人数", ge=0, le=10_000_000)
    against: int = Field(0, title="反对人数（含强烈反对）", ge=0, le=10_000_000)
    strongly_against: int = Field(0, title="其中强烈反对人数", ge=0, le=10_000_000)
    summary: LongText = Field(title="主要意见")

    @model_validator(mode="after")
    def _counts(self):
        counted = self.support or self.against or self.strongly_against
        if self.form != ConsultationForm.QUESTIONNAIRE:
            if counted:
                raise FieldValueError("只有问卷调查填写支持/反对人数；其他形式的意见请写入“主要意见”。",
                                      field="support")
            return self
        if self.participants < 1:
            raise FieldValueError("问卷调查的参与人数至少为 1。", field="participants")
        if self.strongly_against > self.against:
            raise FieldValueError("强烈反对人数不能多于反对人数（反对人数含强烈反对）。", field="strongly_against")
        if self.support + self.against > self.participants:
            raise FieldValueError("支持人数与反对人数之和不能超过参与人数。", field="support")
        return self


class AnalysisIn(Strict):
    """合法性、合理性、可行性、可控性 (2492号)."""

    legality: LongText = Field(title="合法性")
    reasonableness: LongText = Field(title="合理性")
    feasibility: LongText = Field(title="可行性")
    controllability: LongText = Field(title="可控性")


class RiskPointIn(Strict):
    description: LongText = Field(title="风险点")
    measures: LongText = Field(title="防范化解措施")
    responsible: Line = Field(title="责任单位")


class ReportIn(Strict):
    """评估报告: the rule rates; the report may only be stricter, and must say why."""

    contingency_plan: LongText = Field(title="应急处置预案")
    conclusion: LongText = Field(title="评估结论")
    adjusted_level: RiskLevel | None = Field(None, title="从严调整等级（不调整请不选）")
    adjustment_reason: str = Field("", title="从严调整理由", max_length=2000)


class MeetingIn(Strict):
    """集体讨论决定 (条例 Art 30): the meeting and its minutes."""

    held_on: dt.date = Field(title="会议日期")
    body: ShortLine = Field(title="会议名称")
    attendees: int = Field(title="出席人数", ge=1, le=1000)
    minutes: LongText = Field(title="会议纪要")


class ImplementIn(MeetingIn):
    conditions: LongText = Field(title="实施条件与风险防控要求")


class MonitoringIn(Strict):
    checked_on: dt.date = Field(title="监测日期")
    situation: MonitoringSituation = Field(title="风险态势")
    findings: LongText = Field(title="监测情况")
    measures: str = Field("", title="已采取措施", max_length=5000)


class MonitoringCloseIn(Strict):
    note: LongText = Field(title="跟踪监测结论")


class ReasonIn(Strict):
    reason: LongText = Field(title="理由")


class NoteIn(Strict):
    note: str = Field("", title="说明", max_length=1000)
