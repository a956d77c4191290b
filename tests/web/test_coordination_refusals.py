"""Every refusal of the coordinator's, the unit leader's, the archivist's and the paper
forms, explained over HTTP (issue 8 and 9's route audit); and the reads they record."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.documents.people import Consent, Guardian
from app.documents.records import BatonHandover, DeletionRequest
from app.lifecycle.clock import OSLO
from app.logs.ids import new_document_id
from tests.conftest import TODAY
from tests.web.conftest import csrf_token, demo_log_ids, logged_in
from tests.web.test_log_work import form_values, head, snapshot, submit
from tests.web.test_paper_consent import _paper, _pending_with_request, _scan


def _post(client: FlaskClient, app: Flask, path: str, log_id: str, **data: str) -> str:
    """Post a coordinator's form; the page it comes back to, with its message."""
    sent = client.post(
        path,
        data={"csrf_token": csrf_token(client, "/ansatt/"), "revision": head(app, log_id), **data},
        follow_redirects=True,
    )
    assert sent.status_code == 200, (path, sent.status_code)
    return sent.data.decode()


def _offer(app: Flask, log_id: str, to: str, by: str, days_ago: int) -> BatonHandover:
    log = snapshot(app, log_id)
    offer = BatonHandover(
        id=new_document_id(),
        from_holder=log.overview.holder,
        to_holder=to,
        state="offered",
        offered_by=by,
        offered_on=TODAY - timedelta(days=days_ago),
    )
    app.extensions["stafettlogg"].logs.save(
        log_id, [offer], expected_revision=log.revision, actor_id=by
    )
    return offer


def test_the_unit_leaders_baton_refusals_are_explained(fresh_app: Flask) -> None:
    app = fresh_app
    jonas = demo_log_ids(app)["Jonas"]
    kjersti = logged_in(app, "staff:kjersti")
    path = f"/ansatt/stafett/{jonas}"
    # A participant id that is none (a forged form): a refusal, not a missing page.
    for broken in ("", "ZZZ", "0" * 16):
        page = _post(kjersti, app, path, jonas, to_participant=broken)
        assert "Stafettpinnen kan bare gis til en ansatt som deltar i loggen." in page
    # An offer that waits: no second one, and she may not withdraw it before it is stale.
    per = next(
        p for p in snapshot(app, jonas).of_kind_active_participants() if p.user_id == "s-9b3e5d10"
    )
    fresh = _offer(app, jonas, per.id, "s-2d7a8c44", days_ago=1)
    page = _post(kjersti, app, path, jonas, to_participant=per.id)
    assert "En overlevering venter allerede på svar." in page
    withdraw = f"/ansatt/stafett/{jonas}/{fresh.id}/trekk"
    assert "Tilbudet har ikke ventet lenge." in _post(kjersti, app, withdraw, jonas)
    waiting = {h.id: h for h in snapshot(app, jonas).of_kind(BatonHandover)}
    assert waiting[fresh.id].state == "offered"
    # Answered meanwhile (Per accepts): her withdrawal is told so.
    per_client = logged_in(app, "staff:per")
    accepted = per_client.post(
        f"/logg/{jonas}/stafett/{fresh.id}",
        data={
            "csrf_token": csrf_token(per_client, f"/logg/{jonas}/"),
            "revision": head(app, jonas),
            "answer": "accept",
        },
    )
    assert accepted.status_code == 302
    page = _post(kjersti, app, withdraw, jonas)
    assert "Dette tilbudet om stafettpinnen er allerede besvart eller trukket tilbake." in page


