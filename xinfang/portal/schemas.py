"""What a resident types into the online form (信访工作条例 Art 19: name, address, request,
facts and reasons; a phone so the organ can reach them). Titles are the labels on the
form, so every message names the field the resident sees."""
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from xinfang.core.identity import id_number_problem, phone_problem
from xinfang.petitions.models import ClaimType


def _text(min_length: int, max_length: int):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)]


class OnlinePetitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: _text(1, 40) = Field(title="姓名")
    phone: _text(1, 20) = Field(title="联系电话")
    address: _text(2, 200) = Field(title="住址")
    id_number: str = Field("", title="身份证号", max_length=18)
    claim_type: ClaimType = Field(ClaimType.REQUEST, title="信访类别")
    title: _text(2, 100) = Field(title="标题")
    request: _text(2, 2000) = Field(title="诉求")
    facts: _text(5, 10000) = Field(title="事实和理由")
    category_id: int | None = Field(None, title="问题分类")
    place_unit_id: int | None = Field(None, title="问题发生地")
    accused_unit_id: int | None = Field(None, title="被反映单位")

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.replace(" ", "")
        if problem := phone_problem(v):
            raise ValueError(problem)
        return v

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, v: str) -> str:
        v = v.strip().upper()
        if v and (problem := id_number_problem(v)):
            raise ValueError(problem)
        return v

    def as_petition(self) -> dict:
        """The registration input (petitions.schemas.PetitionIn) of this submission."""
        return dict(
            title=self.title, channel="web", claim_type=self.claim_type, person_count=1,
            content=f"【诉求】{self.request}\n【事实和理由】{self.facts}",
            category_id=self.category_id, place_unit_id=self.place_unit_id, accused_unit_id=self.accused_unit_id,
            petitioners=[dict(name=self.name, phone=self.phone, address=self.address, id_number=self.id_number)],
        )

