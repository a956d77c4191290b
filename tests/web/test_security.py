"""Web hardening: headers, CSRF, sessions, demo mode and hostile input."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import ConfigError
from app.demo import demo_citizens
from tests.web.conftest import csrf_token, demo_log_ids, login

COOKIE = "stafettlogg_session"


def _cookie(client: FlaskClient) -> str | None:
    found = client.get_cookie(COOKIE)
    return None if found is None else found.value


@pytest.mark.parametrize("path", ["/", "/logg-inn", "/demo/logg-inn", "/no-such-page"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{20,}'", csp)
    for part in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "default-src 'self'",
        "form-action 'self'",
    ):
        assert part in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_nonce_changes_per_request(client: FlaskClient) -> None:
    first = client.get("/").headers["Content-Security-Policy"]
    assert first != client.get("/").headers["Content-Security-Policy"]


def test_state_changes_need_a_csrf_token(client: FlaskClient) -> None:
    assert client.post("/demo/logg-inn", data={"who": "citizen:kari"}).status_code == 400
    assert client.post("/sprak", data={"lang": "nn"}).status_code == 400
    assert client.post("/logg-ut").status_code == 400
    login(client, "staff:bjorn")
    data = {"name": "Ny Ansatt", "service": "school", "unit": "enhet-nordby-skole"}
    assert client.post("/admin/katalog/ansatt", data=data).status_code == 400
    assert "Ny Ansatt" not in client.get("/admin/katalog").data.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "null"},
    ],
)
def test_cross_origin_state_changes_are_refused(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    token = csrf_token(client)
    response = client.post("/sprak", data={"lang": "nn", "csrf_token": token}, headers=headers)
    assert response.status_code == 403


def test_same_origin_post_from_a_browser_is_accepted(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/sprak",
        data={"lang": "nn", "csrf_token": token},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    )
    assert response.status_code == 302


def test_get_never_changes_state(client: FlaskClient) -> None:
    assert client.get("/logg-ut").status_code == 405
    assert client.get("/sprak?lang=nn").status_code == 405
    assert client.get("/demo/logg-inn?who=citizen:kari").status_code == 200
    assert _cookie(client) is None or client.get("/familie/").status_code == 302


def test_session_cookie_is_opaque_rotated_and_ended(app: Flask, client: FlaskClient) -> None:
    csrf_token(client, "/demo/logg-inn")
    before = _cookie(client)
    login(client, "citizen:kari")
    after = _cookie(client)
    assert before and after and before != after  # rotated at login
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    # Opaque: neither the principal nor the fødselsnummer (a random token may hold "p-").
    kari = demo_citizens(date.today())["kari"].fnr
    principal = app.extensions["stafettlogg"].index.person_principal(kari)
    assert len(after) >= 40 and principal not in after and principal[2:12] not in after
    assert kari not in after
    assert client.get("/familie/").status_code == 200
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/familie/")})
    replay = app.test_client()
    replay.set_cookie(COOKIE, after)
    assert replay.get("/familie/").status_code == 302  # the old token is dead


def test_old_token_from_before_login_is_useless(app: Flask) -> None:
    attacker = app.test_client()
    csrf_token(attacker, "/demo/logg-inn")
    planted = _cookie(attacker)
    victim = app.test_client()
    victim.set_cookie(COOKIE, planted or "")
    login(victim, "citizen:kari")
    attacker.set_cookie(COOKIE, planted or "")
    assert attacker.get("/familie/").status_code == 302


@pytest.mark.parametrize("column", ["seen", "created"])
def test_idle_and_absolute_timeouts(app: Flask, client: FlaskClient, column: str) -> None:
    login(client, "citizen:kari")
    assert client.get("/familie/").status_code == 200
    database = Path(app.instance_path) / "sessions.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(f"UPDATE sessions SET {column} = ?", (time.time() - 11 * 3600,))
    assert client.get("/familie/").status_code == 302


def test_sessions_store_no_fnr_or_names(app: Flask, client: FlaskClient) -> None:
    from app.demo import demo_citizens
    from tests.web.conftest import now

    login(client, "citizen:kari")
    client.get("/familie/")
    raw = (Path(app.instance_path) / "sessions.sqlite3").read_bytes()
    wal = Path(app.instance_path) / "sessions.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    kari = demo_citizens(now().date())["kari"]
    assert kari.fnr.encode() not in raw and b"Kari" not in raw


def test_demo_login_is_absent_without_demo_mode(demo_env: dict[str, str]) -> None:
    app = create_app({**demo_env, "STAFETTLOGG_DEMO": "0", "TESTING": True})
    client = app.test_client()
    assert client.get("/demo/logg-inn").status_code == 404
    assert client.post("/demo/logg-inn", data={"who": "citizen:kari"}).status_code in (400, 404)
    assert "/demo/" not in client.get("/logg-inn").data.decode()


def test_demo_mode_cannot_be_enabled_in_production(demo_env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="demo"):
        create_app({**demo_env, "STAFETTLOGG_ENV": "production"})


def test_production_sets_hsts_and_host_cookie(demo_env: dict[str, str]) -> None:
    app = create_app(
        {**demo_env, "STAFETTLOGG_DEMO": "0", "STAFETTLOGG_ENV": "production", "TESTING": True}
    )
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    response = client.get("/", **https)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.data.decode())
    assert token is not None
    changed = client.post(
        "/sprak",
        data={"lang": "nn", "csrf_token": token.group(1)},
        headers={"Origin": "https://localhost"},
        **https,
    )
    assert changed.status_code == 302  # no Referer needed (Referrer-Policy: no-referrer)
    assert "Velkomen" in client.get("/", **https).data.decode()
    cookie = client.get_cookie("__Host-stafettlogg", domain="localhost")
    assert cookie is not None and cookie.secure and cookie.http_only


@pytest.mark.parametrize("bad", [{"lang": "xx"}, {"lang": ""}, {}])
def test_bad_language_is_400(client: FlaskClient, bad: dict[str, str]) -> None:
    assert client.post("/sprak", data={**bad, "csrf_token": csrf_token(client)}).status_code == 400


def test_language_choice_changes_the_page(client: FlaskClient) -> None:
    assert "Logg inn" in client.get("/").data.decode()
    for lang, expected, html_lang in (("nn", "Velkomen", "nn"), ("en", "Welcome", "en")):
        client.post("/sprak", data={"lang": lang, "csrf_token": csrf_token(client)})
        page = client.get("/").data.decode()
        assert expected in page and f'<html lang="{html_lang}"' in page


@pytest.mark.parametrize("who", ["citizen:nobody", "staff:s-unknown", "robot:x", "", "citizen:"])
def test_bad_demo_login_is_400(client: FlaskClient, who: str) -> None:
    token = csrf_token(client, "/demo/logg-inn")
    assert client.post("/demo/logg-inn", data={"who": who, "csrf_token": token}).status_code == 400


def test_open_redirect_refused(client: FlaskClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(
            "/sprak", data={"lang": "nb", "next": target, "csrf_token": csrf_token(client)}
        )
        assert response.headers["Location"] == "/"


def test_request_size_is_limited(app: Flask, client: FlaskClient) -> None:
    login(client, "staff:bjorn")
    too_much = app.config["MAX_CONTENT_LENGTH"] + 1  # the largest document and its form, plus 1
    assert too_much > 20 * 1024 * 1024
    response = client.post("/admin/katalog/ansatt", data={"name": "x" * too_much})
    assert response.status_code == 413


def test_pages_for_closed_log_are_read_only_but_visible(app: Flask, client: FlaskClient) -> None:
    login(client, "staff:anne")
    assert client.get(f"/logg/{demo_log_ids(app)['Liam']}/").status_code == 200


def test_security_events_are_logged_without_personal_data(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from app.demo import demo_citizens
    from tests.web.conftest import now

    caplog.set_level(logging.INFO, logger="stafettlogg.security")
    ids = demo_log_ids(app)
    login(client, "citizen:kari")
    assert client.get(f"/logg/{ids['Jonas']}/").status_code == 404
    assert client.get("/ansatt/").status_code == 404
    client.post("/sprak", data={"lang": "nn"})  # no CSRF token
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/familie/")})
    lines = [r.getMessage() for r in caplog.records if r.name == "stafettlogg.security"]
    events = [line.split()[0] for line in lines]
    for expected in ("event=login", "event=denied", "event=csrf_refused", "event=logout"):
        assert expected in events
    kari = demo_citizens(now().date())["kari"]
    text = "\n".join(lines)
    assert kari.fnr not in text and "Kari" not in text and "Berg" not in text
    assert all(re.fullmatch(r"[A-Za-z0-9_.:/= -]+", line) for line in lines)
