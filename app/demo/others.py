"""The youth's own log (Sara, 16, who consented herself), a closed log (Liam), with
a last meeting's approved minutes, its thread and a final report, and a log that
still waits for consent (Ella, Jonas's little sister)."""

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
    sara_birth,
    staff_message,
    synthetic_fnr,
)
from app.documents.fields import Arena, ClosingReason, LogStatus, LogTemplate, Service
from app.documents.meetings import AgendaOutcome, Attendee, Meeting
from app.documents.overview import Subject
from app.documents.people import ConsentRequest
from app.documents.records import LevelChange, StatusChange
from app.documents.work import Activity, Evaluation, Goal
from app.logs.ids import new_document_id
from app.logs.service import LogService


def youth_log(logs: LogService, today: date) -> str:
    sara, start = demo_citizens(today)["sara"], today - timedelta(days=60)
    maria = participant(STAFF["maria"], start)
    snap = logs.create_log(
        actor_id=maria.user_id,
        template=LogTemplate.HEALTH_STATION,
        subject=Subject(
            fnr=sara.fnr, given_name="Sara", family_name="Ahmed", birth_date=sara_birth(today)
        ),
        municipality=MUNICIPALITY,
        unit_id=STAFF["maria"].unit_id,
        holder=maria,
        consents=[consent(sara, "subject", [Service.SCHOOL_HEALTH], start)],
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


def closed_log(logs: LogService, today: date) -> str:
    emma, start = demo_citizens(today)["emma"], today - timedelta(days=700)
    hilde = participant(STAFF["hilde"], start)
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
            consent(
                emma,
                "guardian",
                [Service.KINDERGARTEN],
                start,
                note="Far har ikke foreldreansvar; mor har bekreftet dette.",
            )
        ],
        guardians=[guardian(emma, STAFF["hilde"], start)],
        today=start,
    )
    goal = Goal(
        id=new_document_id(),
        title="Liam kler på seg selv i garderoben",
        arena=Arena.KINDERGARTEN_SCHOOL,
        status="reached",
    )
    rev = logs.save(snap.log_id, [goal], expected_revision=snap.revision, actor_id=hilde.user_id)
    practice = Activity(
        id=new_document_id(),
        goal=goal.id,
        title="Øve på påkledning hver morgen, med bildekort",
        responsible=hilde.id,
        deadline=today - timedelta(days=120),
        status="completed",
        created_by=hilde.user_id,
    )
    raised = LevelChange(
        id=new_document_id(),
        from_level=1,
        to_level=2,
        changed_on=start + timedelta(days=90),
        decided_by=hilde.id,
        body="PPT ble spurt om råd om motorikken; vi trenger mer enn barnehagens tiltak.",
    )
    rev = logs.save(
        snap.log_id,
        [practice, raised, snap.overview.revised(level=2)],
        expected_revision=rev,
        actor_id=hilde.user_id,
    )
    lowered = LevelChange(
        id=new_document_id(),
        from_level=2,
        to_level=1,
        changed_on=today - timedelta(days=150),
        decided_by=hilde.id,
        body="Motorikken er god nok; barnehagen følger opp videre.",
    )
    evaluation = Evaluation(
        id=new_document_id(),
        target_kind="activity",
        target=practice.id,
        author=hilde.id,
        written_on=today - timedelta(days=100),
        written_by=hilde.user_id,
        worked="Bildekortene i garderoben. Liam viser stolt fram hva han har klart.",
        did_not_work="Glidelåsen er fortsatt vanskelig.",
        why="Han øver hver dag, hjemme og i barnehagen.",
        decision="stop",
    )
    rev = logs.save(
        snap.log_id,
        [lowered, evaluation, snap.overview.revised(level=1)],
        expected_revision=rev,
        actor_id=hilde.user_id,
    )
    held_at = at(today - timedelta(days=45), 14)
    meeting = Meeting(
        id=new_document_id(),
        title="Avslutningsmøte",
        starts_at=held_at,
        ends_at=held_at + timedelta(hours=1),
        place="Solsikken barnehage",
        agenda=["Hvordan gikk det?", "Avslutte loggen"],
        minute_taker=hilde.id,
        invited=[hilde.id],
        called_by=hilde.user_id,
        status="held",
        attendees=[Attendee(participant=hilde.id), Attendee(role="guardian")],
        outcomes=[
            AgendaOutcome(item="Hvordan gikk det?", agreed="Liam kler på seg selv."),
            AgendaOutcome(item="Avslutte loggen", agreed="Målet er nådd; loggen avsluttes."),
        ],
        minutes_by=hilde.user_id,
        approved_at=held_at + timedelta(days=1),
        approved_by=hilde.user_id,
    )
    called = invitation(meeting, hilde, held_at - timedelta(days=7), "Velkommen til et siste møte.")
    approved = staff_message(
        hilde,
        held_at + timedelta(days=1),
        "Godkjent referat: Avslutningsmøte",
        meeting=meeting.id,
        thread=called.id,
        purpose="minutes",
    )
    rev = logs.save(
        snap.log_id, [meeting, called, approved], expected_revision=rev, actor_id=hilde.user_id
    )
    rev = attach_demo_pdf(
        logs,
        snap.log_id,
        "Sluttrapport fra barnehagen",
        "Sluttrapport: Liam kler seg selv i garderoben.",
        hilde,
        held_at + timedelta(days=2),
        rev,
    )
    closed_on = today - timedelta(days=30)
    closed = snap.overview.revised(
        status=LogStatus.CLOSED,
        closed_on=closed_on,
        closing_reason=ClosingReason.GOALS_REACHED,
    )
    step = StatusChange(
        id=new_document_id(),
        step="close",
        from_status=LogStatus.ACTIVE,
        to_status=LogStatus.CLOSED,
        changed_on=closed_on,
        changed_at=at(closed_on, 10),
        changed_by=hilde.user_id,
        reason=ClosingReason.GOALS_REACHED.value,
        note="Målet er nådd, og mor er enig i at loggen avsluttes.",
    )
    logs.save(snap.log_id, [closed, step], expected_revision=rev, actor_id=hilde.user_id)
    return snap.log_id


def pending_log(logs: LogService, today: date) -> str:
    """Started five weeks ago by Hilde; the guardians have not answered the request yet.

    It is on the coordinator's list of logs without consent after 30 days, and
    Lise or Anders (ID-porten or the demo login) can answer it.
    """
    citizens, start = demo_citizens(today), today - timedelta(days=35)
    hilde = participant(STAFF["hilde"], start)
    snap = logs.create_log(
        actor_id=hilde.user_id,
        template=LogTemplate.KINDERGARTEN,
        subject=Subject(
            fnr=synthetic_fnr(date(2022, 4, 19), 414),
            given_name="Ella",
            family_name="Nilsen",
            birth_date=date(2022, 4, 19),
        ),
        municipality=MUNICIPALITY,
        unit_id=STAFF["hilde"].unit_id,
        holder=hilde,
        consents=[],
        guardians=[
            guardian(citizens["lise"], STAFF["hilde"], start),
            guardian(citizens["anders"], STAFF["hilde"], start),
        ],
        today=start,
    )
    request = ConsentRequest(
        id=new_document_id(),
        purpose="create",
        services=[Service.KINDERGARTEN],
        requested_by=hilde.user_id,
        requested_on=start,
    )
    logs.save(snap.log_id, [request], expected_revision=snap.revision, actor_id=hilde.user_id)
    return snap.log_id
