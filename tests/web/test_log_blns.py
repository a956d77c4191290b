"""Every string of the Big List of Naughty Strings, typed into every field of the log's forms,
comes back intact and harmless: in the form it was typed into, and on the saved page."""

from __future__ import annotations

import html.parser
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.documents.work import Activity, Goal
from tests.web.conftest import demo_log_ids, login
from tests.web.test_log_work import form_values, snapshot
from tests.web.test_rendering import _dangers


class _Fields(html.parser.HTMLParser):
    """The values of the inputs and text areas of a page, by name, as the browser gets them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._area: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name"):
            self.values.setdefault(str(values["name"]), values.get("value") or "")
        if tag == "textarea":
            self._area = str(values.get("name"))
            self.values[self._area] = ""

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self.values[self._area] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._area is not None:
            # A text area's first line break belongs to the markup, not the text.
            value = self.values[self._area]
            self.values[self._area] = value[2:] if value.startswith("\r\n") else value
            self._area = None


def _fields(markup: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(markup)
    return parser.values


def _preview_keeps_every_string(
    client: FlaskClient, path: str, fixed: dict[str, str], fields: list[str], blns: list[str]
) -> None:
    tokens = form_values(client, path)
    for text in blns:
        answer = client.post(
            path, data={**tokens, **fixed, **dict.fromkeys(fields, text), "intent": "preview"}
        )
        assert answer.status_code in (200, 400), (path, text)
        page = answer.data.decode()
        assert _dangers(page, allow_forms=True) == [], (path, text)
        shown = _fields(page)
        for field in fields:
            assert (
                shown[field] == text.replace("\r\n", "\n").replace("\r", "\n")
                or shown[field] == text
            ), (path, field, text)


def test_every_string_round_trips_through_every_form(fresh_app: Flask, blns: list[str]) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    snap = snapshot(fresh_app, nora)
    goal, activity = snap.of_kind(Goal)[0], snap.of_kind(Activity)[0]
    later = (date.today() + timedelta(days=9)).isoformat()
    forms = [
        (
            hilde,
            f"/logg/{nora}/mal/nytt",
            {"arena": "home_leisure", "status": "active"},
            ["title", "body"],
        ),
        (
            hilde,
            f"/logg/{nora}/mal/{goal.id}/tiltak/nytt",
            {"responsible": "guardians", "deadline": later, "status": "planned"},
            ["title", "body"],
        ),
        (
            hilde,
            f"/logg/{nora}/tiltak/{activity.id}/evaluer",
            {"decision": "continue"},
            ["worked", "did_not_work", "why"],
        ),
        (kari, f"/logg/{nora}/kommentar/goal/{goal.id}", {}, ["body"]),
        (
            hilde,
            f"/logg/{nora}/presentasjon/endre",
            {"title": "Meg"},
            ["social", "emotional", "academic", "body"],
        ),
        (
            hilde,
            f"/logg/{nora}/initiativ/endre",
            {"raised_by": "staff", "raised_on": "2026-01-05"},
            ["body"],
        ),
        (kari, f"/logg/{nora}/egne-ord", {}, ["words"]),
    ]
    for client, path, fixed, fields in forms:
        _preview_keeps_every_string(client, path, fixed, fields, blns)


def test_every_string_is_saved_intact_and_shown_harmless(fresh_app: Flask, blns: list[str]) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    path = f"/logg/{nora}/mal/nytt"
    expected = []
    for n, text in enumerate(blns):
        title = text if 0 < len(text.strip()) <= 200 else f"Mål {n}"
        values = {
            **form_values(hilde, path),
            "title": title,
            "body": text,
            "arena": "home_leisure",
            "status": "active",
        }
        answer = hilde.post(path, data=values)
        assert answer.status_code == 302, (n, text)
        expected.append((title.strip(), text))
    stored = {(g.title, g.body) for g in snapshot(fresh_app, nora).of_kind(Goal)}
    missing = [pair for pair in expected if pair not in stored]
    assert missing == []
    page = hilde.get(f"/logg/{nora}/mal")
    assert page.status_code == 200
    assert _dangers(page.data.decode(), allow_forms=True) == []
    history = hilde.get(f"/logg/{nora}/historikk")
    assert history.status_code == 200 and _dangers(history.data.decode(), allow_forms=True) == []


def test_every_string_is_saved_intact_in_the_evaluation_fields(
    fresh_app: Flask, blns: list[str]
) -> None:
    """The holder's evaluation: every string stored as typed, in two fields at once.

    (Goal titles and bodies are saved above; every other field round-trips through
    its form above; the stored YAML is the same code path for every field.)
    """
    from app.documents.work import Evaluation

    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    activity = snapshot(fresh_app, nora).of_kind(Activity)[0]
    path = f"/logg/{nora}/tiltak/{activity.id}/evaluer"
    tokens = form_values(hilde, path)
    for n, text in enumerate(blns):
        evaluation = {
            **tokens,
            "form_key": f"e{n:04d}" * 4,
            "worked": f"ok {n}",
            "did_not_work": text,
            "why": text,
            "decision": "change",
        }
        assert hilde.post(path, data=evaluation).status_code == 302, text
    notes = snapshot(fresh_app, nora).of_kind(Evaluation)
    stored = {(e.did_not_work, e.why) for e in notes if e.entry == "evaluation"}
    assert [text for text in blns if (text, text) not in stored] == []
    page = hilde.get(f"/logg/{nora}/mal")
    assert page.status_code == 200 and _dangers(page.data.decode(), allow_forms=True) == []
