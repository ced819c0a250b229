"""Inputs of dispute registration, screening reports and each workflow action (pydantic).
Titles are the Chinese field names used in error messages and generated forms; payloads of
workflow actions keep to simple fields (str, int, date, bool, enums, unit_id) so the
generic case page can render them."""
import datetime as dt
import decimal
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from xinfang.core.identity import id_number_problem, phone_problem
from xinfang.core.validation import FieldValueError
from xinfang.orgs.models import UnitLevel
from xinfang.petitions.schemas import LongText, Strict

from .models import (
    AgreementForm,
    ConfirmationResult,
    DisputeType,
    EndReason,
    MediatorChoice,
    PartyKind,
    PartySide,
    Performance,
    Track,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
_CREDIT_CODE_LEN = 18


class PartyIn(Strict):
    kind: PartyKind = Field(PartyKind.PERSON, title="当事人类别")
    side: PartySide = Field(PartySide.APPLICANT, title="当事人地位")
    name: Name = Field(title="当事人姓名或名称")
    id_number: str = Field("", title="身份证号或统一社会信用代码", max_length=18)
    phone: str = Field("", title="联系电话", max_length=20)
    address: str = Field("", title="住址或住所", max_length=200)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.strip().replace(" ", "")
        if v and (problem := phone_problem(v)):
            raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _identifier(self):
        v = self.id_number.strip().upper()
        if v and self.kind == PartyKind.PERSON and (problem := id_number_problem(v)):
            raise FieldValueError(problem, field="id_number")
        if v and self.kind == PartyKind.ORGANISATION and (len(v) != _CREDIT_CODE_LEN or not v.isalnum()):
            raise FieldValueError("统一社会信用代码应为18位字母或数字。", field="id_number")
        self.id_number = v
        return self


class DisputeIn(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)] = Field(
        title="纠纷名称")
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=20000)] = Field(
        title="纠纷简要情况")
    dispute_type: DisputeType = Field(title="纠纷类型")
    received_date: dt.date | None = Field(None, title="发现（受理）日期")
    place_unit_id: int | None = Field(None, title="发生地（单位）")
    place_text: str = Field("", title="发生地点", max_length=200)
    level_found: UnitLevel | None = Field(None, title="发现层级")
    person_count: int = Field(2, title="涉及人数", ge=1, le=100000)
    amount: decimal.Decimal | None = Field(None, title="涉及金额（元）", ge=0, max_digits=14, decimal_places=2)
    escalation_risk: str = Field("", title="激化风险（文字说明）", max_length=2000)
    category_id: int | None = Field(None, title="分类")
    parties: list[PartyIn] = Field(title="当事人", min_length=1, max_length=500)

    @model_validator(mode="after")
    def _counts(self):
        if self.person_count < len([p for p in self.parties if p.kind == PartyKind.PERSON]):
            raise FieldValueError("涉及人数不能少于登记的自然人当事人数。", field="person_count")
        return self


class ScreeningReportIn(Strict):
    unit_id: int = Field(title="报送单位")
    period_start: dt.date = Field(title="排查周期")
    none_found: bool = Field(False, title="本期未发现矛盾纠纷")
    dispute_numbers: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]] = \
        Field(default_factory=list, title="新发现纠纷编号", max_length=500)
    note: str = Field("", title="排查情况", max_length=5000)

    @model_validator(mode="after")
    def _either(self):
        if self.none_found and self.dispute_numbers:
            raise FieldValueError("已列出新发现的纠纷，不能同时报“未发现”。", field="none_found")
        if not self.none_found and not self.dispute_numbers:
            raise FieldValueError("请列出本期新发现的纠纷；本期没有则勾选“未发现矛盾纠纷”。",
                                  field="dispute_numbers")
        return self


# --- workflow payloads ---------------------------------------------------------------

class NoteIn(Strict):
    note: str = Field("", title="说明", max_length=1000)


class AcceptIn(Strict):
    """人民调解法 Art 19: one or more mediators, designated by the committee or chosen by the parties."""

    mediators: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        title="调解员（多人以、分隔）")
    chosen_how: MediatorChoice = Field(MediatorChoice.DESIGNATED, title="调解员产生方式")
    note: str = Field("", title="说明", max_length=1000)


