"""Participants over HTTP: inviting from the directory, an external participant, ending a
participation (access ends at once), and a participant's own details."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from app.access import User, UserKind
from app.demo import STAFF
from app.documents.meetings import Meeting, Message
from app.documents.people import Participant
from app.gateway import NoAccess, Portal
from app.gateway.changes import Change
from tests.web.conftest import demo_log_ids, logged_in
from tests.web.test_log_meetings import meet_app  # noqa: F401  (the shared instance)
from tests.web.test_log_work import form_values, head, snapshot, submit


def _active(app: Flask, log_id: str, user_id: str) -> Participant | None:
    return next(
        (p for p in snapshot(app, log_id).of_kind_active_participants() if p.user_id == user_id),
        None,
    )


def test_invite_search_end_and_own_details(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    hilde, tor, kari = (logged_in(app, w) for w in ("staff:hilde", "staff:tor", "citizen:kari"))
    # Only the holder invites.
    for client in (kari, logged_in(app, "staff:per")):
        assert client.get(f"/logg/{nora}/deltakere/inviter").status_code == 404
    # A search narrows the list by name or unit and saves nothing.
    before = head(app, nora)
    path = f"/logg/{nora}/deltakere/inviter"
    found = hilde.post(
        path, data={**form_values(hilde, path), "search": "nordby", "intent": "search"}
    )
    text = found.data.decode()
    assert found.status_code == 200 and "Tor Eriksen" in text and "Anne Vik" not in text
    assert head(app, nora) == before
    # Tor (school) is added; no consent covers the school, so he sees nothing, and the page says so.
    answer = submit(
        hilde, path, {"staff": STAFF["tor"].user_id, "notify_messages": "y", "intent": "save"}
    )
    assert answer.status_code == 302, answer.data[:1500]
    added = _active(app, nora, STAFF["tor"].user_id)
    assert added is not None and added.service.value == "school"
    assert added.notifications.messages and not added.notifications.calendar
    assert tor.get(f"/logg/{nora}/").status_code == 404
    page = hilde.get(f"/logg/{nora}/deltakere").data.decode()
    assert "ser ingenting før et samtykke dekker tjenesten" in page
    # Inviting him again (a second tab) is explained, and adds no second participation.
    before = head(app, nora)
    again = submit(hilde, path, {"staff": STAFF["tor"].user_id, "intent": "save"})
    assert again.status_code == 400 and "deltar allerede i loggen" in again.data.decode()
    assert head(app, nora) == before
    # Someone outside the directory.
    answer = submit(
        hilde,
        f"/logg/{nora}/deltakere/ekstern",
        {"name": "Dr. Nilsen", "service": "gp", "email": "ikke-en-adresse", "notify_messages": "y"},
    )
    assert answer.status_code == 400 and "Skriv en gyldig e-postadresse." in answer.data.decode()
    answer = submit(
        hilde,
        f"/logg/{nora}/deltakere/ekstern",
        {"name": "Dr. Nilsen", "service": "gp", "email": "lege@example.no", "phone": "99 99 99 99"},
    )
    assert answer.status_code == 302
    external = next(p for p in snapshot(app, nora).of_kind(Participant) if p.name == "Dr. Nilsen")
    assert external.user_id.startswith("ext-") and external.unit_id is None
    # The holder's own participation cannot be ended; others' can, and access ends at once.
    holder = snapshot(app, nora).overview.holder
    assert hilde.get(f"/logg/{nora}/deltakere/{holder}/avslutt").status_code == 404
    answer = submit(hilde, f"/logg/{nora}/deltakere/{added.id}/avslutt", {})
    assert answer.status_code == 302
    assert _active(app, nora, STAFF["tor"].user_id) is None
    page = hilde.get(f"/logg/{nora}/deltakere").data.decode()
    assert "Tidligere deltakere" in page and "sluttet" in page


def test_a_participant_keeps_their_own_details_and_nothing_else(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    jonas = demo_log_ids(app)["Jonas"]
    per = logged_in(app, "staff:per")
    mine = _active(app, jonas, STAFF["per"].user_id)
    ingrid_doc = _active(app, jonas, STAFF["ingrid"].user_id)
    assert mine is not None and ingrid_doc is not None
    answer = submit(
        per,
        f"/logg/{jonas}/deltakere/{mine.id}/mine",
        {"job_title": "Kontaktlærer 5B", "phone": "900 00 000", "notify_comments": "y"},
    )
    assert answer.status_code == 302, answer.data[:1500]
    changed = _active(app, jonas, STAFF["per"].user_id)
    assert changed is not None and changed.job_title == "Kontaktlærer 5B"
    assert changed.notifications.comments and not changed.notifications.messages
    assert changed.service == mine.service and changed.name == mine.name
    # Not someone else's details, and not the holder's management forms.
    before = head(app, jonas)
    assert per.get(f"/logg/{jonas}/deltakere/{ingrid_doc.id}/mine").status_code == 404
    assert per.get(f"/logg/{jonas}/deltakere/ekstern").status_code == 404
    assert per.get(f"/logg/{jonas}/deltakere/{ingrid_doc.id}/avslutt").status_code == 404
    assert head(app, jonas) == before
    # A guardian sees the participants but changes none of them.
    lise = logged_in(app, "citizen:lise")
    assert lise.get(f"/logg/{jonas}/deltakere").status_code == 200
    own = f"/logg/{jonas}/deltakere/{mine.id}/mine"
    assert lise.get(own).status_code == 404
    forged = {**form_values(lise, f"/logg/{jonas}/mal"), "revision": before, "phone": "1"}
    assert lise.post(own, data=forged).status_code == 404
    assert head(app, jonas) == before


def test_own_details_only_in_an_active_log_and_without_files(meet_app: Flask) -> None:  # noqa: F811
    """The pipeline's exception for one's own details is a plain save in an active log."""
    app = meet_app
    instance = app.extensions["stafettlogg"]
    portal = Portal(instance)
    per = User(STAFF["per"].user_id, UserKind.STAFF)
    jonas, liam = demo_log_ids(app)["Jonas"], demo_log_ids(app)["Liam"]
    mine = _active(app, jonas, STAFF["per"].user_id)
    assert mine is not None
    before = head(app, jonas)
    with pytest.raises(NoAccess):  # a file smuggled along with one's phone number
        portal.change(
            per,
            jonas,
            Change((mine.revised(phone="1"),), files={"attachments/zzzzzzzzzz.bin": b"x"}),
            expected_revision=before,
        )
    with pytest.raises(NoAccess):  # one's own service is not a contact detail
        portal.change(per, jonas, Change((mine.revised(service="ppt"),)), expected_revision=before)
    assert head(app, jonas) == before
    # In a closed log nothing changes, not even one's own phone number.
    hilde = User(STAFF["hilde"].user_id, UserKind.STAFF)
    closed = snapshot(app, liam)
    hers = next(p for p in closed.of_kind(Participant) if p.user_id == hilde.principal)
    with pytest.raises(NoAccess):
        portal.change(
            hilde, liam, Change((hers.revised(phone="1"),)), expected_revision=closed.revision
        )
    assert head(app, liam) == closed.revision


def test_mail_links_carry_one_plain_address(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    hilde = logged_in(app, "staff:hilde")
    before = head(app, nora)
    answer = submit(
        hilde,
        f"/logg/{nora}/deltakere/ekstern",
        {"name": "Spion", "service": "other", "email": "a?bcc=spy%40evil.no@example.no"},
    )
    assert answer.status_code == 400 and "Skriv en gyldig e-postadresse." in answer.data.decode()
    answer = submit(
        hilde,
        f"/logg/{nora}/deltakere/ekstern",
        {"name": "Spion", "service": "other", "email": "a@example.no?bcc=spy@evil.no"},
    )
    assert answer.status_code == 400
    assert head(app, nora) == before
    # An address stored some other way is shown, but never as a link.
    odd = Participant(
        id="oddmail00001",
        user_id="ext-oddmail",
        name="Odd Adresse",
        service="other",
        email="a@example.no?bcc=spy@evil.no",
        joined_on=date.today(),
    )
    app.extensions["stafettlogg"].logs.save(
        nora, [odd], expected_revision=before, actor_id=STAFF["hilde"].user_id
    )
    page = hilde.get(f"/logg/{nora}/deltakere").data.decode()
    assert "a@example.no?bcc=spy@evil.no" in page and "mailto:a@example.no?" not in page
    assert 'href="mailto:hilde@demo.kommune.invalid"' in page


def test_holder_forms_record_what_they_show_and_nothing_they_refuse(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    instance = app.extensions["stafettlogg"]
    jonas = demo_log_ids(app)["Jonas"]
    ingrid, per = logged_in(app, "staff:ingrid"), logged_in(app, "staff:per")

    def entries() -> int:
        return len(instance.access_log.entries(jonas))

    count = entries()
    for path in ("deltakere/inviter", "deltakere/ekstern", "moter/nytt"):
        assert per.get(f"/logg/{jonas}/{path}").status_code == 404
    assert entries() == count  # a refusal is not a read
    path = f"/logg/{jonas}/deltakere/inviter"
    tokens = form_values(ingrid, path)
    count = entries()
    found = ingrid.post(path, data={**tokens, "search": "nordby", "intent": "search"})
    assert found.status_code == 200
    assert entries() == count + 1 and instance.access_log.entries(jonas)[-1].action == "read"
    # A form sent back with problems shows the log again: that is a read too.
    answer = ingrid.post(path, data={**tokens, "staff": "", "intent": "save"})
    assert answer.status_code == 400 and entries() == count + 2


def test_no_new_form_changes_a_passive_log(meet_app: Flask) -> None:  # noqa: F811
    """A passive log is read-only: every new form answers 404 to its holder, HEAD unchanged."""
    app = meet_app
    instance = app.extensions["stafettlogg"]
    jonas = demo_log_ids(app)["Jonas"]
    snap = snapshot(app, jonas)
    meeting = next(m for m in snap.of_kind(Meeting) if m.status == "held")
    thread = next(m for m in snap.of_kind(Message) if m.thread is None)
    per_doc = _active(app, jonas, STAFF["per"].user_id)
    ingrid_doc = _active(app, jonas, STAFF["ingrid"].user_id)
    assert per_doc is not None and ingrid_doc is not None
    ingrid = logged_in(app, "staff:ingrid")
    tokens = form_values(ingrid, f"/logg/{jonas}/mal")
    paths = [
        "moter/nytt",
        f"moter/{meeting.id}/referat",  # held, its minutes not yet approved: open while active
        f"moter/{meeting.id}/godkjenn",
        "meldinger/ny",
        f"meldinger/{thread.id}",
        "dokumenter/ny",
        "deltakere/inviter",
        "deltakere/ekstern",
        f"deltakere/{per_doc.id}/avslutt",
        f"deltakere/{ingrid_doc.id}/mine",
    ]
    for path in paths:  # each form is open to the holder while the log is active
        assert ingrid.get(f"/logg/{jonas}/{path}").status_code == 200, path
    rev = instance.logs.save(
        jonas,
        [snap.overview.revised(status="passive")],
        expected_revision=snap.revision,
        actor_id=STAFF["ingrid"].user_id,
    )
    try:
        for path in paths:
            answer = ingrid.post(f"/logg/{jonas}/{path}", data={**tokens, "revision": rev})
            assert answer.status_code == 404, path
        assert head(app, jonas) == rev
    finally:
        instance.logs.save(
            jonas,
            [snap.overview],
            expected_revision=head(app, jonas),
            actor_id=STAFF["ingrid"].user_id,
        )
