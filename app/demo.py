"""Demo logs with history: realistic Norwegian content, synthetic identities.

Every fødselsnummer here is synthetic in Skatteetaten's Tenor style (month + 80),
so it can never belong to a real person. Staff ids match the demo directory
that the gateway's demo login will list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.directory import Directory, StaffMember, Unit
from app.documents.fields import Arena, ClosingReason, LogStatus, LogTemplate, Service
from app.documents.fnr import complete_check_digits
from app.documents.meetings import Attendee, CalendarEntry, Meeting, Message
from app.documents.overview import Initiative, Presentation, Subject
from app.documents.people import Consent, Participant
from app.documents.work import Activity, Evaluation, Goal
from app.logs.errors import SubjectAlreadyHasLog
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
        "emma": DemoCitizen(
            "Emma Johansen", synthetic_fnr(date(1992, 8, 8), 901), "Mor til Liam (avsluttet logg)"
        ),
        "sara": DemoCitizen(
            "Sara Ahmed",
            synthetic_fnr(_sara_birth(today), 705),
            "Ungdom, 16 år, har samtykket selv",
        ),
        "per": DemoCitizen(
            "Per Hansen", synthetic_fnr(date(1980, 3, 3), 123), "Forelder uten stafettlogg"
        ),
    }


def _sara_birth(today: date) -> date:
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


def _participant(staff: DemoStaff, joined: date) -> Participant:
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


def _consent(
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


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _kindergarten(logs: LogService, today: date) -> str:
    people, start = demo_citizens(today), today - timedelta(days=120)
    hilde = _participant(STAFF["hilde"], start)
    services = [Service.KINDERGARTEN, Service.HEALTH_STATION]
    snap = logs.create_log(
        actor_id=hilde.user_id,
        template=LogTemplate.KINDERGARTEN,
        subject=Subject(
            fnr=synthetic_fnr(date(2022, 3, 14), 101),
            given_name="Nora",
            family_name="Berg",
            birth_date=date(2022, 3, 14),
        ),
        municipality=MUNICIPALITY,
        unit_id=STAFF["hilde"].unit_id,
        holder=hilde,
        consents=[
            _consent(people["kari"], "guardian", services, start),
            _consent(people["ola"], "guardian", services, start),
        ],
        initiative=Initiative(
            id=new_document_id(),
            raised_by="staff",
            raised_by_participant=hilde.id,
            raised_on=start,
            body="Nora snakker lite i barnehagen og trekker seg fra leken.",
        ),
        today=start,
    )
    goal = Goal(
        id=new_document_id(),
        title="Nora deltar i lek med to andre barn",
        arena=Arena.KINDERGARTEN_SCHOOL,
        body="Vi starter med korte økter i små grupper.",
    )
    home = Goal(
        id=new_document_id(),
        title="Nora forteller om dagen sin hjemme",
        arena=Arena.HOME_LEISURE,
        body="Foreldrene spør om én fin ting og én vanskelig ting hver kveld.",
    )
    activity = Activity(
        id=new_document_id(),
        goal=goal.id,
        title="Lekegruppe tre ganger i uka",
        responsible=hilde.id,
        deadline=today + timedelta(days=30),
        evaluate_on=today + timedelta(days=35),
        status="ongoing",
    )
    greeting = Activity(
        id=new_document_id(),
        goal=goal.id,
        title="Nora hilser på en voksen når hun kommer om morgenen",
        responsible=hilde.id,
        deadline=today - timedelta(days=5),
        evaluate_on=today - timedelta(days=2),
        status="ongoing",
        position=1,
        body="Hilde tar imot Nora i garderoben og hjelper henne i gang.",
    )
    rev = logs.save(
        snap.log_id,
        [goal, home, activity, greeting],
        expected_revision=snap.revision,
        actor_id=hilde.user_id,
    )
    presentation = snap.of_kind(Presentation)[0].revised(
        strengths=["Glad i å tegne", "God til å hjelpe de minste"],
        challenges=["Sier lite i store grupper"],
        social="Trives best med én venn om gangen.",
    )
    rev = logs.save(snap.log_id, [presentation], expected_revision=rev, actor_id=hilde.user_id)
    evaluation = Evaluation(
        id=new_document_id(),
        target_kind="activity",
        target=activity.id,
        author=hilde.id,
        written_by=hilde.user_id,
        written_on=today - timedelta(days=3),
        worked="Nora tok selv initiativ til lek med Emil to ganger denne uka.",
        did_not_work="Når gruppa blir større enn tre, trekker hun seg unna.",
        why="Små grupper gir henne ro til å prøve.",
        decision="continue",
    )
    meeting = Meeting(
        id=new_document_id(),
        title="Oppstartsmøte",
        starts_at=_at(start, 9),
        place="Solsikken barnehage, møterom Blåklokke",
        agenda=["Presentasjon", "Mål og aktiviteter", "Neste møte"],
        minute_taker=hilde.id,
        status="held",
        attendees=[Attendee(participant=hilde.id), Attendee(name="Kari Berg", role="guardian")],
        body="Vi ble enige om lekegruppe, og at foreldrene spør om dagen hver kveld.",
    )
    kari = logs.index.person_principal(people["kari"].fnr)
    comment = Evaluation(
        id=new_document_id(),
        entry="comment",
        target_kind="goal",
        target=home.id,
        author_role="guardian",
        written_by=kari,
        written_on=today - timedelta(days=1),
        body="Hun forteller mest når vi går tur etter middag.",
    )
    rev = logs.save(
        snap.log_id, [evaluation, meeting], expected_revision=rev, actor_id=hilde.user_id
    )
    rev = logs.save(snap.log_id, [comment], expected_revision=rev, actor_id=kari)
    calendar = CalendarEntry(
        id=new_document_id(),
        title="Evalueringsmøte",
        starts_at=_at(today + timedelta(days=35), 13),
        place="Solsikken",
    )
    message = Message(
        id=new_document_id(),
        author=hilde.user_id,
        author_role="participant",
        sent_at=_at(today, 8),
        subject_line="Innkalling til evalueringsmøte",
        body="Hei! Vi inviterer til evalueringsmøte. Hilsen Hilde",
    )
    logs.save(snap.log_id, [calendar, message], expected_revision=rev, actor_id=hilde.user_id)
    return snap.log_id


def _school(logs: LogService, today: date) -> str:
    people, start = demo_citizens(today), today - timedelta(days=300)
    per, ingrid = _participant(STAFF["per"], start), _participant(STAFF["ingrid"], today)
    guardians = [people["lise"], people["anders"]]
    snap = logs.create_log(
        actor_id=per.user_id,
        template=LogTemplate.SCHOOL,
        subject=Subject(
            fnr=synthetic_fnr(date(2016, 9, 5), 402),
            given_name="Jonas",
            family_name="Nilsen",
            birth_date=date(2016, 9, 5),
        ),
        municipality=MUNICIPALITY,
        unit_id=STAFF["per"].unit_id,
        holder=per,
        consents=[_consent(g, "guardian", [Service.SCHOOL], start) for g in guardians],
        today=start,
    )
    goal = Goal(
        id=new_document_id(), title="Jonas leser 15 minutter hver dag", arena=Arena.HOME_LEISURE
    )
    reading = Activity(
        id=new_document_id(),
        goal=goal.id,
        title="Lesekvarter med voksen",
        responsible=per.id,
        deadline=today + timedelta(days=14),
    )
    rev = logs.save(
        snap.log_id, [goal, reading], expected_revision=snap.revision, actor_id=per.user_id
    )
    # A second service joins on new consent (BTI level 2).
    new_consents = [
        _consent(g, "guardian", [Service.SCHOOL, Service.PPT], today, purpose="new_service")
        for g in guardians
    ]
    rev = logs.save(
        snap.log_id,
        [ingrid, *new_consents, snap.overview.revised(level=2)],
        expected_revision=rev,
        actor_id=per.user_id,
    )
    rev = logs.save(
        snap.log_id,
        [reading.revised(status="completed")],
        expected_revision=rev,
        actor_id=per.user_id,
    )
    # The teacher hands the baton to PPT; nobody lets go before someone has taken over.
    logs.hand_over(snap.log_id, ingrid.id, expected_revision=rev, actor_id=per.user_id, today=today)
    return snap.log_id


def _youth(logs: LogService, today: date) -> str:
    sara, start = demo_citizens(today)["sara"], today - timedelta(days=60)
    maria = _participant(STAFF["maria"], start)
    snap = logs.create_log(
        actor_id=maria.user_id,
        template=LogTemplate.HEALTH_STATION,
        subject=Subject(
            fnr=sara.fnr, given_name="Sara", family_name="Ahmed", birth_date=_sara_birth(today)
        ),
        municipality=MUNICIPALITY,
        unit_id=STAFF["maria"].unit_id,
        holder=maria,
        consents=[_consent(sara, "subject", [Service.SCHOOL_HEALTH], start)],
        today=start,
    )
    goal = Goal(
        id=new_document_id(),
        title="Sara sover minst sju timer om natta",
        arena=Arena.HOME_LEISURE,
        body="Sara vil selv følge med på søvnen i en dagbok.",
    )
    logs.save(snap.log_id, [goal], expected_revision=snap.revision, actor_id=maria.user_id)
    return snap.log_id


def _closed(logs: LogService, today: date) -> str:
    emma, start = demo_citizens(today)["emma"], today - timedelta(days=700)
    hilde = _participant(STAFF["hilde"], start)
    snap = logs.create_log(
        actor_id=hilde.user_id,
        template=LogTemplate.KINDERGARTEN,
        subject=Subject(
            fnr=synthetic_fnr(date(2020, 12, 1), 808),
            given_name="Liam",
            family_name="Johansen",
            birth_date=date(2020, 12, 1),
        ),
        municipality=MUNICIPALITY,
        unit_id=STAFF["hilde"].unit_id,
        holder=hilde,
        consents=[
            _consent(
                emma,
                "guardian",
                [Service.KINDERGARTEN],
                start,
                note="Far har ikke foreldreansvar; mor har bekreftet dette.",
            )
        ],
        today=start,
    )
    goal = Goal(
        id=new_document_id(),
        title="Liam kler på seg selv i garderoben",
        arena=Arena.KINDERGARTEN_SCHOOL,
        status="reached",
    )
    rev = logs.save(snap.log_id, [goal], expected_revision=snap.revision, actor_id=hilde.user_id)
    closed = snap.overview.revised(
        status=LogStatus.CLOSED,
        closed_on=today - timedelta(days=30),
        closing_reason=ClosingReason.GOALS_REACHED,
    )
    logs.save(snap.log_id, [closed], expected_revision=rev, actor_id=hilde.user_id)
    return snap.log_id


DEMO_LOGS: dict[str, Callable[[LogService, date], str]] = {
    "kindergarten log (Nora, 4)": _kindergarten,
    "school log with school and PPT (Jonas, 10)": _school,
    "log of a 16-year-old who consented herself (Sara)": _youth,
    "closed log (Liam)": _closed,
}


def create_demo_directory(directory: Directory, progress: Callable[[str], None] = print) -> None:
    """Create the demo units and staff, unless the directory already has content."""
    if directory.snapshot().revision is not None:
        progress("  already present: demo directory")
        return
    units = [
        Unit(id=new_document_id(), unit_id=unit_id, name=name, service=service)
        for unit_id, (name, service) in UNITS.items()
    ]
    staff = [
        StaffMember(
            id=new_document_id(),
            user_id=m.user_id,
            name=m.name,
            service=m.service,
            unit_ids=[m.unit_id],
            job_title=m.job_title,
            roles=list(m.roles),
            fnr=synthetic_fnr(date(1975, 1 + n, 10 + n), 400 + n),
            email=f"{m.name.split()[0].lower()}@demo.kommune.invalid",
        )
        for n, m in enumerate(STAFF.values())
    ]
    directory.save([*units, *staff], expected_revision=None, actor_id=STAFF["bjorn"].user_id)
    progress(f"  created demo directory: {len(units)} units, {len(staff)} staff")


def create_demo_logs(logs: LogService, progress: Callable[[str], None] = print) -> list[str]:
    """Create the demo logs that do not exist yet; returns all their ids."""
    today = datetime.now(UTC).date()
    ids = []
    for label, build in DEMO_LOGS.items():
        try:
            ids.append(build(logs, today))
            progress(f"  created {label}")
        except SubjectAlreadyHasLog as exists:
            ids.append(exists.log_id)
            progress(f"  already present: {label}")
    return ids


def build_demo(
    directory: Directory, logs: LogService, progress: Callable[[str], None] = print
) -> list[str]:
    """The whole demo: the municipal directory and the demo logs (idempotent)."""
    create_demo_directory(directory, progress=progress)
    return create_demo_logs(logs, progress=progress)
