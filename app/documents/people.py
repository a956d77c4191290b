"""Participants and consents: who takes part, and on whose permission."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.documents.base import DocumentBase
from app.documents.fields import DocumentId, Fodselsnummer, Service, ShortText, UnitId, UserId


class Notifications(BaseModel):
    """What a participant wants to be notified about (seed 002 §6)."""

    model_config = ConfigDict(extra="forbid")

    messages: bool = Field(True, description="Notify on new messages.")
    calendar: bool = Field(True, description="Notify on new calendar entries.")
    comments: bool = Field(False, description="Notify on new comments and evaluations.")


class Participant(DocumentBase):
    """A professional taking part in the log on behalf of a service."""

    kind: Literal["participant"] = Field("participant", description="Document kind.")
    user_id: UserId = Field(description="The staff user's opaque id.")
    name: ShortText = Field(description="Display name.")
    service: Service = Field(description="The service the participant represents.")
    unit_id: UnitId | None = Field(None, description="The participant's unit, if municipal.")
    job_title: ShortText = Field("", description="Job title, e.g. kontaktlærer.")
    phone: ShortText = Field("", description="Work phone.")
    email: ShortText = Field("", description="Work e-mail.")
    notifications: Notifications = Field(
        default_factory=Notifications, description="What the participant is notified about."
    )
    joined_on: date = Field(description="Date the participant joined the log.")
    left_on: date | None = Field(None, description="Date the participant left the log.")


class Guardian(DocumentBase):
    """A person with parental responsibility for the subject, registered and confirmed.

    Staff write a log's documents, so a name in a consent proves nothing: a
    guardian counts only once confirmed by a second member of staff (the unit
    leader or the coordinator), or found in the population register. The access
    decision trusts only confirmed guardians (app/lifecycle/guardianship.py).
    """

    kind: Literal["guardian"] = Field("guardian", description="Document kind.")
    name: ShortText = Field(min_length=1, description="Full name of the guardian.")
    fnr: Fodselsnummer
    registered_by: UserId = Field(description="Opaque id of the staff member who registered it.")
    registered_on: date = Field(description="When the guardian was registered.")
    confirmed_by: UserId | None = Field(
        None, description="Opaque id of the second staff member who confirmed it."
    )
    confirmed_on: date | None = Field(None, description="When it was confirmed.")
    source: Literal["four_eyes", "register"] = Field(
        "four_eyes", description="Confirmed by a second member of staff, or by the register."
    )
    ended_on: date | None = Field(
        None, description="When the person stopped being a guardian (or was registered wrongly)."
    )

    @model_validator(mode="after")
    def _four_eyes(self) -> Guardian:
        if (self.confirmed_by is None) != (self.confirmed_on is None):
            raise ValueError("confirmed_by and confirmed_on go together")
        if self.source == "four_eyes" and self.confirmed_by == self.registered_by:
            raise ValueError("a second member of staff confirms a guardian")
        return self

    @property
    def is_confirmed(self) -> bool:
        """Confirmed and not ended: a guardian the access decision trusts."""
        return self.confirmed_by is not None and self.ended_on is None


class Consent(DocumentBase):
    """A consent given by a guardian or the subject, covering some services."""

    kind: Literal["consent"] = Field("consent", description="Document kind.")
    given_by_name: ShortText = Field(description="Name of the person who consented.")
    given_by_fnr: Fodselsnummer
    role: Literal["guardian", "subject"] = Field(
        description="Guardian with parental responsibility, or the subject."
    )
    purpose: Literal["create", "new_service", "transition", "renewal", "insight", "reopen"] = Field(
        description="Why it was collected: creation, a new service, a transition, "
        "renewal, insight into an existing log, or reopening a closed one."
    )
    services: list[Service] = Field(description="Services the consent covers.")
    refused: list[Service] = Field(
        default_factory=list, description="Services the person was asked about and refused."
    )
    request: DocumentId | None = Field(
        None, description="The consent request this answers, when it answers one."
    )
    valid_from: date = Field(description="First day the consent applies.")
    valid_until: date = Field(description="Last day the consent applies (renewed every two years).")
    method: Literal["digital", "paper"] = Field(description="How it was given.")
    paper_scan: DocumentId | None = Field(None, description="Attachment with the signed paper.")
    single_guardian_note: ShortText = Field(
        "", description="When only one guardian signed: why, and how the other was sought."
    )
    include_guardians: bool = Field(
        True,
        description="Subject's consent only: whether the guardians keep access once the "
        "subject is old enough to decide (16, or 15 in some municipalities).",
    )
    show_old_content: bool | None = Field(
        None,
        description="Answer to a reopening: whether the participants see what was written "
        "before the log was closed.",
    )
    withdrawn_at: AwareDatetime | None = Field(None, description="When it was withdrawn, if so.")
    withdrawal_note: ShortText = Field("", description="Note on the withdrawal.")

    @model_validator(mode="after")
    def _period_is_sane(self) -> Consent:
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        if not self.services and not self.refused:
            raise ValueError("a consent covers or refuses at least one service")
        if set(self.services) & set(self.refused):
            raise ValueError("a service is either consented to or refused")
        return self


class ConsentRequest(DocumentBase):
    """The holder asks for consent: to start the log, for a new service, a transition,
    a renewal, insight, or to reopen it.

    The confirmed guardians (or the youth from the consent age) answer it
    digitally, or the holder records their signed paper answer. Both guardians
    are asked; if the log is to go on with one guardian's consent, the holder
    writes why and how the other was sought (``single_guardian_note``).
    """

    kind: Literal["consent_request"] = Field("consent_request", description="Document kind.")
    purpose: Literal["create", "new_service", "transition", "renewal", "insight", "reopen"] = Field(
        description="What the consent is for."
    )
    services: list[Service] = Field(min_length=1, description="Services asked about.")
    requested_by: UserId = Field(description="Opaque id of the holder who asked.")
    requested_on: date = Field(description="When it was asked.")
    state: Literal["open", "answered", "cancelled"] = Field(
        "open", description="Waiting for answers, answered, or cancelled by the holder."
    )
    closed_on: date | None = Field(None, description="When it was answered or cancelled.")
    single_guardian_note: ShortText = Field(
        "", description="When one guardian's answer suffices: why, and how the other was sought."
    )

    @model_validator(mode="after")
    def _closed_when_done(self) -> ConsentRequest:
        if (self.state == "open") != (self.closed_on is None):
            raise ValueError("closed_on is set once the request is answered or cancelled")
        return self