class MediatorChangeIn(Strict):
    """人民调解法 Art 23: parties may choose or refuse a mediator."""

    refused: str = Field("", title="当事人拒绝的调解员（以、分隔）", max_length=200)
    added: str = Field("", title="新增调解员（以、分隔）", max_length=200)
    chosen_how: MediatorChoice = Field(MediatorChoice.CHOSEN, title="新增调解员产生方式")
    reason: LongText = Field(title="理由")

    @model_validator(mode="after")
    def _something(self):
        if not self.refused.strip() and not self.added.strip():
            raise FieldValueError("请填写被拒绝或新增的调解员。", field="refused")
        return self


class SessionIn(Strict):
    held_on: dt.date = Field(title="调解日期")
    place: Short = Field(title="调解地点")
    participants: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        title="参加人员")
    record: LongText = Field(title="调解记录")


class AgreementIn(Strict):
    """人民调解法 Arts 28–29."""

    form: AgreementForm = Field(AgreementForm.WRITTEN, title="协议形式")
    facts: LongText = Field(title="纠纷主要事实、争议事项及各方责任")
    terms: LongText = Field(title="达成协议的内容")
    performance_method: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)] = \
        Field(title="履行方式")
    performance_by: dt.date = Field(title="履行期限")
    signed_on: dt.date = Field(title="签订（生效）日期")
    all_signed: bool = Field(False, title="各方当事人已签名（按指印）、调解员已签名并加盖调委会印章")

    @model_validator(mode="after")
    def _dates(self):
        if self.performance_by < self.signed_on:
            raise FieldValueError("履行期限不能早于协议签订日期。", field="performance_by")
        if self.form == AgreementForm.WRITTEN and not self.all_signed:
            raise FieldValueError("书面调解协议自各方签名、盖章之日起生效（人民调解法第29条），请确认已签章。",
                                  field="all_signed")
        return self


class FollowUpIn(Strict):
    visited_on: dt.date = Field(title="回访日期")
    performance: Performance = Field(title="履行情况")
    note: str = Field("", title="回访情况", max_length=2000)


class ConfirmationApplyIn(Strict):
    """人民调解法 Art 33: both parties apply jointly within 30 days of the agreement taking effect."""

    court: Short = Field(title="受理法院")
    applied_on: dt.date | None = Field(None, title="申请日期（默认今天）")
    joint: bool = Field(False, title="双方当事人共同申请")

    @model_validator(mode="after")
    def _joint(self):
        if not self.joint:
            raise FieldValueError("司法确认须由双方当事人共同申请（人民调解法第33条）。", field="joint")
        return self


class ConfirmationResultIn(Strict):
    result: ConfirmationResult = Field(title="法院裁定")
    ruling_on: dt.date = Field(title="裁定日期")
    document_no: str = Field("", title="裁定书文号", max_length=60)
    note: str = Field("", title="说明", max_length=1000)

    @model_validator(mode="after")
    def _decided(self):
        if self.result == ConfirmationResult.PENDING:
            raise FieldValueError("请选择法院的裁定结果（确认有效或驳回申请）。", field="result")
        return self


class EndIn(Strict):
    """人民调解法 Arts 17, 23, 26: mediation ends; the parties are told of the other routes."""

    reason: EndReason = Field(title="终止原因")
    other_routes: LongText = Field(title="已告知当事人的其他途径（仲裁、行政、诉讼等）")
    note: str = Field("", title="说明", max_length=1000)


class HandOverIn(Strict):
    """三调对接: to people's, administrative or judicial mediation at another unit."""

    track: Track = Field(title="移交后的调解类型")
    unit_id: int = Field(title="接收单位")
    reason: LongText = Field(title="移交理由")


class PoliceReferralIn(Strict):
    """人民调解法 Art 25: a dispute that may lead to a public-order or criminal case is reported."""

    police_organ: Short = Field(title="报告的公安机关")
    reason: LongText = Field(title="可能引发治安或刑事案件的情况")


class ToPetitionIn(Strict):
    petition_number: str = Field("", title="原信访事项编号（无则登记新信访事项）", max_length=40)
    reason: LongText = Field(title="转入信访渠道的理由")
