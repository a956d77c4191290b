"""Attachments, level changes and baton handovers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from app.documents.base import DocumentBase
from app.documents.fields import BtiLevel, DocumentId, ShortText, UserId


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
    """A change of BTI level, with the reason in the body."""

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
    """The baton passes from one holder to another; nobody lets go first."""

    kind: Literal["baton_handover"] = Field("baton_handover", description="Document kind.")
    from_holder: DocumentId = Field(description="Participant handing the baton on.")
    to_holder: DocumentId = Field(description="Participant taking it over.")
    handed_over_on: date = Field(description="Date of the handover.")

    @model_validator(mode="after")
    def _two_people(self) -> BatonHandover:
        if self.from_holder == self.to_holder:
            raise ValueError("the baton must pass to another participant")
        return self
