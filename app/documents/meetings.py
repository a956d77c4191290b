"""Meetings with minutes and amendments, messages, and calendar entries."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.documents.base import DocumentBase
from app.documents.fields import Body, DocumentId, ShortText, UserId


class Attendee(BaseModel):
    """Someone at a meeting: a participant, or a named guardian/subject/guest."""

    model_config = ConfigDict(extra="forbid")

    participant: DocumentId | None = Field(None, description="Participant document, if staff.")
    name: ShortText = Field("", description="Name, when not a participant.")
    role: Literal["participant", "guardian", "subject", "guest"] = Field(
        "participant", description="In which capacity they attended."
    )


class AgendaOutcome(BaseModel):
    """What the meeting agreed on one agenda item (the minutes, item by item)."""

    model_config = ConfigDict(extra="forbid")

    item: ShortText = Field(min_length=1, description="The agenda item.")
    agreed: Body = Field("", description="What was agreed, in Markdown.")


class Meeting(DocumentBase):
    """A meeting: called by the holder, minuted by the minute-taker, approved by the holder.

    The body holds the minutes' general notes. Once ``approved_at`` is set the
    minutes are locked: the gateway refuses any change to the document, and
    later corrections are :class:`MinutesAmendment` documents shown below them.
    """

    kind: Literal["meeting"] = Field("meeting", description="Document kind.")
    title: ShortText = Field(min_length=1, description="Short title of the meeting.")
    starts_at: AwareDatetime = Field(description="Start time.")
    ends_at: AwareDatetime | None = Field(None, description="End time.")
    place: ShortText = Field("", description="Where the meeting takes place.")
    video_link: ShortText = Field("", description="Link to a video meeting (https), if any.")
    agenda: list[ShortText] = Field(default_factory=list, description="Agenda items.")
    minute_taker: DocumentId | None = Field(None, description="Participant writing the minutes.")
    invited: list[DocumentId] = Field(default_factory=list, description="Invited participants.")
    invite_guardians: bool = Field(True, description="Whether the guardians are invited.")
    invite_subject: bool = Field(False, description="Whether the child or youth is invited.")
    called_by: UserId | None = Field(None, description="Opaque id of who called the meeting.")
    attendees: list[Attendee] = Field(default_factory=list, description="Who attended.")
    outcomes: list[AgendaOutcome] = Field(
        default_factory=list, description="Minutes: what was agreed per agenda item."
    )
    minutes_by: UserId | None = Field(None, description="Opaque id of who last wrote the minutes.")
    next_meeting_at: AwareDatetime | None = Field(None, description="Date of the next meeting.")
    status: Literal["planned", "held", "cancelled"] = Field("planned", description="State.")
    approved_at: AwareDatetime | None = Field(None, description="When the holder approved.")
    approved_by: UserId | None = Field(None, description="Opaque id of who approved.")
    cancelled_at: AwareDatetime | None = Field(None, description="When it was cancelled.")
    cancel_reason: ShortText = Field("", description="Why it was cancelled.")

    @model_validator(mode="after")
    def _consistent(self) -> Meeting:
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValueError("ends_at is before starts_at")
        if self.video_link and not self.video_link.startswith("https://"):
            raise ValueError("video_link must be an https:// address")
        if self.approved_at is not None and self.status != "held":
            raise ValueError("only the minutes of a held meeting can be approved")
        if (self.cancelled_at is not None) != (self.status == "cancelled"):
            raise ValueError("a cancelled meeting has cancelled_at, and only then")
        return self

    @property
    def locked(self) -> bool:
        """Approved minutes are never edited again."""
        return self.approved_at is not None


class MinutesAmendment(DocumentBase):
    """A dated, signed correction to approved minutes; the body says what is corrected."""

    kind: Literal["amendment"] = Field("amendment", description="Document kind.")
    meeting: DocumentId = Field(description="The meeting whose approved minutes it corrects.")
    written_by: UserId = Field(description="Opaque id of who wrote (signed) it.")
    author: DocumentId | None = Field(None, description="Participant who wrote it.")
    written_at: AwareDatetime = Field(description="When it was written.")


class Message(DocumentBase):
    """A message in a thread of the log; invitations and approved minutes are messages too.

    A message without ``thread`` starts one; replies name the first message.
    Withdrawing empties the body at HEAD; the text stays in the encrypted history.
    """

    kind: Literal["message"] = Field("message", description="Document kind.")
    author: UserId = Field(description="Opaque id of the user who wrote it.")
    author_role: Literal["participant", "guardian", "subject"] = Field(description="As whom.")
    sent_at: AwareDatetime = Field(description="When it was sent.")
    subject_line: ShortText = Field(min_length=1, description="Subject line.")
    meeting: DocumentId | None = Field(None, description="Meeting it concerns, if any.")
    thread: DocumentId | None = Field(None, description="First message of the thread, if a reply.")
    purpose: Literal["message", "invitation", "minutes", "cancellation"] = Field(
        "message", description="A plain message, or one the log sent about a meeting."
    )
    include_subject: bool = Field(
        False,
        description="First message only: whether a child under the consent age takes part.",
    )
    edited_at: AwareDatetime | None = Field(None, description="When the author last edited it.")
    withdrawn_at: AwareDatetime | None = Field(None, description="When the author withdrew it.")


class CalendarEntry(DocumentBase):
    """A date in the log's calendar, such as the next meeting."""

    kind: Literal["calendar_entry"] = Field("calendar_entry", description="Document kind.")
    title: ShortText = Field(min_length=1, description="What happens.")
    starts_at: AwareDatetime = Field(description="Start time.")
    ends_at: AwareDatetime | None = Field(None, description="End time.")
    place: ShortText = Field("", description="Where.")
    meeting: DocumentId | None = Field(None, description="Meeting it announces, if any.")
    from_meeting: DocumentId | None = Field(
        None, description="Meeting whose minutes set this date (the next meeting), if any."
    )
