"""ID-porten login against a real OpenID provider: the happy path and every refusal."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from tests.oidc.conftest import SAME_ORIGIN, Stack, authenticate, begin, finish, with_query

COOKIE = "stafettlogg_session"


def _login(
    stack: Stack, user: str, acr: str = "idporten-loa-high"
) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    callback = authenticate(stack, browser, begin(stack, browser), user, acr)
    return browser, finish(browser, callback)


def test_guardian_logs_in_and_sees_her_log(stack: Stack) -> None:
    browser, response = _login(stack, "kari")
    assert response.status_code == 302 and response.headers["Location"].endswith("/familie/")
    mine = browser.get(f"{stack.rp}/familie/")
    assert mine.status_code == 200 and "Nora Berg" in mine.text


def test_staff_member_is_recognised_from_the_directory(stack: Stack) -> None:
    browser, response = _login(stack, "hilde")
    assert response.headers["Location"].endswith("/ansatt/")
    assert "Nora Berg" in browser.get(f"{stack.rp}/ansatt/").text


def test_authorization_parameters_are_pushed_not_shown(stack: Stack) -> None:
    """PAR (AUTH-03): state, nonce, PKCE and acr go server to server; the browser sees none."""
    url = begin(stack, requests.Session())
    assert url.startswith(f"{stack.op}/auth?")
    query = parse_qs(urlsplit(url).query)
    assert set(query) == {"client_id", "request_uri"}
    assert query["request_uri"][0].startswith("urn:ietf:params:oauth:request_uri:")


def test_session_is_rotated_at_login(stack: Stack) -> None:
    browser = requests.Session()
    authorize = begin(stack, browser)
    before = browser.cookies.get(COOKIE)
    finish(browser, authenticate(stack, browser, authorize, "kari"))
    assert before and browser.cookies.get(COOKIE) not in (None, before)


def test_low_acr_is_refused(stack: Stack) -> None:
    browser, response = _login(stack, "kari", acr="idporten-loa-substantial")
    assert response.status_code == 403 and "høyeste sikkerhetsnivå" in response.text
    assert browser.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 302


def test_wrong_state_is_refused(stack: Stack) -> None:
    browser = requests.Session()
    callback = authenticate(stack, browser, begin(stack, browser), "kari")
    assert finish(browser, with_query(callback, state="forged-state")).status_code == 403
    assert browser.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 302


def test_callback_replayed_in_another_browser_is_refused(stack: Stack) -> None:
    victim = requests.Session()
    callback = authenticate(stack, victim, begin(stack, victim), "kari")
    attacker = requests.Session()
    assert finish(attacker, callback).status_code == 403
    assert finish(victim, callback).status_code == 302
    assert finish(victim, callback).status_code == 403  # state is single-use


def test_replayed_code_is_refused(stack: Stack) -> None:
    browser = requests.Session()
    first = authenticate(stack, browser, begin(stack, browser), "kari")
    assert finish(browser, first).status_code == 302
    # A new login, whose valid state is paired with the old, already used code.
    second = authenticate(stack, browser, begin(stack, browser), "kari")
    old_code = re.search(r"code=([^&]+)", first).group(1)  # type: ignore[union-attr]
    response = finish(browser, with_query(second, code=old_code))
    assert response.status_code == 403


def test_wrong_nonce_is_refused(stack: Stack) -> None:
    browser = requests.Session()
    authorize = begin(stack, browser)
    # The nonce the gateway expects lives in its server-side session; change it there.
    database = Path(stack.app.instance_path) / "sessions.sqlite3"
    token_hash = hashlib.sha256((browser.cookies.get(COOKIE) or "").encode()).hexdigest()
    with sqlite3.connect(database) as db:
        (raw,) = db.execute(
            "SELECT data FROM sessions WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        data = json.loads(raw)
        (key,) = [k for k in data if k.startswith("_state_idporten_")]
        assert data[key]["data"]["nonce"]
        data[key]["data"]["nonce"] = "not-the-nonce-in-the-id-token"
        db.execute(
            "UPDATE sessions SET data = ? WHERE token_hash = ?", (json.dumps(data), token_hash)
        )
    response = finish(browser, authenticate(stack, browser, authorize, "kari"))
    assert response.status_code == 403
    assert browser.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 302


def test_wrong_iss_parameter_is_refused(stack: Stack) -> None:
    browser = requests.Session()
    callback = authenticate(stack, browser, begin(stack, browser), "kari")
    assert finish(browser, with_query(callback, iss="https://evil.example")).status_code == 403


def test_invalid_pid_is_refused(stack: Stack) -> None:
    _browser, response = _login(stack, "badpid")
    assert response.status_code == 403


def test_logout_ends_local_session_and_redirects_to_idporten(stack: Stack) -> None:
    browser, _response = _login(stack, "kari")
    page = browser.get(f"{stack.rp}/familie/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    old = browser.cookies.get(COOKIE)
    response = browser.post(
        f"{stack.rp}/logg-ut",
        data={"csrf_token": token},
        headers=SAME_ORIGIN,
        allow_redirects=False,
    )
    target = response.headers["Location"]
    assert target.startswith(f"{stack.op}/session/end?")
    assert "id_token_hint=" in target and "post_logout_redirect_uri=" in target
    assert "Clear-Site-Data" in response.headers
    replay = requests.Session()
    replay.cookies.set(COOKIE, old or "")
    assert replay.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 302


def test_frontchannel_logout_ends_the_session_by_sid(stack: Stack) -> None:
    browser, _response = _login(stack, "kari")
    database = Path(stack.app.instance_path) / "sessions.sqlite3"
    token_hash = hashlib.sha256((browser.cookies.get(COOKIE) or "").encode()).hexdigest()
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT oidc_sid FROM sessions WHERE token_hash = ?", (token_hash,)
        ).fetchone()
    assert row is not None and row[0], "the id_token should carry a sid"
    sid = row[0]
    wrong = requests.get(
        f"{stack.rp}/auth/frontchannel-logout", params={"iss": "https://evil.example", "sid": sid}
    )
    assert wrong.status_code == 200
    assert browser.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 200
    response = requests.get(
        f"{stack.rp}/auth/frontchannel-logout", params={"iss": stack.op, "sid": sid}
    )
    assert response.status_code == 200
    assert f"frame-ancestors {stack.op}" in response.headers["Content-Security-Policy"]
    assert browser.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 302


def test_csp_allows_form_posts_to_the_provider_only(stack: Stack) -> None:
    csp = requests.get(f"{stack.rp}/logg-inn").headers["Content-Security-Policy"]
    assert f"form-action 'self' {stack.op}" in csp


def test_backchannel_logout_from_the_provider_ends_our_session(stack: Stack) -> None:
    browser, _response = _login(stack, "kari")
    assert browser.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 200
    # The user logs out at ID-porten itself (say, from another service).
    confirm = browser.get(f"{stack.op}/session/end")
    action = re.search(r'<form[^>]*action="([^"]+)"', confirm.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    assert action and xsrf, confirm.text[:500]
    url = action.group(1) if action.group(1).startswith("http") else stack.op + action.group(1)
    done = browser.post(url, data={"xsrf": xsrf.group(1), "logout": "yes"}, allow_redirects=False)
    assert done.status_code == 303
    assert "backchannel ok stafettlogg-test" in stack.log.read_text()
    # The provider called our back-channel endpoint, signed: our session is gone.
    assert browser.get(f"{stack.rp}/familie/", allow_redirects=False).status_code == 302


def test_backchannel_logout_refuses_forged_tokens(stack: Stack) -> None:
    import base64
    import json

    def encode(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    def token(header: dict[str, str], claims: dict[str, object]) -> str:
        return f"{encode(header)}.{encode(claims)}.c2lnbmF0dXJl"

    claims = {
        "iss": stack.op,
        "aud": "stafettlogg-test",
        "iat": 0,
        "jti": "x",
        "sid": "y",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    }
    for forged in (
        "",
        "not-a-jwt",
        token({"alg": "none"}, claims),
        token({"alg": "HS256"}, claims),
        token({"alg": "RS256", "kid": "test-rs256"}, claims),
    ):
        response = requests.post(
            f"{stack.rp}/auth/backchannel-logout", data={"logout_token": forged}
        )
        assert response.status_code == 400, forged
    assert requests.get(f"{stack.rp}/auth/backchannel-logout").status_code == 405


def test_logout_token_ids_are_single_use(tmp_path: Path) -> None:
    import time

    from app.web.sessions import SessionStore

    store = SessionStore(tmp_path / "sessions.sqlite3")
    assert store.remember_jti("token-1", time.time() + 600)
    assert not store.remember_jti("token-1", time.time() + 600)
    assert store.remember_jti("token-2", time.time() + 600)
