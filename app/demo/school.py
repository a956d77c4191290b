"""The school demo log (Jonas, 10): a second service on new consent, a new level and
a baton handover from the teacher to PPT, minutes waiting for approval, and a school
nurse who joined before any consent covered her service."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo.people import (
    MUNICIPALITY,
    STAFF,
    at,
    consent,
    demo_citizens,
    guardian,
    invitation,
    participant,
    synthetic_fnr,
)
from app.documents.fields import Arena, LogTemplate, Service
from app.documents.meetings import AgendaOutcome, Attendee, Meeting
from app.documents.overview import Subject
from app.documents.work import Activity, Goal
from app.logs.ids import new_document_id
from app.logs.service import LogService


def school_log(logs: LogService, today: date) -> str:
    people, start = demo_citizens(today), today - timedelta(days=300)
    per, ingrid = participant(STAFF["per"], start), participant(STAFF["ingrid"], today)
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
        consents=[consent(g, "guardian", [Service.SCHOOL], start) for g in guardians],
        guardians=[guardian(g, STAFF["per"], start) for g in guardians],
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
        consent(g, "guardian", [Service.SCHOOL, Service.PPT], today, purpose="new_service")
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
    # Registered by the teacher, not yet confirmed by a second person: she cannot consent or
    # read until the unit leader (Kjersti) or the coordinator (Bjørn) checks it.
    waiting = guardian(people["nina"], STAFF["per"], today, confirmed=False)
    rev = logs.save(snap.log_id, [waiting], expected_revision=rev, actor_id=per.user_id)
    # The teacher hands the baton to PPT; nobody lets go before someone has taken over.
    rev = logs.hand_over(
        snap.log_id, ingrid.id, expected_revision=rev, actor_id=per.user_id, today=today
    )
    # The school nurse joins, but no consent covers school health yet: she sees nothing.
    maria = participant(STAFF["maria"], today)
    held_at = at(today - timedelta(days=2), 13)
    meeting = Meeting(
        id=new_document_id(),
        title="Samarbeidsmøte med PPT",
        starts_at=held_at,
        ends_at=held_at + timedelta(hours=1),
        place="Nordby skole, rom 204",
        agenda=["Lesing hjemme og på skolen", "PPTs vurdering"],
        minute_taker=per.id,
        invited=[per.id, ingrid.id],
        called_by=ingrid.user_id,
        status="held",
        attendees=[Attendee(participant=per.id), Attendee(participant=ingrid.id)],
        outcomes=[
            AgendaOutcome(
                item="Lesing hjemme og på skolen", agreed="Lesekvarteret fortsetter hjemme."
            ),
            AgendaOutcome(item="PPTs vurdering", agreed="Ingrid observerer i klassen i mars."),
        ],
        minutes_by=per.user_id,
    )
    logs.save(
        snap.log_id,
        [maria, meeting, invitation(meeting, ingrid, held_at - timedelta(days=7))],
        expected_revision=rev,
        actor_id=ingrid.user_id,
    )
    return snap.log_id
