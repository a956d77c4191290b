"""Fixtures for the gateway: a demo instance, app clients and logins through the real forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from app import create_app
from app.config import load_settings
from app.demo import build_demo
from app.instance import initialise, open_instance

TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


def _demo_instance(folder: Path) -> dict[str, str]:
    env = {"STAFETTLOGG_INSTANCE": str(folder), "STAFETTLOGG_DEMO": "1"}
    settings = load_settings(env)
    initialise(settings)
    instance = open_instance(settings)
    build_demo(instance.directory, instance.logs, progress=lambda _line: None)
    instance.close()
    return env


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An instance folder with the demo directory and demo logs (built once per module)."""
    return _demo_instance(tmp_path_factory.mktemp("gateway") / "instance")


@pytest.fixture
def fresh_app(tmp_path: Path) -> Iterator[Flask]:
    """A gateway over its own demo instance, for tests that change logs."""
    application = create_app({**_demo_instance(tmp_path / "instance"), "TESTING": True})
    yield application
    application.extensions["stafettlogg"].close()


@pytest.fixture
def app(demo_env: dict[str, str]) -> Iterator[Flask]:
    """The gateway over the demo instance."""
    application = create_app({**demo_env, "TESTING": True})
    yield application
    application.extensions["stafettlogg"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client."""
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token from a page's forms."""
    found = TOKEN.search(client.get(path).data)
    assert found, f"no form with a CSRF token on {path}"
    return found.group(1).decode()


def login(client: FlaskClient, who: str) -> None:
    """Log in through the demo login form: ``citizen:kari`` or a staff name like ``staff:hilde``."""
    from app.demo import STAFF

    kind, _, key = who.partition(":")
    value = f"staff:{STAFF[key].user_id}" if kind == "staff" else who
    response = client.post(
        "/demo/logg-inn", data={"who": value, "csrf_token": csrf_token(client, "/demo/logg-inn")}
    )
    assert response.status_code == 302, response.data[:500]


def logged_in(app: Flask, who: str) -> FlaskClient:
    """A new client of ``app``, logged in as ``who`` (see :func:`login`)."""
    client = app.test_client()
    login(client, who)
    return client


def demo_log_ids(app: Flask) -> dict[str, str]:
    """Demo log ids by the subject's given name."""
    instance = app.extensions["stafettlogg"]
    found = {}
    for log_id in instance.store.repo_ids():
        overview = instance.logs.snapshot(log_id).overview
        found[overview.subject.given_name] = log_id
    return found


def now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def route_path(app: Flask, rule: Rule, log_id: str) -> str:
    """A URL for ``rule`` in a log, with real document ids where the log has them."""
    snapshot = app.extensions["stafettlogg"].logs.snapshot(log_id)
    fallback = "aaaaaaaaaaaaaaaa"

    def first(kind: str) -> str:
        return next((ref.id for ref in sorted(snapshot.documents) if ref.kind == kind), fallback)

    values = {
        "log_id": log_id,
        "goal_id": first("goal"),
        "activity_id": first("activity"),
        "kind": "goal",
        "doc_id": first("goal"),
        "target_id": first("goal"),
        # The photo route gets the photo; the document routes a document (they refuse the photo).
        "attachment_id": snapshot.overview.photo or fallback
        if rule.endpoint == "log.photo"
        else next(
            (
                ref.id
                for ref in sorted(snapshot.documents)
                if ref.kind == "attachment" and ref.id != snapshot.overview.photo
            ),
            snapshot.overview.photo or fallback,
        ),
        "uid": f"{first('meeting')}-meeting"
        if first("meeting") != fallback
        else f"{first('activity')}-deadline",
        "meeting_id": first("meeting"),
        "thread_id": next(
            (
                ref.id
                for ref, doc in sorted(snapshot.documents.items())
                if ref.kind == "message" and getattr(doc, "thread", None) is None
            ),
            fallback,
        ),
        "message_id": first("message"),
        "participant_id": first("participant"),
        "guardian_id": first("guardian"),
        "request_id": first("consent_request"),
        "consent_id": first("consent"),
        "handover_id": first("baton_handover"),
        "delivery_id": first("archive_delivery"),
    }
    return str(rule.build({name: values[name] for name in rule.arguments})[1])
