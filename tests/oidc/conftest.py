"""A real OpenID provider (panva/oidc-provider on Node) and the gateway, both on loopback."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.demo import demo_citizens, synthetic_fnr
from tests.web.conftest import _demo_instance

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "stafettlogg-test"
CLIENT_SECRET = "test-only-secret-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    """The running provider and gateway."""

    op: str
    rp: str
    app: Flask
    process: subprocess.Popen[str]
    log: Path


def _accounts() -> dict[str, str]:
    citizens = demo_citizens(datetime.now(UTC).date())
    return {
        "kari": citizens["kari"].fnr,
        "per": citizens["per"].fnr,
        "emma": citizens["emma"].fnr,
        "hilde": synthetic_fnr(date(1975, 1, 10), 400),  # the demo directory's Hilde Solberg
        "badpid": "12345678901",
    }


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Start the provider (node) and the gateway configured to use it."""
    op_port, rp_port = _free_port(), _free_port()
    op, rp = f"http://127.0.0.1:{op_port}", f"http://127.0.0.1:{rp_port}"
    import json

    log_path = tmp_path_factory.mktemp("op") / "op.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        ["node", str(ROOT / "tests" / "oidc" / "op.mjs")],
        cwd=ROOT,
        text=True,
        env={
            "OP_PORT": str(op_port),
            "RP_BASE": rp,
            "OP_USERS": json.dumps(_accounts()),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
        stdout=log_file,  # a file, never an unread pipe that could fill up and block node
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            if requests.get(f"{op}/.well-known/openid-configuration", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"the OpenID provider did not start: {log_path.read_text()}")
    env = _demo_instance(tmp_path_factory.mktemp("oidc") / "instance")
    app = create_app(
        {
            **env,
            "STAFETTLOGG_OIDC_ISSUER": op,
            "STAFETTLOGG_OIDC_CLIENT_ID": CLIENT_ID,
            "STAFETTLOGG_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "STAFETTLOGG_ALLOW_SYNTHETIC_PIDS": "1",
        }
    )
    server = make_server("127.0.0.1", rp_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Stack(op, rp, app, process, log_path)
    server.shutdown()
    process.terminate()
    process.wait(timeout=10)
    log_file.close()
    app.extensions["stafettlogg"].close()


SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def begin(stack: Stack, browser: requests.Session) -> str:
    """Press "Log in with ID-porten"; returns the provider's authorize URL."""
    page = browser.get(f"{stack.rp}/logg-inn").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no login form"
    response = browser.post(
        f"{stack.rp}/logg-inn/idporten",
        data={"csrf_token": token.group(1)},
        headers=SAME_ORIGIN,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def authenticate(
    stack: Stack,
    browser: requests.Session,
    authorize_url: str,
    user: str,
    acr: str = "idporten-loa-high",
) -> str:
    """Log in at the provider; returns the callback URL it sends the browser back to."""
    response = browser.get(authorize_url, allow_redirects=False)
    assert response.status_code in (302, 303), response.text[:300]
    interaction = response.headers["Location"]
    interaction = interaction if interaction.startswith("http") else stack.op + interaction
    uid = interaction.rstrip("/").rsplit("/", 1)[1]
    response = browser.post(
        f"{stack.op}/interaction/{uid}/login",
        data={"user": user, "acr": acr},
        allow_redirects=False,
    )
    location = response.headers["Location"]
    while not location.startswith(stack.rp):
        location = location if location.startswith("http") else stack.op + location
        response = browser.get(location, allow_redirects=False)
        location = response.headers["Location"]
    return location


def finish(browser: requests.Session, callback_url: str) -> requests.Response:
    """Deliver the callback to the gateway."""
    return browser.get(callback_url, allow_redirects=False)


def with_query(url: str, **changes: str) -> str:
    """``url`` with some query parameters replaced."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))
