"""Every refusal of the life-cycle pages over HTTP: the wrong person gets a missing page,
bad input a message, a double click the first answer, and drawing a form is a read."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.demo import STAFF
from app.demo.people import demo_citizens, guardian
from app.documents.fields import LogStatus
from app.documents.people import Consent
from tests.web.conftest import csrf_token, demo_log_ids, logged_in
from tests.web.test_log_work import form_values, head, snapshot, submit

GONE = "aaaaaaaaaaaaaaaa"  # a well-formed id that names nothing


def _paths(app: Flask, log_id: str) -> dict[str, str]:
    consents = snapshot(app, log_id).of_kind(Consent)
    return {
        "ask": f"/logg/{log_id}/samtykker/be-om",
        "one_guardian": f"/logg/{log_id}/samtykker/{GONE}/ett-samtykke",
        "answer": f"/logg/{log_id}/samtykker/{GONE}/svar",
        "withdraw": f"/logg/{log_id}/samtykker/{consents[0].id}/trekk",
        "withdraw_all": f"/logg/{log_id}/samtykker/trekk-alt",
        "renew": f"/logg/{log_id}/samtykker/forny",
        "offer": f"/logg/{log_id}/stafett",
        "answer_baton": f"/logg/{log_id}/stafett/{GONE}",
        "level": f"/logg/{log_id}/niva",
        "close": f"/logg/{log_id}/avslutt",
    }


# Who reads Jonas's log but may not take the step (Per is a participant, Lise a guardian,
# Ingrid the holder).
NOT_YOURS = [
    ("staff:per", ["ask", "one_guardian", "offer", "level", "answer", "withdraw", "renew"]),
    ("citizen:lise", ["ask", "one_guardian", "offer", "level", "answer", "answer_baton"]),
    ("staff:ingrid", ["answer", "withdraw", "withdraw_all", "renew", "answer_baton"]),
]


@pytest.mark.parametrize(("who", "steps"), NOT_YOURS)
def test_a_step_that_is_not_yours_is_a_missing_page(app: Flask, who: str, steps: list[str]) -> None:
    jonas = demo_log_ids(app)["Jonas"]
    client = logged_in(app, who)
    assert client.get(f"/logg/{jonas}/").status_code == 200  # they do read the log
    token, before = csrf_token(client, f"/logg/{jonas}/"), head(app, jonas)
    paths = _paths(app, jonas)
    for step in steps:
        if step not in ("renew", "answer_baton"):
            assert client.get(paths[step]).status_code == 404, step
        sent = client.post(
            paths[step],
            data={"csrf_token": token, "revision": before, "answer": "bogus", "reason": "other"},
        )
        assert sent.status_code == 404, step
    assert head(app, jonas) == before


def test_another_guardians_consent_cannot_be_withdrawn_or_even_shown(app: Flask) -> None:
    jonas = demo_log_ids(app)["Jonas"]
    lise = demo_citizens(date.today())["lise"]
    hers = next(c for c in snapshot(app, jonas).of_kind(Consent) if c.given_by_fnr == lise.fnr)
    anders = logged_in(app, "citizen:anders")
    path = f"/logg/{jonas}/samtykker/{hers.id}/trekk"
    assert anders.get(path).status_code == 404
    before = head(app, jonas)
    sent = anders.post(path, data={"csrf_token": csrf_token(anders, f"/logg/{jonas}/")})
    assert sent.status_code == 404 and head(app, jonas) == before
    # Malformed ids are missing pages too.
    for bad in ("ZZZ", "a" * 40, "..%2f..", "%00"):
        assert anders.get(f"/logg/{jonas}/samtykker/{bad}/trekk").status_code == 404


def test_drawing_a_step_form_is_a_read_and_a_missing_document_is_not(app: Flask) -> None:
    jonas = demo_log_ids(app)["Jonas"]
    log = app.extensions["stafettlogg"].access_log
    ingrid = logged_in(app, "staff:ingrid")
    before = len(log.entries(jonas))
    assert ingrid.get(f"/logg/{jonas}/niva").status_code == 200
    entries = log.entries(jonas)
    assert len(entries) == before + 1 and (entries[-1].section, entries[-1].action) == (
        "overview",
        "read",
    )
    assert ingrid.get(f"/logg/{jonas}/samtykker/{GONE}/ett-samtykke").status_code == 404
    assert len(log.entries(jonas)) == before + 1


def test_bad_input_to_the_step_forms_is_explained(app: Flask) -> None:
    jonas = demo_log_ids(app)["Jonas"]
    ingrid = logged_in(app, "staff:ingrid")
    before = head(app, jonas)
    level = snapshot(app, jonas).overview.level
    same = submit(
        ingrid,
        f"/logg/{jonas}/niva",
        {"level": str(level), "changed_on": date.today().isoformat(), "reason": "x"},
    )
    assert same.status_code == 400 and "allerede på det nivået" in same.data.decode()
    future = submit(
        ingrid,
        f"/logg/{jonas}/niva",
        {"level": str((level + 1) % 4), "changed_on": "2999-01-01", "reason": "x"},
    )
    assert future.status_code == 400 and "mellom dagen loggen startet" in future.data.decode()
    other = submit(ingrid, f"/logg/{jonas}/avslutt", {"reason": "other", "note": ""})
    assert other.status_code == 400 and "Skriv en kort merknad" in other.data.decode()
    no_services = submit(ingrid, f"/logg/{jonas}/samtykker/be-om", {"services": []})
    assert no_services.status_code == 400
    assert head(app, jonas) == before


def test_starting_a_log_refuses_what_is_not_the_starters(app: Flask) -> None:
    assert logged_in(app, "citizen:kari").get("/ansatt/ny-logg").status_code == 404
    per = logged_in(app, "staff:per")
    fields = {
        "given_name": "Mia",
        "family_name": "Hansen",
        "fnr": "12345678901",
        "template": "school",
        "level": "1",
        "unit": "enhet-nordby-skole",
        "holder": STAFF["per"].user_id,
    }
    count = len(list(app.extensions["stafettlogg"].store.repo_ids()))
    for wrong in (
        {"fnr": "12345678901"},  # check digits
        {"level": "3"},  # the municipality starts at 1 or 2
        {"unit": "enhet-solsikken"},  # not Per's unit
        {"holder": STAFF["tor"].user_id},  # only the unit leader chooses another holder
    ):
        sent = submit(per, "/ansatt/ny-logg", {**fields, **wrong})
        assert sent.status_code == 400, wrong
    assert len(list(app.extensions["stafettlogg"].store.repo_ids())) == count


def _send_twice(client: FlaskClient, path: str, data: dict[str, str]) -> list[int]:
    values = {**form_values(client, path), **data}
    return [client.post(path, data=values).status_code for _ in range(2)]


def test_a_double_click_finds_the_step_taken(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    kari = logged_in(fresh_app, "citizen:kari")
    assert _send_twice(kari, f"/logg/{nora}/avslutt", {"reason": "goals_reached"}) == [302, 302]
    assert snapshot(fresh_app, nora).overview.status == LogStatus.CLOSED


def test_a_youths_guardian_neither_closes_nor_answers_for_her(fresh_app: Flask) -> None:
    """From the consent age the youth decides; a guardian she keeps in may only read."""
    instance = fresh_app.extensions["stafettlogg"]
    sara = demo_log_ids(fresh_app)["Sara"]
    today = date.today()
    father = guardian(demo_citizens(today)["per"], STAFF["maria"], today)
    instance.logs.save(sara, [father], expected_revision=head(fresh_app, sara), actor_id="s-x1")
    per = logged_in(fresh_app, "citizen:per")
    assert per.get(f"/logg/{sara}/").status_code == 200  # she included her guardians
    assert "Avslutt loggen" not in per.get(f"/logg/{sara}/").data.decode()
    assert per.get(f"/logg/{sara}/avslutt").status_code == 404
    before = head(fresh_app, sara)
    token = csrf_token(per, f"/logg/{sara}/")
    sent = per.post(f"/logg/{sara}/avslutt", data={"csrf_token": token, "revision": before})
    assert sent.status_code == 404 and head(fresh_app, sara) == before
    # Sara herself may close it.
    assert logged_in(fresh_app, "citizen:sara").get(f"/logg/{sara}/avslutt").status_code == 200
