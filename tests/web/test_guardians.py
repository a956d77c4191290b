"""Guardians over HTTP: registered by the holder, trusted only once a second person confirms."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.access import User, UserKind
from app.demo import STAFF, demo_citizens
from app.demo.people import synthetic_fnr
from app.documents.people import Consent, Guardian
from app.gateway import Portal
from app.gateway.changes import Change
from app.logs.errors import RuleViolation
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from tests.web.conftest import csrf_token, demo_log_ids, logged_in
from tests.web.test_log_work import head, snapshot, submit

# The demo directory gives staff member number n this fødselsnummer (app/demo/__init__.py).
HILDE_FNR = synthetic_fnr(date(1975, 1, 10), 400)


def _as_citizen(app: Flask, fnr: str) -> FlaskClient:
    """A client logged in with ``fnr`` through ID-porten (the session the login makes)."""
    client = app.test_client()
    principal = app.extensions["stafettlogg"].index.person_principal(fnr)
    with client.session_transaction() as session:
        session["user"] = {"principal": principal, "kind": "citizen", "roles": [], "service": ""}
    return client


def _register(client: FlaskClient, log_id: str, name: str, fnr: str):  # type: ignore[no-untyped-def]
    return submit(client, f"/logg/{log_id}/foresatte/ny", {"name": name, "fnr": fnr})


def _guardian(app: Flask, log_id: str, name: str) -> Guardian:
    return next(g for g in snapshot(app, log_id).of_kind(Guardian) if g.name == name)


def _answer(client: FlaskClient, app: Flask, log_id: str, guardian: Guardian, answer: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/ansatt/foresatte/{log_id}/{guardian.id}",
        data={
            "csrf_token": csrf_token(client, "/ansatt/"),
            "revision": head(app, log_id),
            "answer": answer,
        },
    )


def test_a_holder_who_names_themself_a_guardian_gets_nothing_from_it(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    hilde, bjorn = logged_in(app, "staff:hilde"), logged_in(app, "staff:bjorn")
    hilde_at_home = _as_citizen(app, HILDE_FNR)  # the holder's own ID-porten login
    answer = _register(hilde, nora, "Hilde Solberg", HILDE_FNR)
    assert answer.status_code == 302, answer.data[-2000:]
    registered = _guardian(app, nora, "Hilde Solberg")
    assert registered.confirmed_by is None and registered.registered_by == STAFF["hilde"].user_id
    # The number is never shown back: the consents page gives a birth date and the status.
    page = hilde.get(f"/logg/{nora}/samtykker").data.decode()
    assert HILDE_FNR not in page and "Venter på bekreftelse" in page
    assert "Hilde Solberg" not in page.split("</title>", 1)[0]  # names stay out of the title
    assert hilde_at_home.get(f"/logg/{nora}/").status_code == 404
    # A consent the holder writes in that name proves nothing either.
    portal = Portal(instance)
    holder = User(STAFF["hilde"].user_id, UserKind.STAFF)
    kari = snapshot(app, nora).of_kind(Consent)[0]
    forged = kari.revised(id=new_document_id(), given_by_name="Hilde", given_by_fnr=HILDE_FNR)
    with pytest.raises(RuleViolation) as refused:  # consent is given only through its verbs
        portal.change(holder, nora, Change((forged,)), expected_revision=head(app, nora))
    assert refused.value.code == "lifecycle_verb"
    # Even stored beneath the gateway, it proves nothing.
    instance.logs.save(nora, [forged], expected_revision=head(app, nora), actor_id="s-4f1c2a7e")
    assert hilde_at_home.get(f"/logg/{nora}/").status_code == 404
    # Nor can the holder mark the record confirmed, through any path.
    confirmed = registered.revised(confirmed_by=STAFF["bjorn"].user_id, confirmed_on=date.today())
    before = head(app, nora)
    with pytest.raises(RuleViolation) as refused:
        portal.change(holder, nora, Change((confirmed,)), expected_revision=before)
    assert refused.value.code == "guardian_unconfirmed"
    gone = Change((), deletions=(DocRef("guardian", registered.id),))
    with pytest.raises(RuleViolation) as refused:
        portal.change(holder, nora, gone, expected_revision=before)
    assert refused.value.code == "guardian_kept"
    assert hilde.get("/ansatt/foresatte").status_code == 404  # confirming is not the holder's
    assert _answer(hilde, app, nora, registered, "confirm").status_code == 404
    assert head(app, nora) == before
    # The coordinator sees the registration and who made it, and is stopped: the one who
    # registered it has the guardian's own number.
    listed = bjorn.get("/ansatt/foresatte").data.decode()
    assert "Hilde Solberg, foresatt for Nora" in listed and HILDE_FNR not in listed
    answer = _answer(bjorn, app, nora, registered, "confirm")
    assert answer.status_code == 302
    assert "samme fødselsnummer" in bjorn.get("/ansatt/foresatte").data.decode()
    assert _guardian(app, nora, "Hilde Solberg").confirmed_by is None
    assert hilde_at_home.get(f"/logg/{nora}/").status_code == 404
    # Turned down, it ends; the record stays in the log and its history.
    assert _answer(bjorn, app, nora, registered, "decline").status_code == 302
    assert _guardian(app, nora, "Hilde Solberg").ended_on is not None
    assert hilde_at_home.get(f"/logg/{nora}/").status_code == 404


def test_a_real_guardian_reads_once_a_second_person_confirms(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    hilde, bjorn = logged_in(app, "staff:hilde"), logged_in(app, "staff:bjorn")
    kjersti, tor = logged_in(app, "staff:kjersti"), logged_in(app, "staff:tor")
    per = demo_citizens(date.today())["per"]
    at_home = _as_citizen(app, per.fnr)
    # Bad input is explained next to the field and saves nothing.
    before = head(app, nora)
    for number, message in (
        ("12345678901", "gyldig fødselsnummer"),
        (snapshot(app, nora).overview.subject.fnr, "barnets eget nummer"),
        (demo_citizens(date.today())["kari"].fnr, "allerede registrert"),
    ):
        answer = _register(hilde, nora, "Feil", number)
        assert answer.status_code == 400 and message in answer.data.decode()
        assert number not in answer.data.decode()  # not even drawn back into the field
    assert head(app, nora) == before
    assert _register(hilde, nora, per.name, per.fnr).status_code == 302
    registered = _guardian(app, nora, per.name)
    assert at_home.get(f"/logg/{nora}/").status_code == 404
    # The unit leader of another unit and a colleague without the role see nothing of it.
    listed = kjersti.get("/ansatt/foresatte")  # her own unit's registration is there
    assert listed.status_code == 200 and "Nina Nilsen" in listed.data.decode()
    assert per.name not in listed.data.decode()
    assert _answer(kjersti, app, nora, registered, "confirm").status_code == 404
    assert tor.get("/ansatt/foresatte").status_code == 404
    assert _answer(tor, app, nora, registered, "confirm").status_code == 404
    assert _answer(at_home, app, nora, registered, "confirm").status_code == 404  # a citizen
    assert _answer(bjorn, app, nora, registered, "maybe").status_code == 400
    assert _guardian(app, nora, per.name).confirmed_by is None
    # The coordinator confirms; from the next request the guardian reads the log.
    assert _answer(bjorn, app, nora, registered, "confirm").status_code == 302
    confirmed = _guardian(app, nora, per.name)
    assert confirmed.confirmed_by == STAFF["bjorn"].user_id
    assert at_home.get(f"/logg/{nora}/").status_code == 200
    entries = instance.access_log.entries(nora)
    assert any(e.role == "coordinator" and e.action == "write" for e in entries)
    # Confirmed is final through the ordinary pipeline: it cannot be undone by editing.
    holder = User(STAFF["hilde"].user_id, UserKind.STAFF)
    # Nor can the holder alone end a confirmed parent's part (and silence them).
    undone = confirmed.revised(confirmed_by=None, confirmed_on=None)
    ended = confirmed.revised(ended_on=date.today())
    for change in (undone, ended):
        with pytest.raises(RuleViolation) as refused:
            Portal(instance).change(
                holder, nora, Change((change,)), expected_revision=head(app, nora)
            )
        assert refused.value.code == "guardian_unconfirmed"
    assert at_home.get(f"/logg/{nora}/").status_code == 200
    # A malformed id is a missing page, not an error.
    token = csrf_token(bjorn, "/ansatt/")
    for bad in ("X!", "a" * 300):
        answer = bjorn.post(
            f"/ansatt/foresatte/{nora}/{bad}", data={"csrf_token": token, "answer": "confirm"}
        )
        assert answer.status_code == 404


def test_no_guardian_is_confirmed_in_an_ended_log(fresh_app: Flask) -> None:
    """A closed log is read-only: a registration found there is neither listed nor confirmed."""
    app = fresh_app
    liam = demo_log_ids(app)["Liam"]
    per = demo_citizens(date.today())["per"]
    late = Guardian(
        id=new_document_id(),
        name=per.name,
        fnr=per.fnr,
        registered_by=STAFF["hilde"].user_id,
        registered_on=date.today(),
    )
    app.extensions["stafettlogg"].logs.save(
        liam, [late], expected_revision=head(app, liam), actor_id=STAFF["hilde"].user_id
    )
    bjorn = logged_in(app, "staff:bjorn")
    listed = bjorn.get("/ansatt/foresatte")
    assert listed.status_code == 200 and per.name not in listed.data.decode()
    before = head(app, liam)
    assert _answer(bjorn, app, liam, late, "confirm").status_code == 404
    assert head(app, liam) == before
    assert _as_citizen(app, per.fnr).get(f"/logg/{liam}/").status_code == 404