def test_the_deletion_refusals_are_explained(fresh_app: Flask) -> None:
    app = fresh_app
    jonas = demo_log_ids(app)["Jonas"]
    lise, bjorn = logged_in(app, "citizen:lise"), logged_in(app, "staff:bjorn")
    assert submit(lise, f"/logg/{jonas}/sletting", {"reason": ""}).status_code == 302
    (asked,) = snapshot(app, jonas).of_kind(DeletionRequest)
    decide = f"/ansatt/sletting/{jonas}/{asked.id}"
    # Confirming a shredding nobody proposed; a note too long for a decision.
    page = _post(bjorn, app, decide + "/makuler", jonas)
    assert "Denne slettingsforespørselen er allerede behandlet." in page
    page = _post(bjorn, app, decide, jonas, decision="block", note="x" * 1001)
    assert "Merknaden er for lang" in page
    # A decision that does not exist (a forged form), after the access check: 400.
    forged = bjorn.post(
        decide,
        data={
            "csrf_token": csrf_token(bjorn, "/ansatt/"),
            "revision": head(app, jonas),
            "decision": "burn",
        },
    )
    assert forged.status_code == 400
    # Proposed once, not twice; then the family cannot withdraw a decided request.
    assert "En annen koordinator må bekrefte" in _post(
        bjorn, app, decide, jonas, decision="propose_shred"
    )
    again = _post(bjorn, app, decide, jonas, decision="propose_shred")
    assert "Denne slettingsforespørselen er allerede behandlet." in again
    _post(bjorn, app, decide, jonas, decision="block")
    sent = lise.post(
        f"/logg/{jonas}/sletting/{asked.id}/trekk",
        data={"csrf_token": csrf_token(lise, "/familie/"), "revision": head(app, jonas)},
    )
    assert sent.status_code == 404  # a blocked log opens for nobody, its requests neither


def test_the_archive_list_and_the_reopening_form_are_recorded_reads(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    liam = demo_log_ids(app)["Liam"]
    before = len(instance.access_log.entries(liam))
    assert "Liam Johansen" in logged_in(app, "staff:anne").get("/arkiv/").data.decode()
    entries = instance.access_log.entries(liam)
    assert len(entries) == before + 1 and entries[-1].actor == "s-85c0f4d9"
    last_day = max(c.valid_until for c in snapshot(app, liam).of_kind(Consent))
    portal = app.extensions["portal"]
    real = portal.clock
    try:
        portal.clock = lambda: datetime.combine(last_day + timedelta(days=3), time(12), tzinfo=OSLO)
        hilde = logged_in(app, "staff:hilde")
        assert hilde.get(f"/ansatt/gjenapne/{liam}").status_code == 200
        read = instance.access_log.entries(liam)[-1]
        assert read.actor == "s-4f1c2a7e" and read.basis == "holder:reopen"
        # An empty form is explained (400), and the page is shown again.
        empty = submit(hilde, f"/ansatt/gjenapne/{liam}", {"services": []})
        assert empty.status_code == 400 and "Velg minst én tjeneste" in empty.data.decode()
        # Sent twice: the second finds the first answer, not a missing page.
        form = {"services": ["kindergarten"]}
        values = {**form_values(hilde, f"/ansatt/gjenapne/{liam}"), **form}
        first = hilde.post(f"/ansatt/gjenapne/{liam}", data=values)
        second = hilde.post(f"/ansatt/gjenapne/{liam}", data=values)
        assert (first.status_code, second.status_code) == (302, 302)
    finally:
        portal.clock = real


def test_the_paper_form_refuses_an_old_signature_and_a_closed_request(fresh_app: Flask) -> None:
    app = fresh_app
    log_id, per, request = _pending_with_request(app)
    path = f"/logg/{log_id}/samtykker/{request.id}/papir"
    guardian = snapshot(app, log_id).of_kind(Guardian)[0]
    old = (TODAY - timedelta(days=120)).isoformat()
    refused = _paper(per, path, guardian.id, _scan(), signed_on=old)
    assert refused.status_code == 400
    assert "Datoen for underskrift må være i dag eller tidligere" in refused.data.decode()
    # Both answered on paper: the request is closed, and its paper form is a missing page.
    for g in snapshot(app, log_id).of_kind(Guardian):
        assert _paper(per, path, g.id, _scan()).status_code == 302
    assert per.get(path).status_code == 404
