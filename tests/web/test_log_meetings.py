"""Meetings over HTTP: calling, minutes with activities, approval and locking, amendments,
cancelling; each step by the role that may take it, and refused for the others."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.access import User, UserKind
from app.demo import STAFF
from app.documents.meetings import CalendarEntry, Meeting, Message, MinutesAmendment
from app.documents.people import Participant
from app.documents.work import Activity, Goal
from app.gateway import Portal
from app.gateway.changes import Change
from app.logs.errors import RuleViolation
from tests.web.conftest import _demo_instance, csrf_token, demo_log_ids, logged_in
from tests.web.test_log_work import form_values, head, snapshot, submit


@pytest.fixture(scope="module")
def meet_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One demo instance for this module: each test calls its own meetings."""
    folder: Path = tmp_path_factory.mktemp("meetings") / "instance"
    application = create_app({**_demo_instance(folder), "TESTING": True})
    yield application
    application.extensions["stafettlogg"].close()


def _participant_id(app: Flask, log_id: str, staff: str) -> str:
    user_id = STAFF[staff].user_id
    return next(p.id for p in snapshot(app, log_id).of_kind(Participant) if p.user_id == user_id)


def _call(app: Flask, client: FlaskClient, log_id: str, title: str, **extra: str):  # type: ignore[no-untyped-def]
    day = (date.today() + timedelta(days=7)).isoformat()
    data = {
        "title": title,
        "day": day,
        "starts": "13:00",
        "ends": "14:00",
        "place": "Nordby skole, rom 204",
        "agenda": "Lesing\nTrivsel",
        "invite_guardians": "y",
        "invitation": "Velkommen til møte.",
        **extra,
    }
    return submit(client, f"/logg/{log_id}/moter/nytt", data)


def _meeting(app: Flask, log_id: str, title: str) -> Meeting:
    return next(m for m in snapshot(app, log_id).of_kind(Meeting) if m.title == title)


