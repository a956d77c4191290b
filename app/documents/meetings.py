"""Meetings with minutes, messages and calendar entries."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.documents.base import DocumentBase
from app.documents.fields import DocumentId, ShortText, UserId


class Attendee(BaseModel):
    """Someone at a meeting: a participant, or a named guardian/subject/guest."""

    model_config = ConfigDict(extra="forbid")

    participant: DocumentId | None = Field(None, description="Participant document, if staff.")
    name: ShortText = Field("", description="Name, when not a participant.")
    role: Literal["participant", "guardian", "subject", "guest"] = Field(
        "participant", description="In which capacity they attended."
    )


class Meeting(DocumentBase):
    """A meeting: time, place, agenda, minute-taker, attendees; the body holds the minutes."""

    kind: Literal["meeting"] = Field("meeting", description="Document kind.")
    title: ShortText = Field(min_length=1, description="Short title of the meeting.")
    starts_at: AwareDatetime = Field(description="Start time.")
    ends_at: AwareDatetime | None = Field(None, description="End time.")
    place: ShortText = Field("", description="Where the meeting takes place.")
    agenda: list[ShortText] = Field(default_factory=list, description="Agenda items.")
    minute_taker: DocumentId | None = Field(None, description="Participant writing the minutes.")
    attendees: list[Attendee] = Field(default_factory=list, description="Who attended.")
    status: Literal["planned", "held", "cancelled"] = Field("planned", description="State.")

    @model_validator(mode="after")
    def _ends_after_start(self) -> Meeting:
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValueError("ends_at is before starts_at")
        return self


class Message(DocumentBase):
    """A message in the log (invitations and minutes are sent this way)."""

    kind: Literal["message"] = Field("message", description="Document kind.")
    author: UserId = Field(description="Opaque id of the user who wrote it.")
    author_role: Literal["participant", "guardian", "subject"] = Field(description="As whom.")
    sent_at: AwareDatetime = Field(description="When it was sent.")
    subject_line: ShortText = Field(min_length=1, description="Subject line.")
    meeting: DocumentId | None = Field(None, description="Meeting it concerns, if any.")


class CalendarEntry(DocumentBase):
    """A date in the log's calendar, such as the next meeting."""

    kind: Literal["calendar_entry"] = Field("calendar_entry", description="Document kind.")
    title: ShortText = Field(min_length=1, description="What happens.")
    starts_at: AwareDatetime = Field(description="Start time.")
    ends_at: AwareDatetime | None = Field(None, description="End time.")
    place: ShortText = Field("", description="Where.")
    meeting: DocumentId | None = Field(None, description="Meeting it announces, if any.")
