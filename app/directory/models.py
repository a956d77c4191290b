"""Document kinds of the directory repository."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from app.documents.base import DocumentBase
from app.documents.fields import Fodselsnummer, Service, ShortText, UnitId, UserId
from app.documents.registry import validate_kind

StaffRoleName = Literal["unit_leader", "coordinator", "archivist"]


class Unit(DocumentBase):
    """A municipal unit: a kindergarten, a school, the health station, PPT …"""

    kind: Literal["unit"] = Field("unit", description="Document kind.")
    unit_id: UnitId
    name: ShortText = Field(min_length=1, description="Name of the unit.")
    service: Service = Field(description="The service the unit provides.")
    active: bool = Field(True, description="False once the unit is closed down.")


class StaffMember(DocumentBase):
    """A member of staff who can be a holder or participant, or hold a municipal role."""

    kind: Literal["staff"] = Field("staff", description="Document kind.")
    user_id: UserId
    name: ShortText = Field(min_length=1, description="Full name.")
    fnr: Fodselsnummer | None = Field(
        None, description="Fødselsnummer, to recognise the person at ID-porten login."
    )
    email: ShortText = Field("", description="Work e-mail.")
    phone: ShortText = Field("", description="Work phone.")
    job_title: ShortText = Field("", description="Job title.")
    service: Service = Field(description="The service the person works in.")
    unit_ids: list[UnitId] = Field(default_factory=list, description="Units the person works in.")
    roles: list[StaffRoleName] = Field(
        default_factory=list, description="Municipal roles: unit leader, coordinator, archivist."
    )
    active: bool = Field(True, description="False once the person has left.")


DIRECTORY_MODELS: dict[str, type[DocumentBase]] = {"unit": Unit, "staff": StaffMember}


def validate_directory_document(data: dict[str, Any]) -> DocumentBase:
    """Validate raw values into a unit or staff document."""
    return validate_kind(data, DIRECTORY_MODELS)
