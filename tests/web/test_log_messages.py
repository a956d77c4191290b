"""Messages over HTTP: threads, what is new per user, editing until read, withdrawing,
and what a child under the consent age takes part in."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.access import User, UserKind
from app.demo import demo_citizens
from app.documents.meetings import Meeting, Message
from app.gateway import NoAccess, Portal
from app.gateway.changes import Change
from app.logs.errors import RuleViolation
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from tests.web.conftest import csrf_token, demo_log_ids, logged_in
from tests.web.test_log_meetings import meet_app  # noqa: F401  (the shared instance)
from tests.web.test_log_work import form_values, head, snapshot, submit

DEMO_CITIZENS = demo_citizens(date.today())


def _entry(client: FlaskClient, log_id: str, subject: str) -> str:
    """The line of the thread list about ``subject``."""
    page = client.get(f"/logg/{log_id}/meldinger").data.decode()
    return next(item for item in page.split("<li>") if subject in item)


def _thread(app: Flask, log_id: str, subject: str) -> Message:
    return next(
        m
        for m in snapshot(app, log_id).of_kind(Message)
        if m.subject_line == subject and m.thread is None
    )


def test_new_threads_edit_until_read_and_withdraw(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    hilde, kari, ola = (logged_in(app, w) for w in ("staff:hilde", "citizen:kari", "citizen:ola"))
    answer = submit(
        hilde,
        f"/logg/{nora}/meldinger/ny",
        {"subject_line": "Tur på fredag", "body": "Husk regntøy."},
    )
    assert answer.status_code == 302
    first = _thread(app, nora, "Tur på fredag")
    assert first.author == "s-4f1c2a7e" and first.author_role == "participant"
    # Kari has something new; the section menu and the overview say so.
    assert "1 ny" in _entry(kari, nora, "Tur på fredag")
    overview = kari.get(f"/logg/{nora}/").data.decode()
    assert "har noe nytt til deg" in overview
    # Until someone else has read it, Hilde may correct it.
    edit = f"/logg/{nora}/meldinger/{first.id}/endre"
    answer = submit(hilde, edit, {"body": "Husk regntøy og matpakke."})
    assert answer.status_code == 302
    edited = _thread(app, nora, "Tur på fredag")
    assert edited.body == "Husk regntøy og matpakke." and edited.edited_at is not None
    # Kari opens the thread: nothing is new for her any more, and it cannot be edited.
    page = kari.get(f"/logg/{nora}/meldinger/{first.id}").data.decode()
    assert "Husk regntøy og matpakke." in page and "endret" in page
    assert " ny<" not in _entry(kari, nora, "Tur på fredag")
    assert "1 ny" in _entry(ola, nora, "Tur på fredag")  # Ola has not looked
    before = head(app, nora)
    assert hilde.get(edit).status_code == 404
    forged = {**form_values(hilde, f"/logg/{nora}/mal"), "revision": before, "body": "x"}
    assert hilde.post(edit, data=forged).status_code == 404
    assert head(app, nora) == before
    # The gateway refuses the edit too, however it is asked.
    try:
        Portal(instance).change(
            User("s-4f1c2a7e", UserKind.STAFF),
            nora,
            Change((edited.revised(body="Ny tekst"),)),
            expected_revision=before,
        )
        raise AssertionError("an edit after reading was saved")
    except RuleViolation as refused:
        assert refused.code == "message_read"
    # Kari replies; the reply quotes nothing. Nobody but the author withdraws a message.
    reply = submit(kari, f"/logg/{nora}/meldinger/{first.id}", {"body": "Vi kommer!"})
    assert reply.status_code == 302
    answer = next(m for m in snapshot(app, nora).of_kind(Message) if m.thread == first.id)
    assert answer.body == "Vi kommer!" and answer.author_role == "guardian"
    assert hilde.get(f"/logg/{nora}/meldinger/{answer.id}/trekk-tilbake").status_code == 404
    assert ola.get(f"/logg/{nora}/meldinger/{answer.id}/endre").status_code == 404
    # Hilde sees Kari's reply as new.
    assert "1 ny" in _entry(hilde, nora, "Tur på fredag")
    # Kari withdraws: the text leaves HEAD, the history keeps it.
    answer_path = f"/logg/{nora}/meldinger/{answer.id}/trekk-tilbake"
    assert submit(kari, answer_path, {}).status_code == 302
    withdrawn = snapshot(app, nora).documents[DocRef("message", answer.id)]
    assert withdrawn.withdrawn_at is not None and withdrawn.body == ""
    page = hilde.get(f"/logg/{nora}/meldinger/{first.id}").data.decode()
    assert "Vi kommer!" not in page and "trukket tilbake" in page
    versions = instance.logs.history(nora, DocRef("message", answer.id))
    old = instance.logs.read_document(nora, DocRef("message", answer.id), versions[-1].revision)
    assert old.body == "Vi kommer!"
    # A withdrawn message stays withdrawn.
    assert kari.get(answer_path).status_code == 404
    # Every change is in the access log on the meetings section.
    entries = [e for e in instance.access_log.entries(nora) if e.action == "write"]
    assert entries[-1].section == "meetings"


def test_a_child_under_the_consent_age_reads_only_what_includes_them(
    meet_app: Flask,  # noqa: F811
) -> None:
    app = meet_app
    instance = app.extensions["stafettlogg"]
    jonas = demo_log_ids(app)["Jonas"]
    ingrid = logged_in(app, "staff:ingrid")
    for subject, include in (("Til Jonas også", "y"), ("Bare for de voksne", "")):
        data = {"subject_line": subject, "body": "Hei."}
        if include:
            data["include_subject"] = include
        assert submit(ingrid, f"/logg/{jonas}/meldinger/ny", data).status_code == 302
    # Only the holder of a young child's log sees the choice; the guardians do not.
    lise = logged_in(app, "citizen:lise")
    assert "include_subject" not in lise.get(f"/logg/{jonas}/meldinger/ny").data.decode()
    subject = snapshot(app, jonas).overview.subject
    child = app.test_client()
    with child.session_transaction() as session:
        principal = instance.index.person_principal(subject.fnr)
        session["user"] = {"principal": principal, "kind": "citizen", "roles": [], "service": ""}
    listed = child.get(f"/logg/{jonas}/meldinger").data.decode()
    assert "Til Jonas også" in listed and "Bare for de voksne" not in listed
    included, adults = (
        _thread(app, jonas, "Til Jonas også"),
        _thread(app, jonas, "Bare for de voksne"),
    )
    assert child.get(f"/logg/{jonas}/meldinger/{included.id}").status_code == 200
    assert child.get(f"/logg/{jonas}/meldinger/{adults.id}").status_code == 404
    # The meetings the child is not invited to are not shown either: not in the list, the
    # calendar, the overview, the work page, the .ics download or the private feed.
    adults_only = next(m for m in snapshot(app, jonas).of_kind(Meeting) if not m.invite_subject)
    for path in ("moter", "kalender", "", "mal"):
        page = child.get(f"/logg/{jonas}/{path}")
        assert page.status_code == 200 and adults_only.title not in page.data.decode(), path
    assert child.get(f"/logg/{jonas}/moter/{adults_only.id}").status_code == 404
    assert child.get(f"/logg/{jonas}/kalender/{adults_only.id}-meeting.ics").status_code == 404
    portal = Portal(instance)
    child_user = User(principal, UserKind.CITIZEN)
    feed = portal.feed(portal.renew_feed(child_user, jonas)).decode()
    adults_at = adults_only.starts_at.strftime("%Y%m%dT%H%M%S")
    assert adults_at not in feed
    lise_user = User(instance.index.person_principal(DEMO_CITIZENS["lise"].fnr), UserKind.CITIZEN)
    assert adults_at in portal.feed(portal.renew_feed(lise_user, jonas)).decode()  # the same probe
    # Inviting the child to a meeting lets them see it and its thread; un-inviting hides both.
    invited = submit(
        ingrid,
        f"/logg/{jonas}/moter/nytt",
        {
            "title": "Møte med Jonas",
            "day": date.today().isoformat(),
            "starts": "00:10",
            "invite_subject": "y",
        },
    )
    assert invited.status_code == 302
    meeting = next(m for m in snapshot(app, jonas).of_kind(Meeting) if m.title == "Møte med Jonas")
    call = next(m for m in snapshot(app, jonas).of_kind(Message) if m.meeting == meeting.id)
    assert child.get(f"/logg/{jonas}/meldinger/{call.id}").status_code == 200
    assert (
        submit(
            ingrid,
            f"/logg/{jonas}/moter/{meeting.id}/endre",
            {"title": "Møte med Jonas", "day": date.today().isoformat(), "starts": "00:10"},
        ).status_code
        == 302
    )
    assert child.get(f"/logg/{jonas}/meldinger/{call.id}").status_code == 404
    assert child.get(f"/logg/{jonas}/moter/{meeting.id}").status_code == 404
    # The child answers in a thread they are included in; nothing else in the section.
    assert child.get(f"/logg/{jonas}/meldinger/ny").status_code == 404
    page = child.get(f"/logg/{jonas}/meldinger/{included.id}").data.decode()
    assert 'name="body"' in page
    assert f"/logg/{jonas}/meldinger/ny" not in child.get(f"/logg/{jonas}/meldinger").data.decode()
    answer = submit(child, f"/logg/{jonas}/meldinger/{included.id}", {"body": "Hei fra meg!"})
    assert answer.status_code == 302
    reply = next(m for m in snapshot(app, jonas).of_kind(Message) if m.body == "Hei fra meg!")
    assert reply.thread == included.id and reply.author_role == "subject"
    assert reply.author == principal
    before = head(app, jonas)
    token = csrf_token(child, f"/logg/{jonas}/mal")
    forged = [
        (f"/logg/{jonas}/meldinger/{adults.id}", {"body": "Hei!"}),  # a thread not for them
        (f"/logg/{jonas}/meldinger/ny", {"subject_line": "Ny", "body": "Hei!"}),
        (f"/logg/{jonas}/moter/nytt", {"title": "Mitt møte", "day": date.today().isoformat()}),
    ]
    for path, data in forged:
        answer = child.post(path, data={**data, "csrf_token": token, "revision": before})
        assert answer.status_code == 404, path
    # And straight through the gateway: no new thread, no meeting, no reply elsewhere.
    child_user = User(principal, UserKind.CITIZEN)
    for document in (
        reply.revised(id=new_document_id(), thread=None, subject_line="Eget emne"),
        reply.revised(id=new_document_id(), thread=adults.id),
        meeting.revised(title="Endret av barnet"),
    ):
        with pytest.raises(NoAccess):
            portal.change(child_user, jonas, Change((document,)), expected_revision=before)
    assert head(app, jonas) == before


def test_the_youth_from_the_consent_age_writes_messages(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    sara_log = demo_log_ids(app)["Sara"]
    sara = logged_in(app, "citizen:sara")
    answer = submit(
        sara,
        f"/logg/{sara_log}/meldinger/ny",
        {"subject_line": "Time hos helsesykepleier", "body": "Kan vi flytte timen?"},
    )
    assert answer.status_code == 302
    sent = _thread(app, sara_log, "Time hos helsesykepleier")
    assert sent.author_role == "subject"
    maria = logged_in(app, "staff:maria")
    assert "Time hos helsesykepleier" in maria.get(f"/logg/{sara_log}/meldinger").data.decode()
