"""Field types and vocabularies shared by the document kinds.

Values are stable English identifiers; the user interface translates them.
Free text accepts any Unicode (the hostile-input corpus must round-trip) but is
bounded in length, so one document can never grow without limit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.documents.fnr import has_valid_check_digits

DocumentId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]{8,32}$"),
    Field(description="Opaque id of a document: 8–32 characters a–z, 0–9."),
]
UserId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$"),
    Field(description="Opaque id of a user; never a name or a fødselsnummer."),
]
UnitId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$"),
    Field(description="Opaque id of a municipal unit (kindergarten, school, service)."),
]
ShortText = Annotated[str, StringConstraints(max_length=2000)]
Body = Annotated[str, StringConstraints(max_length=500_000)]


def _check_fnr(value: str) -> str:
    if not has_valid_check_digits(value):
        raise ValueError("must be an 11-digit fødselsnummer or D-number with valid check digits")
    return value


Fodselsnummer = Annotated[
    str,
    AfterValidator(_check_fnr),
    Field(description="National identity number as an 11-character string, never a number."),
]


class LogTemplate(StrEnum):
    """Which template a log was created from (seed 002)."""

    KINDERGARTEN = "kindergarten"
    SCHOOL = "school"
    HEALTH_STATION = "health_station"
    PREGNANCY = "pregnancy"


class LogStatus(StrEnum):
    """Life-cycle state of a log (seeds 002 §5.5, 004; app/lifecycle/machine.py).

    A shredded log cannot say so itself (its keys are gone): that state is kept
    outside it, in the instance's record of shredded logs.
    """

    PENDING = "pending"
    ACTIVE = "active"
    PASSIVE = "passive"
    CLOSED = "closed"
    ARCHIVED = "archived"
    BLOCKED = "blocked"
    SHREDDED = "shredded"


ENDED_STATUSES = frozenset({LogStatus.CLOSED, LogStatus.ARCHIVED, LogStatus.BLOCKED})


class ClosingReason(StrEnum):
    """Why a log was closed (seed 002 §5.5)."""

    GOALS_REACHED = "goals_reached"
    INDIVIDUAL_PLAN = "individual_plan"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    MOVED_AWAY = "moved_away"
    DELETION_DEMANDED = "deletion_demanded"
    OTHER = "other"


class Service(StrEnum):
    """A municipal or partner service that can take part in a log."""

    KINDERGARTEN = "kindergarten"
    SCHOOL = "school"
    HEALTH_STATION = "health_station"
    SCHOOL_HEALTH = "school_health"
    PPT = "ppt"
    CHILD_WELFARE = "child_welfare"
    PHYSIO_ERGO = "physio_ergo"
    GP = "gp"
    MENTAL_HEALTH = "mental_health"
    OTHER = "other"


class Arena(StrEnum):
    """Where a goal is pursued (seed 002 §5.3)."""

    HOME_LEISURE = "home_leisure"
    KINDERGARTEN_SCHOOL = "kindergarten_school"
    OTHER_PARTNERS = "other_partners"


BtiLevel = Annotated[int, Field(ge=0, le=3, description="BTI level 0–3.")]