def test_call_minute_approve_amend_and_read(meet_app: Flask) -> None:
    """The whole life of a meeting, each step by the role that takes it."""
    app = meet_app
    jonas = demo_log_ids(app)["Jonas"]
    ingrid, per, lise = (logged_in(app, w) for w in ("staff:ingrid", "staff:per", "citizen:lise"))
    per_id = _participant_id(app, jonas, "per")
    # Only the holder calls a meeting.
    before = head(app, jonas)
    assert per.get(f"/logg/{jonas}/moter/nytt").status_code == 404
    assert lise.get(f"/logg/{jonas}/moter/nytt").status_code == 404
    answer = _call(
        app,
        ingrid,
        jonas,
        "Oppfølgingsmøte",
        minute_taker=per_id,
        invited=per_id,
        day=date.today().isoformat(),  # minutes are written from the meeting's day
        starts="00:05",
        ends="00:35",
    )
    assert answer.status_code == 302, answer.data[:2000]
    called = _meeting(app, jonas, "Oppfølgingsmøte")
    assert called.minute_taker == per_id and called.invited == [per_id]
    assert called.invite_guardians and not called.invite_subject
    assert called.starts_at.astimezone(ZoneInfo("Europe/Oslo")).strftime("%H:%M") == "00:05"
    invitation = next(m for m in snapshot(app, jonas).of_kind(Message) if m.meeting == called.id)
    assert invitation.purpose == "invitation" and invitation.thread is None
    assert invitation.body == "Velkommen til møte."
    # Meeting and invitation in one commit, on top of the revision the form was drawn on.
    instance = app.extensions["stafettlogg"]
    newest = instance.logs.history(jonas, limit=2)
    assert newest[1].revision == before
    assert {r.kind for r in newest[0].event.documents} == {"meeting", "message"}
    # The guardian sees the invitation as something new, and the meeting in the calendar.
    messages = lise.get(f"/logg/{jonas}/meldinger").data.decode()
    assert "Innkalling: Oppfølgingsmøte" in messages and "1 ny" in messages
    assert "Oppfølgingsmøte" in lise.get(f"/logg/{jonas}/kalender").data.decode()
    ics = lise.get(f"/logg/{jonas}/kalender/{called.id}-meeting.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    # The holder cannot approve minutes that are not written.
    assert ingrid.get(f"/logg/{jonas}/moter/{called.id}/godkjenn").status_code == 404
    # The minute-taker writes the minutes and agrees a new activity in the same save.
    goal = snapshot(app, jonas).of_kind(Goal)[0]
    deadline = (date.today() + timedelta(days=20)).isoformat()
    path = f"/logg/{jonas}/moter/{called.id}/referat"
    assert lise.get(path).status_code == 404  # guardians do not write minutes
    before = head(app, jonas)
    answer = submit(
        per,
        path,
        {
            "attended": per_id,
            "guardians_attended": "y",
            "guests": "Bestemor",
            "agreed_0": "Jonas leser høyt for bestemor.",
            "agreed_1": "Trives godt i friminuttene.",
            "body": "Godt møte.",
            "next_day": (date.today() + timedelta(days=40)).isoformat(),
            "next_time": "09:30",
            "new_goal_0": goal.id,
            "new_title_0": "Lesebingo hjemme",
            "new_responsible_0": "guardians",
            "new_deadline_0": deadline,
        },
    )
    assert answer.status_code == 302, answer.data[:3000]
    after = snapshot(app, jonas)
    minuted = _meeting(app, jonas, "Oppfølgingsmøte")
    assert minuted.status == "held" and not minuted.locked
    assert [o.agreed for o in minuted.outcomes][:2] == [
        "Jonas leser høyt for bestemor.",
        "Trives godt i friminuttene.",
    ]
    assert {a.role for a in minuted.attendees} == {"participant", "guardian", "guest"}
    made = next(a for a in after.of_kind(Activity) if a.title == "Lesebingo hjemme")
    assert made.responsible_is_guardian and made.deadline.isoformat() == deadline
    newest = instance.logs.history(jonas, limit=2)
    assert newest[1].revision == before  # the minutes and the activity: one commit
    assert {r.kind for r in newest[0].event.documents} == {"meeting", "activity"}
    # Only the holder approves; approving locks the minutes and sends them as a message.
    approve = f"/logg/{jonas}/moter/{called.id}/godkjenn"
    held_head = head(app, jonas)
    tokens = form_values(ingrid, approve)
    for client in (per, lise):
        assert client.get(approve).status_code == 404
        forged = {**tokens, "csrf_token": csrf_token(client, f"/logg/{jonas}/mal")}
        assert client.post(approve, data=forged).status_code == 404
    assert head(app, jonas) == held_head
    # A confirmation has nothing to preview, and asking for it changes nothing.
    preview = ingrid.post(approve, data={**tokens, "intent": "preview"})
    assert preview.status_code == 200 and head(app, jonas) == held_head
    answer = submit(ingrid, f"/logg/{jonas}/moter/{called.id}/godkjenn", {})
    assert answer.status_code == 302, answer.data[:2000]
    approved = _meeting(app, jonas, "Oppfølgingsmøte")
    assert approved.locked and approved.approved_by == STAFF["ingrid"].user_id
    sent = [m for m in snapshot(app, jonas).of_kind(Message) if m.meeting == called.id]
    assert {m.purpose for m in sent} == {"invitation", "minutes"}
    assert all(m.thread in (None, invitation.id) for m in sent)
    assert any(
        e.starts_at == approved.next_meeting_at for e in snapshot(app, jonas).of_kind(CalendarEntry)
    )
    # Locked: the minutes form is gone for everyone, and a forged save changes nothing.
    locked_head = head(app, jonas)
    for client in (per, ingrid):
        assert client.get(path).status_code == 404
        forged = {**form_values(client, f"/logg/{jonas}/mal"), "revision": locked_head}
        assert client.post(path, data={**forged, "agreed_0": "endret"}).status_code == 404
    assert ingrid.get(f"/logg/{jonas}/moter/{called.id}/endre").status_code == 404
    assert head(app, jonas) == locked_head
    # Not even the gateway itself changes approved minutes, whoever asks.
    with pytest.raises(RuleViolation) as refused:
        Portal(instance).change(
            User(STAFF["ingrid"].user_id, UserKind.STAFF),
            jonas,
            Change((approved.revised(body="Omskrevet"),)),
            expected_revision=locked_head,
        )
    assert refused.value.code == "minutes_locked"
    assert head(app, jonas) == locked_head
    # A dated, signed amendment by the minute-taker, shown below the minutes.
    answer = submit(
        per, f"/logg/{jonas}/moter/{called.id}/tillegg", {"body": "Bestemor heter Randi."}
    )
    assert answer.status_code == 302
    amendment = snapshot(app, jonas).of_kind(MinutesAmendment)[-1]
    assert amendment.meeting == called.id and amendment.written_by == STAFF["per"].user_id
    assert lise.get(f"/logg/{jonas}/moter/{called.id}/tillegg").status_code == 404
    # The guardian reads the approved minutes with the amendment, and replies.
    page = lise.get(f"/logg/{jonas}/moter/{called.id}").data.decode()
    assert "Jonas leser høyt for bestemor." in page and "Bestemor heter Randi." in page
    assert "Godkjent" in page and "Per Aasen" in page
    reply = submit(
        lise, f"/logg/{jonas}/meldinger/{invitation.id}", {"body": "Takk, vi kommer neste gang."}
    )
    assert reply.status_code == 302
    replies = [m for m in snapshot(app, jonas).of_kind(Message) if m.thread == invitation.id]
    assert any(
        m.body == "Takk, vi kommer neste gang." and m.author_role == "guardian" for m in replies
    )
    # Every step is in the access log as a write on the meetings section.
    entries = [e for e in instance.access_log.entries(jonas) if e.action == "write"]
    assert [e.section for e in entries[-5:]] == ["meetings"] * 5


def test_people_without_access_see_nothing_of_meetings(meet_app: Flask) -> None:
    """A participant whose service no consent covers, one who left, and an outsider: 404."""
    app = meet_app
    instance = app.extensions["stafettlogg"]
    jonas = demo_log_ids(app)["Jonas"]
    ingrid = logged_in(app, "staff:ingrid")
    assert _call(app, ingrid, jonas, "Møte om overgang").status_code == 302
    called = _meeting(app, jonas, "Møte om overgang")
    thread = next(m for m in snapshot(app, jonas).of_kind(Message) if m.meeting == called.id)
    # Per leaves the log: he loses access at once.
    per_doc = next(
        p for p in snapshot(app, jonas).of_kind(Participant) if p.user_id == STAFF["per"].user_id
    )
    instance.logs.save(
        jonas,
        [per_doc.revised(left_on=date.today())],
        expected_revision=head(app, jonas),
        actor_id=STAFF["ingrid"].user_id,
    )
    try:
        before = head(app, jonas)
        for who in ("staff:maria", "staff:per", "staff:tor", "citizen:per"):
            client = logged_in(app, who)
            for path in (
                f"/logg/{jonas}/moter",
                f"/logg/{jonas}/moter/{called.id}",
                f"/logg/{jonas}/meldinger",
                f"/logg/{jonas}/meldinger/{thread.id}",
                f"/logg/{jonas}/kalender/{called.id}-meeting.ics",
            ):
                assert client.get(path).status_code == 404, (who, path)
            forged = {"body": "Hei", "csrf_token": csrf_token(client, "/"), "revision": before}
            answer = client.post(f"/logg/{jonas}/meldinger/{thread.id}", data=forged)
            assert answer.status_code == 404, who
        assert head(app, jonas) == before
    finally:
        instance.logs.save(
            jonas,
            [per_doc],
            expected_revision=head(app, jonas),
            actor_id=STAFF["ingrid"].user_id,
        )


def test_an_ended_participant_cannot_send_a_message_with_a_valid_form(meet_app: Flask) -> None:
    """Per draws the reply form, then leaves the log; his sent form is refused with a 404."""
    app = meet_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    hilde = logged_in(app, "staff:hilde")
    thread = next(
        m for m in snapshot(app, nora).of_kind(Message) if m.thread is None and not m.meeting
    )
    from tests.web.test_log_work import form_values

    path = f"/logg/{nora}/meldinger/{thread.id}"
    tokens = form_values(hilde, path)
    hilde_doc = next(
        p for p in snapshot(app, nora).of_kind(Participant) if p.user_id == STAFF["hilde"].user_id
    )
    # A second participant takes the baton, then Hilde leaves.
    stand_in = Participant(
        id="standin0001",
        user_id=STAFF["tor"].user_id,
        name="Tor Eriksen",
        service=hilde_doc.service,
        joined_on=date.today(),
    )
    rev = instance.logs.save(
        nora, [stand_in], expected_revision=head(app, nora), actor_id=hilde_doc.user_id
    )
    rev = instance.logs.hand_over(nora, stand_in.id, expected_revision=rev, actor_id="s-4f1c2a7e")
    rev = instance.logs.save(
        nora,
        [hilde_doc.revised(left_on=date.today())],
        expected_revision=rev,
        actor_id=STAFF["tor"].user_id,
    )
    try:
        answer = hilde.post(path, data={**tokens, "body": "Jeg har sluttet, men skriver likevel."})
        assert answer.status_code == 404
        assert head(app, nora) == rev
    finally:
        rev = instance.logs.save(
            nora, [hilde_doc], expected_revision=head(app, nora), actor_id=STAFF["tor"].user_id
        )
        rev = instance.logs.hand_over(
            nora, hilde_doc.id, expected_revision=rev, actor_id=STAFF["tor"].user_id
        )
        instance.logs.save(
            nora,
            [stand_in.revised(left_on=date.today())],
            expected_revision=rev,
            actor_id=STAFF["hilde"].user_id,
        )


def test_cancelled_meeting_keeps_its_history(meet_app: Flask) -> None:
    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    hilde, kari = logged_in(app, "staff:hilde"), logged_in(app, "citizen:kari")
    assert _call(app, hilde, nora, "Møte som avlyses").status_code == 302
    called = _meeting(app, nora, "Møte som avlyses")
    assert kari.get(f"/logg/{nora}/moter/{called.id}/avlys").status_code == 404
    answer = submit(hilde, f"/logg/{nora}/moter/{called.id}/avlys", {"reason": "Sykdom"})
    assert answer.status_code == 302
    cancelled = _meeting(app, nora, "Møte som avlyses")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Sykdom"
    notice = [m for m in snapshot(app, nora).of_kind(Message) if m.meeting == called.id]
    assert {m.purpose for m in notice} == {"invitation", "cancellation"}
    # Gone from the calendar, still on its page with the reason, and in the history.
    assert "Møte som avlyses" not in kari.get(f"/logg/{nora}/kalender").data.decode()
    page = kari.get(f"/logg/{nora}/moter/{called.id}").data.decode()
    assert "avlyst" in page and "Sykdom" in page
    history = kari.get(f"/logg/{nora}/historikk/meeting/{called.id}")
    assert history.status_code == 200
    assert hilde.get(f"/logg/{nora}/moter/{called.id}/endre").status_code == 404
    assert hilde.get(f"/logg/{nora}/moter/{called.id}/referat").status_code == 404


def test_bad_meeting_input_is_explained_and_nothing_saved(meet_app: Flask) -> None:
    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    hilde = logged_in(app, "staff:hilde")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    cases = [
        ({"day": yesterday}, "Skriv en dato som er i dag eller senere."),
        ({"starts": "25:99"}, "Skriv klokkeslettet som timer:minutter"),
        ({"ends": "12:00"}, "Skriv et sluttidspunkt etter starttidspunktet."),
        ({"video_link": "javascript:alert(1)"}, "https://"),
        ({"title": ""}, "Fyll ut dette feltet."),
        ({"invited": "aaaaaaaaaaaa"}, "Velg fra listen."),
        ({"agenda": "x\n" * 40}, "Skriv høyst 30 saker"),
    ]
    before = head(app, nora)
    for extra, message in cases:
        answer = _call(app, hilde, nora, extra.pop("title", "Feil"), **extra)
        assert answer.status_code == 400, extra
        assert message in answer.data.decode(), (extra, message)
    # A minutes row with a title but no goal or deadline is explained, not half saved.
    today = date.today().isoformat()
    assert _call(app, hilde, nora, "Møte i dag", day=today, starts="00:01").status_code == 302
    planned = _meeting(app, nora, "Møte i dag")
    before = head(app, nora)
    answer = submit(hilde, f"/logg/{nora}/moter/{planned.id}/referat", {"new_title_0": "Noe nytt"})
    assert answer.status_code == 400
    text = answer.data.decode()
    assert "Velg målet aktiviteten hører til." in text and "Skriv fristen." in text
    assert head(app, nora) == before


def test_hostile_strings_round_trip_through_meetings_and_messages(
    meet_app: Flask, blns: list[str]
) -> None:
    """Every naughty string: kept in each form it is typed into, stored intact, shown harmless."""
    from tests.web.test_log_blns import _preview_keeps_every_string
    from tests.web.test_log_work import form_values
    from tests.web.test_rendering import _dangers

    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    hilde, kari = logged_in(app, "staff:hilde"), logged_in(app, "citizen:kari")
    day = (date.today() + timedelta(days=3)).isoformat()
    _preview_keeps_every_string(
        hilde,
        f"/logg/{nora}/moter/nytt",
        {"day": day, "starts": "10:00"},
        ["title", "place", "invitation"],
        blns,
    )
    _preview_keeps_every_string(
        kari, f"/logg/{nora}/meldinger/ny", {}, ["subject_line", "body"], blns
    )
    # Saved: every string as a message's subject and text, and as meeting agenda items.
    path = f"/logg/{nora}/meldinger/ny"
    tokens = form_values(kari, path)
    for n, text in enumerate(blns):
        subject = text if 0 < len(text.strip()) <= 200 else f"Emne {n}"
        data = {**tokens, "form_key": f"m{n:04d}" * 4, "subject_line": subject, "body": text}
        if not text.strip():
            data["body"] = f"{text}tekst {n}"
        assert kari.post(path, data=data).status_code == 302, (n, text)
    stored = {(m.subject_line, m.body) for m in snapshot(app, nora).of_kind(Message)}
    missing = [
        n
        for n, text in enumerate(blns)
        if (
            (text if 0 < len(text.strip()) <= 200 else f"Emne {n}").strip(),
            text if text.strip() else f"{text}tekst {n}",
        )
        not in stored
    ]
    assert missing == []
    agenda_items = [
        t for t in blns if t.strip() and len(t) <= 500 and "\n" not in t and "\r" not in t
    ]
    for start in range(0, len(agenda_items), 30):
        chunk = agenda_items[start : start + 30]
        title = f"Møte {start}"
        answer = _call(app, hilde, nora, title, agenda="\n".join(chunk))
        assert answer.status_code == 302, (start, answer.data[:1500])
        called = _meeting(app, nora, title)
        assert called.agenda == [t.strip() for t in chunk]
        page = kari.get(f"/logg/{nora}/moter/{called.id}")
        assert page.status_code == 200 and _dangers(page.data.decode(), allow_forms=True) == []
    for path in (f"/logg/{nora}/meldinger", f"/logg/{nora}/moter", f"/logg/{nora}/kalender"):
        page = kari.get(path)
        assert page.status_code == 200 and _dangers(page.data.decode(), allow_forms=True) == []


def test_hostile_strings_round_trip_through_minutes_amendments_and_cancellations(
    meet_app: Flask, blns: list[str]
) -> None:
    """Minutes (agreed per item, guests, notes), amendments and a cancel reason keep each
    naughty string intact and show it harmless."""
    from tests.web.test_log_blns import _preview_keeps_every_string
    from tests.web.test_rendering import _dangers

    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    hilde, kari = logged_in(app, "staff:hilde"), logged_in(app, "citizen:kari")
    today = date.today().isoformat()
    answer = _call(app, hilde, nora, "Møte med rare tegn", day=today, starts="00:01", ends="")
    assert answer.status_code == 302
    held = _meeting(app, nora, "Møte med rare tegn")
    minutes = f"/logg/{nora}/moter/{held.id}/referat"
    _preview_keeps_every_string(hilde, minutes, {}, ["agreed_0", "guests", "body"], blns)

    def normal(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    # Saved, thirty strings at a time: each chunk as what was agreed, as notes and as guests.
    chunks = [blns[start : start + 30] for start in range(0, len(blns), 30)]
    for chunk in chunks:
        text = "\n".join(normal(t) for t in chunk)
        guests = [t for t in chunk if t.strip() and len(t) <= 200 and "\n" not in normal(t)]
        data = {"agreed_0": text, "agreed_1": "", "body": text, "guests": "\n".join(guests)}
        answer = submit(hilde, minutes, data)
        assert answer.status_code == 302, (chunk, answer.data[-3000:])
        stored = _meeting(app, nora, held.title)
        assert normal(stored.outcomes[0].agreed).strip() == text.strip()
        assert normal(stored.body).strip() == text.strip()
        names = [a.name for a in stored.attendees if a.role == "guest"]
        assert names == [g.strip() for g in guests]
        page = kari.get(f"/logg/{nora}/moter/{held.id}")
        assert page.status_code == 200 and _dangers(page.data.decode(), allow_forms=True) == []
    # Approved: amendments carry the strings below the locked minutes.
    assert submit(hilde, f"/logg/{nora}/moter/{held.id}/godkjenn", {}).status_code == 302
    for chunk in chunks[:6]:
        text = "\n".join(normal(t) for t in chunk)
        amend = f"/logg/{nora}/moter/{held.id}/tillegg"
        answer = submit(hilde, amend, {"body": text if text.strip() else "tomt"})
        assert answer.status_code == 302, (chunk, answer.data[-3000:])
    amendments = [normal(a.body).strip() for a in snapshot(app, nora).of_kind(MinutesAmendment)]
    for chunk in chunks[:6]:
        text = "\n".join(normal(t) for t in chunk).strip()
        assert (text or "tomt") in amendments
    page = kari.get(f"/logg/{nora}/moter/{held.id}")
    assert page.status_code == 200 and _dangers(page.data.decode(), allow_forms=True) == []
    # A cancel reason is one line: the single-line strings, joined up to its length.
    lines = [t.strip() for t in blns if t.strip() and "\n" not in normal(t) and len(t) < 300]
    reasons: list[str] = []
    for line in lines:
        if reasons and len(reasons[-1]) + len(line) + 3 <= 1000:
            reasons[-1] += f" | {line}"
        else:
            reasons.append(line)
    for n, reason in enumerate(reasons):
        assert _call(app, hilde, nora, f"Avlyst {n}").status_code == 302
        planned = _meeting(app, nora, f"Avlyst {n}")
        cancel = f"/logg/{nora}/moter/{planned.id}/avlys"
        assert submit(hilde, cancel, {"reason": reason}).status_code == 302, reason
        cancelled = _meeting(app, nora, f"Avlyst {n}")
        assert cancelled.status == "cancelled" and cancelled.cancel_reason == reason.strip()
        page = kari.get(f"/logg/{nora}/moter/{planned.id}")
        assert page.status_code == 200 and _dangers(page.data.decode(), allow_forms=True) == []
