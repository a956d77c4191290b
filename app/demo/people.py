"""The demo municipality's people: staff, units and citizens, with synthetic identities.

Every fødselsnummer here is synthetic in Skatteetaten's Tenor style (month + 80),
so it can never belong to a real person. Staff ids match the demo directory
that the gateway's demo login lists.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pikepdf

from app.documents.fields import Service
from app.documents.fnr import complete_check_digits
from app.documents.meetings import Meeting, Message
from app.documents.people import Consent, Guardian, Participant
from app.documents.records import Attachment
from app.logs.ids import new_document_id
from app.logs.service import LogService

MUNICIPALITY = "Demo kommune"


@dataclass(frozen=True)
class DemoStaff:
    """A demo staff member: opaque user id, name, service, unit and municipal roles."""

    user_id: str
    name: str
    service: Service
    unit_id: str
    job_title: str
    roles: tuple[str, ...] = ()


STAFF = {
    "hilde": DemoStaff(
        "s-4f1c2a7e", "Hilde Solberg", Service.KINDERGARTEN, "enhet-solsikken", "Pedagogisk leder"
    ),
    "per": DemoStaff(
        "s-9b3e5d10", "Per Aasen", Service.SCHOOL, "enhet-nordby-skole", "Kontaktlærer"
    ),
    "ingrid": DemoStaff("s-2d7a8c44", "Ingrid Myhre", Service.PPT, "enhet-ppt", "PP-rådgiver"),
    "maria": DemoStaff(
        "s-61e0b9f3", "Maria Lund", Service.SCHOOL_HEALTH, "enhet-helsestasjon", "Helsesykepleier"
    ),
    "tor": DemoStaff(
        "s-c85f2e17", "Tor Eriksen", Service.SCHOOL, "enhet-nordby-skole", "Sosiallærer"
    ),
    "kjersti": DemoStaff(
        "s-7aa31c05",
        "Kjersti Holm",
        Service.SCHOOL,
        "enhet-nordby-skole",
        "Rektor",
        ("unit_leader",),
    ),
    "bjorn": DemoStaff(
        "s-3e9d6b21",
        "Bjørn Strand",
        Service.OTHER,
        "enhet-oppvekst",
        "BTI-koordinator",
        ("coordinator",),
    ),
    "siri": DemoStaff(  # a second coordinator: shredding a log takes two
        "s-d4a7e962",
        "Siri Dahl",
        Service.OTHER,
        "enhet-oppvekst",
        "Kommunalsjef oppvekst",
        ("coordinator",),
    ),
    "anne": DemoStaff(
        "s-85c0f4d9", "Anne Vik", Service.OTHER, "enhet-arkiv", "Arkivar", ("archivist",)
    ),
}

UNITS = {
    "enhet-solsikken": ("Solsikken barnehage", Service.KINDERGARTEN),
    "enhet-nordby-skole": ("Nordby skole", Service.SCHOOL),
    "enhet-ppt": ("PPT", Service.PPT),
    "enhet-helsestasjon": ("Helsestasjonen", Service.SCHOOL_HEALTH),
    "enhet-oppvekst": ("Oppvekstkontoret", Service.OTHER),
    "enhet-arkiv": ("Arkivtjenesten", Service.OTHER),
}


@dataclass(frozen=True)
class DemoCitizen:
    """A demo guardian or youth who logs in with a fødselsnummer."""

    name: str
    fnr: str
    description: str


def demo_citizens(today: date) -> dict[str, DemoCitizen]:
    """The demo guardians and youth, with synthetic fødselsnumre."""
    return {
        "kari": DemoCitizen(
            "Kari Berg", synthetic_fnr(date(1990, 6, 2), 211), "Mor til Nora (barnehage)"
        ),
        "ola": DemoCitizen(
            "Ola Berg", synthetic_fnr(date(1988, 11, 23), 313), "Far til Nora (barnehage)"
        ),
        "lise": DemoCitizen(
            "Lise Nilsen", synthetic_fnr(date(1985, 1, 30), 517), "Mor til Jonas (skole og PPT)"
        ),
        "anders": DemoCitizen(
            "Anders Nilsen", synthetic_fnr(date(1984, 4, 17), 619), "Far til Jonas (skole og PPT)"
        ),
        "nina": DemoCitizen(
            "Nina Nilsen",
            synthetic_fnr(date(1987, 5, 12), 221),
            "Registrert som foresatt for Jonas, venter på bekreftelse",
        ),
        "emma": DemoCitizen(
            "Emma Johansen", synthetic_fnr(date(1992, 8, 8), 901), "Mor til Liam (avsluttet logg)"
        ),
        "sara": DemoCitizen(
            "Sara Ahmed",
            synthetic_fnr(sara_birth(today), 705),
            "Ungdom, 16 år, har samtykket selv",
        ),
        "per": DemoCitizen(
            "Per Hansen", synthetic_fnr(date(1980, 3, 3), 123), "Forelder uten stafettlogg"
        ),
    }


def sara_birth(today: date) -> date:
    this_year = date(today.year - 16, 2, 11)
    return this_year if today >= date(today.year, 2, 11) else date(today.year - 17, 2, 11)


def synthetic_fnr(birth: date, serial: int) -> str:
    """A Tenor-style synthetic fødselsnummer (month + 80) with valid check digits."""
    for individual in range(serial, 1000):
        first_nine = f"{birth.day:02d}{birth.month + 80:02d}{birth.year % 100:02d}{individual:03d}"
        complete = complete_check_digits(first_nine)
        if complete:
            return complete
    raise ValueError("no valid synthetic number for that date")


def participant(staff: DemoStaff, joined: date) -> Participant:
    return Participant(
        id=new_document_id(),
        user_id=staff.user_id,
        name=staff.name,
        service=staff.service,
        unit_id=staff.unit_id,
        job_title=staff.job_title,
        joined_on=joined,
        email=f"{staff.name.split()[0].lower()}@demo.kommune.invalid",
    )


def consent(
    person: DemoCitizen,
    role: str,
    services: list[Service],
    start: date,
    purpose: str = "create",
    note: str = "",
) -> Consent:
    return Consent(
        id=new_document_id(),
        given_by_name=person.name,
        given_by_fnr=person.fnr,
        role=role,
        purpose=purpose,
        services=services,
        valid_from=start,
        valid_until=start + timedelta(days=730),
        method="digital",
        single_guardian_note=note,
    )


def guardian(
    person: DemoCitizen, registered_by: DemoStaff, on: date, confirmed: bool = True
) -> Guardian:
    """A guardian the holder registered and the coordinator confirmed (four eyes)."""
    return Guardian(
        id=new_document_id(),
        name=person.name,
        fnr=person.fnr,
        registered_by=registered_by.user_id,
        registered_on=on,
        confirmed_by=STAFF["bjorn"].user_id if confirmed else None,
        confirmed_on=on if confirmed else None,
    )


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def demo_pdf(text: str) -> bytes:
    """A one-page PDF with a line of text, like a scanned form; it passes the upload checks."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 14 Tf 60 760 Td ({escaped}) Tj ET".encode("latin-1", "replace")
    page.Contents = pdf.make_stream(content)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def attach_demo_pdf(
    logs: LogService,
    log_id: str,
    title: str,
    text: str,
    by: Participant,
    uploaded_at: datetime,
    expected_revision: str,
) -> str:
    """Store a demo PDF as a document of the log, the way an upload would; the new revision."""
    scan, scan_id = demo_pdf(text), new_document_id()
    metadata = Attachment(
        id=scan_id,
        title=title,
        filename=f"dokument-{scan_id}.pdf",
        media_type="application/pdf",
        size_bytes=len(scan),
        sha256=hashlib.sha256(scan).hexdigest(),
        uploaded_by=by.user_id,
        uploaded_at=uploaded_at,
    )
    return logs.attach(
        log_id, metadata, scan, expected_revision=expected_revision, actor_id=by.user_id
    )


def staff_message(
    author: Participant, sent_at: datetime, subject: str, body: str = "", **fields: Any
) -> Message:
    """A message from a participant (invitations and approved minutes are messages too)."""
    return Message(
        id=new_document_id(),
        author=author.user_id,
        author_role="participant",
        sent_at=sent_at,
        subject_line=subject,
        body=body,
        **fields,
    )


def invitation(meeting: Meeting, holder: Participant, sent_at: datetime, body: str = "") -> Message:
    """The invitation the holder sent when calling ``meeting``: the start of its thread."""
    return staff_message(
        holder,
        sent_at,
        f"Innkalling: {meeting.title}",
        body,
        meeting=meeting.id,
        purpose="invitation",
    )
