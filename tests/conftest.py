"""Shared fixtures: real instances in temporary folders, real keys, real Git."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.config import load_settings
from app.documents.fields import ClosingReason, LogStatus, LogTemplate, Service
from app.documents.overview import Subject
from app.documents.people import Consent, Guardian, Participant
from app.documents.records import StatusChange
from app.instance import Instance, initialise, open_instance
from app.logs.ids import new_document_id
from app.logs.snapshot import LogSnapshot

# The gateway's dates are Norway's (app/lifecycle/clock.py); tests that say "today" with
# date.today() must mean the same day, also between midnight in Norway and midnight UTC.
os.environ["TZ"] = "Europe/Oslo"
time.tzset()

SHARED = Path(__file__).resolve().parents[2] / "shared"
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def blns() -> list[str]:
    """The Big List of Naughty Strings from ../shared/testdata."""
    return json.loads((SHARED / "testdata" / "blns.json").read_text(encoding="utf-8"))


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """A fresh instance with its own content store, key and index."""
    settings = load_settings({"STAFETTLOGG_INSTANCE": str(tmp_path / "instance")})
    initialise(settings)
    opened = open_instance(settings)
    yield opened
    opened.close()


def fnr(day: int, month: int, year: int, serial: int = 100) -> str:
    """A synthetic (month + 80) fødselsnummer with valid check digits."""
    from app.demo import synthetic_fnr

    return synthetic_fnr(date(year, month, day), serial)


def holder(user_id: str = "s-holder01", service: Service = Service.SCHOOL) -> Participant:
    """A participant document for a staff member."""
    return Participant(
        id=new_document_id(),
        user_id=user_id,
        name="Test Holder",
        service=service,
        joined_on=TODAY,
    )


def guardian_consent(
    name: str, number: str, services: list[Service] | None = None, note: str = ""
) -> Consent:
    """A two-year guardian consent from TODAY."""
    return Consent(
        id=new_document_id(),
        given_by_name=name,
        given_by_fnr=number,
        role="guardian",
        purpose="create",
        services=services or [Service.SCHOOL],
        valid_from=TODAY,
        valid_until=TODAY + timedelta(days=730),
        method="digital",
        single_guardian_note=note,
    )


def confirmed_guardian(name: str, number: str) -> Guardian:
    """A guardian registered by the holder and confirmed by the coordinator (four eyes)."""
    return Guardian(
        id=new_document_id(),
        name=name,
        fnr=number,
        registered_by="s-holder01",
        registered_on=TODAY,
        confirmed_by="s-coord001",
        confirmed_on=TODAY,
    )


def guardians_of(consents: list[Consent]) -> list[Guardian]:
    """Confirmed guardian records for the givers of ``consents``."""
    return [
        confirmed_guardian(c.given_by_name, c.given_by_fnr)
        for c in consents
        if c.role == "guardian"
    ]


def create_log(
    instance: Instance,
    *,
    subject_fnr: str | None = None,
    holder_doc: Participant | None = None,
    given_name: str = "Testbarn",
) -> LogSnapshot:
    """Create a school log with two confirmed guardians who consented."""
    consents = [
        guardian_consent("Mor Testesen", fnr(3, 4, 1985, 200)),
        guardian_consent("Far Testesen", fnr(5, 6, 1984, 300)),
    ]
    return instance.logs.create_log(
        actor_id="s-holder01",
        template=LogTemplate.SCHOOL,
        subject=Subject(
            fnr=subject_fnr or fnr(1, 2, 2016),
            given_name=given_name,
            family_name="Testesen",
            birth_date=date(2016, 2, 1),
        ),
        municipality="Testkommune",
        unit_id="enhet-test",
        holder=holder_doc or holder(),
        consents=consents,
        guardians=guardians_of(consents),
        today=TODAY,
    )


def end_directly(
    instance: Instance,
    log_id: str,
    *,
    at: datetime,
    status: LogStatus = LogStatus.CLOSED,
    reason: ClosingReason = ClosingReason.GOALS_REACHED,
    note: str = "",
    actor: str = "s-holder01",
) -> str:
    """Close (or block) a log through the service, with its step, as the life-cycle verbs
    record it; for tests and benchmarks of what comes after (the archive export)."""
    overview = instance.logs.snapshot(log_id).overview
    step = StatusChange(
        id=new_document_id(),
        step="block" if status == LogStatus.BLOCKED else "close",
        from_status=overview.status,
        to_status=status,
        changed_on=at.date(),
        changed_at=at,
        changed_by=actor,
        reason=reason.value,
        note=note,
    )
    ended = overview.revised(
        status=status, closed_on=at.date(), closing_reason=reason, closing_note=note
    )
    return instance.logs.save(
        log_id, [ended, step], expected_revision=instance.logs.head(log_id), actor_id=actor
    )
