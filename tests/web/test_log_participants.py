"""Participants over HTTP: inviting from the directory, an external participant, ending a
participation (access ends at once), and a participant's own details."""

from __future__ import annotations

from flask import Flask

from app.demo import STAFF
from app.documents.people import Participant
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
