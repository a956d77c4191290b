"""The log overview and the subject's own presentation and initiative."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.documents.base import DocumentBase
from app.documents.fields import (
    ENDED_STATUSES,
    Body,
    BtiLevel,
    ClosingReason,
    DocumentId,
    Fodselsnummer,
    LogStatus,
    LogTemplate,
    ShortText,
    UnitId,
)


class Subject(BaseModel):
    """The person the log is about (planeier)."""

    model_config = ConfigDict(extra="forbid")

    fnr: Fodselsnummer
    given_name: ShortText = Field(description="Given name(s) of the subject.")
    family_name: ShortText = Field(description="Family name of the subject.")
    birth_date: date = Field(description="Date of birth (for a pregnancy log: the mother's).")


class LogOverview(DocumentBase):
    """The overview of one log: who it is about, where it belongs, its state."""

    singleton: ClassVar[bool] = True
    kind: Literal["log"] = Field("log", description="Document kind discriminator.")
    subject: Subject = Field(description="The person the log is about.")
    municipality: ShortText = Field(description="Municipality that owns the log.")
    unit_id: UnitId = Field(description="The unit that created and coordinates the log.")
    template: LogTemplate = Field(description="Template the log was created from.")
    status: LogStatus = Field(LogStatus.ACTIVE, description="Life-cycle state of the log.")
    level: BtiLevel = 1
    holder: DocumentId = Field(description="Participant document of the current holder.")
    opened_on: date = Field(description="Date the log was created.")
    closed_on: date | None = Field(None, description="Date the log was closed, if closed.")
    closing_reason: ClosingReason | None = Field(None, description="Why the log was closed.")
    closing_note: ShortText = Field("", description="What the closer wrote about why.")
    reopened_on: date | None = Field(None, description="When the log was last reopened.")
    hidden_before: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}$")] | None = Field(
        None,
        description="On reopening without the old content: the last revision before it; the "
        "participants see only documents written or changed after it.",
    )
    photo: DocumentId | None = Field(None, description="Attachment with the subject's photo.")

    @model_validator(mode="after")
    def _closed_fields_agree(self) -> LogOverview:
        if self.status == LogStatus.SHREDDED:
            raise ValueError("a shredded log has no overview to say so")
        closed = self.status in ENDED_STATUSES
        if closed and (self.closed_on is None or self.closing_reason is None):
            raise ValueError("a closed log needs closed_on and closing_reason")
        if not closed and self.closed_on is not None:
            raise ValueError("closed_on is only set on a closed log")
        return self


class Presentation(DocumentBase):
    """ "Me as a kindergarten child / pupil": strengths and challenges (seed 002 §5.3)."""

    singleton: ClassVar[bool] = True
    kind: Literal["presentation"] = Field("presentation", description="Document kind.")
    title: ShortText = Field(description='Heading, such as "Meg som elev".')
    strengths: list[ShortText] = Field(default_factory=list, description="Strengths, one per item.")
    challenges: list[ShortText] = Field(
        default_factory=list, description="Challenges, one per item."
    )
    social: ShortText = Field("", description="Social side, in short.")
    emotional: ShortText = Field("", description="Emotional side, in short.")
    academic: ShortText = Field("", description="Academic side, in short.")
    subject_words: Body = Field(
        "", description="The child's or youth's own words about themself (the child's voice)."
    )
    guardian_words: Body = Field("", description="The guardians' own words about the child.")


class Initiative(DocumentBase):
    """Who took the initiative to the log and because of which concern."""

    singleton: ClassVar[bool] = True
    kind: Literal["initiative"] = Field("initiative", description="Document kind.")
    raised_by: Literal["staff", "guardian", "subject", "other"] = Field(
        description="What kind of person raised the concern."
    )
    raised_by_participant: DocumentId | None = Field(
        None, description="The participant who raised it, when it was staff."
    )
    raised_on: date = Field(description="When the concern was raised.")
