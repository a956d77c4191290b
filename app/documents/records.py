"""Attachments, level changes, baton handovers, the log's changes of state, deletion requests."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from app.documents.base import DocumentBase
from app.documents.fields import BtiLevel, DocumentId, LogStatus, ShortText, UserId


class Attachment(DocumentBase):
    """Metadata of an attached file; its bytes are stored encrypted beside it."""

    kind: Literal["attachment"] = Field("attachment", description="Document kind.")
    title: ShortText = Field(description="What the file is, shown in lists.")
    filename: ShortText = Field(description="Original file name, for download only.")
    media_type: Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]+$")] = Field(
        description="Media type checked on upload, e.g. application/pdf."
    )
    size_bytes: int = Field(ge=0, description="Size of the file in bytes.")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="SHA-256 of the plaintext file."
    )
    uploaded_by: UserId = Field(description="Opaque id of the uploader.")
    uploaded_at: AwareDatetime = Field(description="When it was uploaded.")


class LevelChange(DocumentBase):
    """A change of BTI level, with the reason in the body; the overview shows the history."""

    kind: Literal["level_change"] = Field("level_change", description="Document kind.")
    from_level: BtiLevel
    to_level: BtiLevel
    changed_on: date = Field(description="Date of the change.")
    decided_by: DocumentId = Field(description="Participant who recorded the decision.")

    @model_validator(mode="after")
    def _is_a_change(self) -> LevelChange:
        if self.from_level == self.to_level:
            raise ValueError("from_level and to_level are the same")
        return self


class BatonHandover(DocumentBase):
    """The baton passes from one holder to another; nobody lets go first.

    A handover is *offered* by the holder (or assigned by the unit leader) and
    stays pending, with the old holder keeping every duty and right, until the
    new holder *accepts* it (seeds 002, 004); it may be *declined* by them or
    *withdrawn* by whoever offered it. Records written before handovers could
    wait were accepted at once, hence the default.
    """

    kind: Literal["baton_handover"] = Field("baton_handover", description="Document kind.")
    from_holder: DocumentId = Field(description="Participant handing the baton on.")
    to_holder: DocumentId = Field(description="Participant taking it over.")
    state: Literal["offered", "accepted", "declined", "withdrawn"] = Field(
        "accepted", description="Offered and waiting, or how it was answered."
    )
    offered_by: UserId | None = Field(
        None, description="Opaque id of who offered it (the holder, or the unit leader)."
    )
    offered_on: date | None = Field(None, description="When the handover was offered.")
    handed_over_on: date | None = Field(
        None, description="Date the new holder took over (accepted)."
    )
    answered_on: date | None = Field(None, description="When it was declined or withdrawn.")

    @model_validator(mode="after")
    def _two_people(self) -> BatonHandover:
        if self.from_holder == self.to_holder:
            raise ValueError("the baton must pass to another participant")
        if (self.state == "accepted") != (self.handed_over_on is not None):
            raise ValueError("handed_over_on is the date an accepted handover took effect")
        if (self.state in ("declined", "withdrawn")) != (self.answered_on is not None):
            raise ValueError("answered_on is the date a handover was declined or withdrawn")
        return self

    @property
    def pending(self) -> bool:
        """Offered and not yet answered."""
        return self.state == "offered"


class StatusChange(DocumentBase):
    """One step of the log's life: who took it, when, from which state to which, and why.

    Written in the same commit as the overview's new state, so the overview
    page and the archive can tell the log's life without reading Git metadata.
    """

    kind: Literal["status_change"] = Field("status_change", description="Document kind.")
    step: Literal[
        "activate", "make_passive", "reactivate", "close", "reopen", "archive", "block"
    ] = Field(description="The life-cycle step (app/lifecycle/machine.py).")
    from_status: LogStatus = Field(description="State before the step.")
    to_status: LogStatus = Field(description="State after the step.")
    changed_on: date = Field(description="Date of the step, in Norway.")
    changed_at: AwareDatetime = Field(
        description="When the step was taken, to order a day's steps."
    )
    changed_by: UserId = Field(description="Opaque id of who took it.")
    reason: ShortText = Field("", description="Closing reason or cause, as a code.")
    note: ShortText = Field("", description="What the person taking the step wrote.")
    old_content_visible: bool | None = Field(
        None,
        description="On reopening: whether the participants see what was written before.",
    )

    @model_validator(mode="after")
    def _is_a_change(self) -> StatusChange:
        if self.from_status == self.to_status:
            raise ValueError("from_status and to_status are the same")
        return self


class DeletionRequest(DocumentBase):
    """A guardian (or the youth) asks for the log to be deleted; the coordinator handles it.

    Where the archive duty applies the log is *blocked* (the request ends
    "blocked", with the step in the same commit). Where it does not, one
    coordinator proposes shredding ("shred_proposed") and a second confirms
    ("shredded", committed like any decision); the log's keys are destroyed
    right after, so the outcome is also kept outside the log, in the
    instance's deletion register. A coordinator may also turn the
    request down with a note ("declined"), and the family may withdraw it while
    it is open.
    """

    kind: Literal["deletion_request"] = Field("deletion_request", description="Document kind.")
    asked_by: UserId = Field(description="Opaque id of the guardian or youth who asked.")
    asked_by_role: Literal["guardian", "subject"] = Field(description="Who asked, as a role.")
    asked_on: date = Field(description="When it was asked, in Norway.")
    reason: ShortText = Field("", description="What the family wrote, if anything.")
    state: Literal["open", "shred_proposed", "shredded", "blocked", "declined", "withdrawn"] = (
        Field("open", description="Waiting, proposed for shredding, or how it ended.")
    )
    proposed_by: UserId | None = Field(
        None, description="Coordinator who proposed shredding (a second one confirms)."
    )
    proposed_on: date | None = Field(None, description="When shredding was proposed.")
    decided_by: UserId | None = Field(
        None, description="Coordinator who blocked, declined or (the second) confirmed shredding."
    )
    decided_on: date | None = Field(None, description="When it was decided, or withdrawn.")
    decision_note: ShortText = Field("", description="The coordinator's note on the decision.")

    @model_validator(mode="after")
    def _decided_when_done(self) -> DeletionRequest:
        if (self.state in ("shred_proposed", "shredded")) != (self.proposed_by is not None):
            raise ValueError("proposed_by names who proposed shredding")
        ended = ("shredded", "blocked", "declined", "withdrawn")
        if (self.state in ended) != (self.decided_on is not None):
            raise ValueError("decided_on is the date a request ended")
        if self.state == "shredded" and self.decided_by in (None, self.proposed_by):
            raise ValueError("a second coordinator confirms shredding")
        return self

    @property
    def waiting(self) -> bool:
        """Still for a coordinator to handle (open, or proposed for shredding)."""
        return self.state in ("open", "shred_proposed")


class ArchiveDelivery(DocumentBase):
    """The holder filed approved minutes and consents to the archive while the log was open.

    Seed 002: the holder files to the archive after meetings. The delivery is a
    small Noark 5 package of those registrations; this record says which
    (by systemID), so the export at closure does not send them again.
    """

    kind: Literal["archive_delivery"] = Field("archive_delivery", description="Document kind.")
    delivered_at: AwareDatetime = Field(description="When the package was made.")
    delivered_by: UserId = Field(description="Opaque id of the holder who delivered it.")
    registrations: list[UUID] = Field(
        min_length=1, description="systemIDs of the registrations delivered."
    )
    documents: list[UUID] = Field(
        default_factory=list, description="systemIDs of the document descriptions delivered."
    )
