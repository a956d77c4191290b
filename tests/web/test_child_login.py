"""A holder enrols a child; the child activates, connects the code app and logs in (AUTH-07)."""

from __future__ import annotations

import re
import time

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import csrf_token, demo_log_ids, login

PASSWORD = "blå tog over fjellet"


def _post(client: FlaskClient, path: str, data: dict[str, str], token_from: str) -> object:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_from)})


def test_child_journey(fresh_app: Flask) -> None:
    jonas = demo_log_ids(fresh_app)["Jonas"]
    holder = fresh_app.test_client()
    login(holder, "staff:ingrid")  # PPT holds Jonas's baton after the handover
    log_page = holder.get(f"/logg/{jonas}/").data.decode()
    assert "Gi barnet egen innlogging" in log_page
    shown = _post(holder, f"/logg/{jonas}/barnekonto", {"username": "jonas.n"}, f"/logg/{jonas}/")
    code = re.search(r"<code>([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})</code>", shown.data.decode())
    assert shown.status_code == 200 and code

    child = fresh_app.test_client()
    weak = _post(
        child,
        "/barn/aktiver",
        {
            "username": "jonas.n",
            "code": code.group(1),
            "password": "passord123",
            "password_again": "passord123",
        },
        "/barn/aktiver",
    )
    assert weak.status_code == 400 and "for lett å gjette" in weak.data.decode()
    setup = _post(
        child,
        "/barn/aktiver",
        {
            "username": "jonas.n",
            "code": code.group(1),
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
        "/barn/aktiver",
    )
    assert setup.status_code == 200
    page = setup.data.decode()
    seed = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)  # type: ignore[union-attr]
    assert 'src="data:image/svg+xml' in page  # the QR code
    totp = pyotp.TOTP(seed)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    confirmed = child.post(
        "/barn/bekreft", data={"code": totp.at(time.time() - 30), "csrf_token": token}
    )
    assert confirmed.status_code == 302

    wrong = _post(
        child,
        "/barn/logg-inn",
        {"username": "jonas.n", "password": "feil passord!!", "code": totp.now()},
        "/barn/logg-inn",
    )
    assert wrong.status_code == 401
    ok = _post(
        child,
        "/barn/logg-inn",
        {"username": "jonas.n", "password": PASSWORD, "code": totp.now()},
        "/barn/logg-inn",
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/familie/")
    own = child.get(f"/logg/{jonas}/")
    assert own.status_code == 200
    text = own.data.decode()
    assert "Mål og aktiviteter" in text and "Samtykker" not in text and "Deltakere" not in text
    assert child.get(f"/logg/{jonas}/tilgangslogg").status_code == 404
    other = demo_log_ids(fresh_app)["Nora"]
    assert child.get(f"/logg/{other}/").status_code == 404


def test_only_the_holder_of_a_minor_can_enrol(app: Flask, client: FlaskClient) -> None:
    ids = demo_log_ids(app)
    login(client, "staff:per")  # a participant, no longer the holder
    response = _post(
        client,
        f"/logg/{ids['Jonas']}/barnekonto",
        {"username": "jonas.x"},
        f"/logg/{ids['Jonas']}/",
    )
    assert response.status_code == 404
    login(client, "staff:maria")  # holder of Sara's log, but Sara is 16: ID-porten instead
    response = _post(
        client,
        f"/logg/{ids['Sara']}/barnekonto",
        {"username": "sara.a"},
        f"/logg/{ids['Sara']}/",
    )
    assert response.status_code == 400
    login(client, "staff:hilde")
    bad = _post(
        client,
        f"/logg/{ids['Nora']}/barnekonto",
        {"username": "<script>"},
        f"/logg/{ids['Nora']}/",
    )
    assert bad.status_code == 400 and "<script>" not in bad.data.decode()


def test_hostile_input_in_child_forms_never_breaks(app: Flask, blns: list[str]) -> None:
    client = app.test_client()
    token = csrf_token(client, "/barn/aktiver")
    for text in blns:
        response = client.post(
            "/barn/aktiver",
            data={
                "username": text,
                "code": text,
                "password": text,
                "password_again": text,
                "csrf_token": token,
            },
        )
        assert response.status_code == 400, repr(text)
    for text in blns[::10]:  # each login attempt costs an argon2 hash: a sample is enough
        response = client.post(
            "/barn/logg-inn",
            data={"username": text, "password": text, "code": text, "csrf_token": token},
        )
        assert response.status_code == 401, repr(text)
    holder = app.test_client()
    login(holder, "staff:hilde")
    nora = demo_log_ids(app)["Nora"]
    enrol_token = csrf_token(holder, f"/logg/{nora}/")
    for text in blns[::5]:
        response = holder.post(
            f"/logg/{nora}/barnekonto", data={"username": text, "csrf_token": enrol_token}
        )
        assert response.status_code in (200, 400), repr(text)


def test_sending_the_form_again_never_restarts_a_working_login(fresh_app: Flask) -> None:
    """A reload of the enrolment must not lock the child out; a restart is asked for plainly."""
    instance = fresh_app.extensions["stafettlogg"]
    jonas = demo_log_ids(fresh_app)["Jonas"]
    holder = fresh_app.test_client()
    login(holder, "staff:ingrid")
    path = f"/logg/{jonas}/barnekonto"
    first = _post(holder, path, {"username": "jonas.n"}, f"/logg/{jonas}/")
    code = re.search(r"<code>([0-9A-F-]{14})</code>", first.data.decode()).group(1)  # type: ignore[union-attr]
    accounts = instance.local_accounts
    accounts.activate("jonas.n", code, PASSWORD)
    again = _post(holder, path, {"username": "jonas.n"}, f"/logg/{jonas}/")
    assert again.status_code == 400 and "har allerede en innlogging" in again.data.decode()
    assert accounts._row("jonas.n")["state"] != "pending"  # the working login is untouched
    restarted = _post(holder, path, {"username": "jonas.n", "restart": "y"}, f"/logg/{jonas}/")
    assert restarted.status_code == 200
    assert accounts._row("jonas.n")["state"] == "pending"
