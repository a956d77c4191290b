"""The kindergarten demo log (Nora, 4): goals at home and in kindergarten, an overdue
activity, an evaluation, a guardian's comment, a meeting with approved minutes, a coming
meeting and message threads."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo.people import (
    MUNICIPALITY,
    STAFF,
    at,
    attach_demo_pdf,
    consent,
    demo_citizens,
    guardian,
    invitation,
    participant,
    staff_message,
    synthetic_fnr,
)
from app.documents.fields import Arena, LogTemplate, Service
from app.documents.meetings import AgendaOutcome, Attendee, Meeting, Message
from app.documents.overview import Initiative, Presentation, Subject
from app.documents.work import Activity, Evaluation, Goal
from app.logs.ids import new_document_id
from app.logs.service import LogService


def kindergarten_log(logs: LogService, today: date) -> str:
    people, start = demo_citizens(today), today - timedelta(days=120)
    hilde = participant(STAFF["hilde"], start)
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
            consent(people["kari"], "guardian", services, start),
            consent(people["ola"], "guardian", services, start),
        ],
        guardians=[guardian(people[p], STAFF["hilde"], start) for p in ("kari", "ola")],
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
    held_at = at(start + timedelta(days=7), 9)
    meeting = Meeting(
        id=new_document_id(),
        title="Oppstartsmøte",
        starts_at=held_at,
        ends_at=held_at + timedelta(hours=1),
        place="Solsikken barnehage, møterom Blåklokke",
        agenda=["Presentasjon", "Mål og aktiviteter", "Neste møte"],
        minute_taker=hilde.id,
        invited=[hilde.id],
        called_by=hilde.user_id,
        status="held",
        attendees=[Attendee(participant=hilde.id), Attendee(role="guardian")],
        outcomes=[
            AgendaOutcome(item="Presentasjon", agreed="Hilde og foreldrene beskrev Nora."),
            AgendaOutcome(
                item="Mål og aktiviteter",
                agreed="Vi ble enige om lekegruppe, og at foreldrene spør om dagen hver kveld.",
            ),
            AgendaOutcome(item="Neste møte", agreed="Evalueringsmøte om fem uker."),
        ],
        body="Foreldrene ønsker å få referatet som melding.",
        minutes_by=hilde.user_id,
        approved_at=held_at + timedelta(days=1),
        approved_by=hilde.user_id,
    )
    called = invitation(
        meeting,
        hilde,
        held_at - timedelta(days=6),
        "Velkommen til oppstartsmøte. Ta gjerne med det dere lurer på.",
    )
    approved = staff_message(
        hilde,
        held_at + timedelta(days=1),
        "Godkjent referat: Oppstartsmøte",
        meeting=meeting.id,
        thread=called.id,
        purpose="minutes",
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
        snap.log_id,
        [evaluation, meeting, called, approved],
        expected_revision=rev,
        actor_id=hilde.user_id,
    )
    rev = logs.save(snap.log_id, [comment], expected_revision=rev, actor_id=kari)
    thanks = Message(
        id=new_document_id(),
        author=kari,
        author_role="guardian",
        sent_at=held_at + timedelta(days=2),
        subject_line=called.subject_line,
        body="Takk for et godt møte. Vi har begynt med kveldspraten.",
        thread=called.id,
    )
    rev = logs.save(snap.log_id, [thanks], expected_revision=rev, actor_id=kari)
    evaluation_at = at(today + timedelta(days=35), 12)
    planned = Meeting(
        id=new_document_id(),
        title="Evalueringsmøte",
        starts_at=evaluation_at,
        ends_at=evaluation_at + timedelta(hours=1),
        place="Solsikken barnehage",
        agenda=["Hvordan går lekegruppa?", "Kveldspraten hjemme", "Videre plan"],
        minute_taker=hilde.id,
        invited=[hilde.id],
        called_by=hilde.user_id,
    )
    call = invitation(
        planned, hilde, at(today, 8), "Hei! Vi inviterer til evalueringsmøte. Hilsen Hilde"
    )
    question = staff_message(
        hilde,
        at(today - timedelta(days=1), 14),
        "Henting på fredag",
        "Hvem henter Nora på fredag? Vi går på tur og er tilbake kl. 15.",
    )
    rev = logs.save(
        snap.log_id, [planned, call, question], expected_revision=rev, actor_id=hilde.user_id
    )
    attach_demo_pdf(
        logs,
        snap.log_id,
        "Signert samtykke (papir)",
        "Samtykke til samarbeid - signert av Kari Berg og Ola Berg",
        hilde,
        at(start, 10),
        rev,
    )
    return snap.log_id
