"""The JSON shapes of the assessment API (CONTRACT.md), for validation and OpenAPI."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator
from pydantic_core import PydanticCustomError

Sex = Literal["female", "male", "other", "unspecified"]
Level = Literal["emergency", "urgent", "appointment", "self_care"]
Destination = Literal[
    "999", "a_and_e", "urgent_care", "gp_today", "gp_soon", "podiatry", "pharmacist", "self_care"
]


class AssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    age: StrictInt = Field(ge=0, le=120, description="Age in whole years, 0 to 120.")
    sex: Sex = "unspecified"
    answers: dict[StrictStr, StrictBool] = Field(
        default_factory=dict,
        description="Finding ID to true (present) or false (absent). Not given means unknown.",
    )
    not_sure: list[StrictStr] = Field(
        default_factory=list,
        description="Finding IDs asked about but not answered: unknown, and never asked again.",
    )

    @field_validator("sex", mode="before")
    @classmethod
    def _known_sex(cls, value: Any) -> Any:
        if not isinstance(value, str) or value not in get_args(Sex):
            raise PydanticCustomError(
                "unknown_sex", "Choose one of 'female', 'male', 'other' or 'unspecified'."
            )
        return value


class ReasonOut(Schema):
    rule: str | None
    condition: str | None
    findings: list[str]
    text: str


class TriageOut(Schema):
    level: Level
    destination: Destination
    reasons: list[ReasonOut]
    advice: str


class ConditionOut(Schema):
    slug: str
    name: str
    probability: float
    supporting: list[str]
    against: list[str]
    article_url: str | None
    usual_triage: Level


class QuestionOut(Schema):
    finding: str
    text: str
    help: str | None = None


class AssessmentOut(Schema):
    triage: TriageOut
    conditions: list[ConditionOut]
    next_question: QuestionOut | None
    knowledge_version: str


class ErrorOut(Schema):
    field: str
    code: str
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorOut]


class FindingOut(Schema):
    id: str
    group: str
    question: str
    help: str | None
    yes: str
    no: str


class RegionOut(Schema):
    slug: str
    name: str
    findings: list[str]


class VocabularyConditionOut(Schema):
    slug: str
    name: str
    aka: list[str]
    usual_triage: Level
    article_url: str | None


class ReviewerOut(Schema):
    name: str
    role: str


class ReleaseOut(Schema):
    version: str
    date: dt.date = Field(description="When this release of the knowledge was made.")
    status: Literal["draft", "signed_off"] = Field(
        description="signed_off: a named clinician signed this release off; draft: not yet."
    )
    reviewer: ReviewerOut | None = Field(description="The clinician who reviews or signed it.")
    signed_off: dt.date | None = Field(description="The date of the clinical sign-off, if any.")
    changes: list[str] = Field(description="What changed in this release.")


class VocabularyOut(Schema):
    knowledge_version: str
    knowledge_release: ReleaseOut | None = Field(
        default=None,
        description="The release record of knowledge_version; null when it has none.",
    )
    findings: list[FindingOut]
    regions: list[RegionOut]
    conditions: list[VocabularyConditionOut]
