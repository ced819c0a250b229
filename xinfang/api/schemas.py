"""The API's own input and output schemas. Registration and rating reuse the petition
app's input models (PetitionIn, RateIn), so every write path validates alike."""
import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class ErrorOut(Schema):
    code: str = Field(description="机器可读的错误代码，如 not_found / conflict / invalid / unauthenticated")
    message: str = Field(description="中文说明")
    field: str | None = Field(None, description="出错的字段（如有）")


class UnitRef(Schema):
    id: int
    name: str


class UserRef(Schema):
    id: int
    name: str


class DeadlineOut(Schema):
    key: str
    label: str
    due_date: dt.date
    state: str = Field(description="normal / due_soon / overdue / paused / met / late")
    state_label: str
    provisional: bool = Field(description="节假日安排尚未公布，到期日为暂定")
    active: bool
    obligation: str
    counting: str
    length_days: int
    extension_days: int
    paused_days: int
    legal_source: str
    days_left: int | None


class CaseSummaryOut(Schema):
    number: str
    kind: str
    title: str
    status: str
    status_label: str
    is_open: bool
    version: int
    received_date: dt.date
    next_due_date: dt.date | None
    deadline_state: str
    deadline_state_label: str
    owner_unit: UnitRef
    category: str | None
    petitioner_summary: str = Field(description="首位信访人（检举控告对被反映单位显示“依法保密”）")
    updated_at: dt.datetime


class CaseListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseSummaryOut]


class PartyOut(Schema):
    name: str
    id_number: str
    phone: str
    address: str
    is_representative: bool
    hidden: bool = Field(description="依法对本用户保密")
    masked: bool = Field(True, description="身份证号、电话、住址已脱敏")


class PetitionOut(Schema):
    channel: str
    channel_label: str
    claim_type: str
    claim_type_label: str
    person_count: int
    is_collective: bool
    reception_level: str
    reception_level_label: str
    is_skip_level: bool
    is_first: bool
    handling_unit: UnitRef | None
    review_unit: UnitRef | None
    rereview_unit: UnitRef | None
    decline_channel: str
    decline_channel_label: str
    decline_reason: str
    extension_days: int
    satisfaction: str
    satisfaction_label: str
    satisfaction_comment: str


class AnswerOut(Schema):
    id: int
    stage: str
    stage_label: str
    decision: str
    decision_label: str
    facts: str
    legal_basis: str
    text: str
    unit: UnitRef
    status: str = Field(description="pending 待审核 / returned 已退回 / approved 已通过")
    submitted_by: str | None
    submitted_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    return_reason: str


class ActionOut(Schema):
    action: str
    label: str
    target: str | None = Field(description="执行后的状态；null 表示状态不变")
    document: str = Field(description="此步骤产生的文书（如有）")
    payload_schema: dict[str, Any] | None = Field(description="payload 的 JSON Schema；null 表示无需填写")


class CaseDetailOut(Schema):
    number: str
    kind: str
    kind_label: str
    title: str
    content: str
    status: str
    status_label: str
    is_open: bool
    version: int = Field(description="执行操作时原样带回，用于防止并发覆盖")
    query_code: str | None = Field(description="群众查询码（对被检举控告单位的人员不显示）")
    received_date: dt.date
    next_due_date: dt.date | None
    deadline_state: str
    category: str | None
    place_unit: UnitRef | None
    registered_unit: UnitRef
    owner_unit: UnitRef
    accused_unit: UnitRef | None
    handler: UserRef | None
    leader: UserRef | None
    repeat_of: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    petition: PetitionOut | None
    parties: list[PartyOut]
    deadlines: list[DeadlineOut]
    answers: list[AnswerOut]
    actions: list[ActionOut] = Field(description="当前用户此刻可以执行的操作")


class EventOut(Schema):
    seq: int
    action: str
    label: str
    from_status: str
    to_status: str
    actor: str | None = Field(description="操作人姓名；群众或系统为 null")
    actor_kind: str = Field(description="staff / public / system")
    actor_unit: str | None
    at: dt.datetime
    payload: dict[str, Any]
    is_public: bool
    public_text: str


class TimelineOut(Schema):
    number: str
    events: list[EventOut]


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(title="操作", min_length=1, max_length=40)
    version: int = Field(title="版本号", ge=1)
    payload: dict[str, Any] = Field(default_factory=dict, title="操作内容")


class CaseListQuery(Schema):
    kind: str | None = Field(None, title="类型", description="如 petition")
    status: str | None = Field(None, title="状态")
    unit: int | None = Field(None, title="单位", description="单位 id：该单位及其下级单位负责的案件")
    deadline_state: Literal["normal", "due_soon", "overdue"] | None = Field(None, title="期限状态")
    received_from: dt.date | None = Field(None, title="收到日期起")
    received_to: dt.date | None = Field(None, title="收到日期止")
    is_open: bool | None = Field(None, title="是否在办")
    order: Literal["-received_date", "received_date", "next_due_date", "-updated_at"] = Field(
        "-received_date", title="排序")
    limit: int = Field(20, title="每页条数", ge=1, le=200)
    offset: int = Field(0, title="起始位置", ge=0)


class PublicDeadlineOut(Schema):
    label: str
    due_date: dt.date
    state: str
    state_label: str
    provisional: bool
    legal_source: str


class PublicEventOut(Schema):
    at: dt.datetime
    text: str


class PublicAnswerOut(Schema):
    stage: str
    decision: str
    facts: str
    legal_basis: str
    text: str
    unit: str
    date: dt.datetime | None


class PublicTrackOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    received_date: dt.date
    owner_unit: str
    timeline: list[PublicEventOut]
    deadlines: list[PublicDeadlineOut]
    answers: list[PublicAnswerOut]
    satisfaction: str
    satisfaction_label: str
    appeal_hint: str
    decline_channel: str
    can_rate: bool = Field(description="现在可以评价")
