"""Every POST route of the app, walked: CSRF is required, and no access means 404.

A new route that forgets CSRF or the access decision fails here without anyone
having to remember to add a test for it.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.web.conftest import csrf_token, demo_log_ids, login, route_path

# Routes that must work without a log-level access decision (login, language …).
NOT_LOG_ROUTES = {"static"}
READS_BY_POST = {"log.preview", "log.renew_feed", "log.revoke_feed"}


def _post_rules(app: Flask) -> list:  # type: ignore[type-arg]
    return [
        r
        for r in app.url_map.iter_rules()
        if "POST" in (r.methods or ()) and r.endpoint not in NOT_LOG_ROUTES
    ]


def _heads(app: Flask) -> dict[str, str]:
    logs = app.extensions["stafettlogg"].logs
    return {log_id: logs.head(log_id) for log_id in demo_log_ids(app).values()}


def test_there_are_many_post_routes(app: Flask) -> None:
    assert len([r for r in _post_rules(app) if "log_id" in r.arguments]) >= 12


def test_every_post_route_refuses_a_missing_csrf_token(app: Flask) -> None:
    """Even the holder of the log, logged in, gets 400 and nothing changes."""
    client = app.test_client()
    login(client, "staff:hilde")
    nora = demo_log_ids(app)["Nora"]
    before = _heads(app)
    checked = 0
    for rule in _post_rules(app):
        if rule.endpoint in ("auth.backchannel_logout",):
            continue  # a signed server-to-server call, verified by its own signature
        path = route_path(app, rule, nora) if "log_id" in rule.arguments else rule.rule
        if "<" in path:
            continue
        answer = client.post(path, data={"title": "x", "body": "x", "revision": before[nora]})
        assert answer.status_code == 400, (rule.rule, answer.status_code)
        assert "Skjemaet er utløpt" in answer.data.decode(), rule.rule  # refused for CSRF
        checked += 1
    assert checked >= 15
    assert _heads(app) == before


# By role, not by a relation to the log. Guardians: see test_guardians.py. The unit leader
# assigns the baton of any log in their unit (and withdraws an offer left behind), also
# with a broken form or an offer already answered (a refusal, not a missing page):
# tests/web/test_deletion.py walks them, where staff of other units and without the role
# get 404.
ROLE_ROUTES = {"staff.answer_guardian", "staff.assign_baton", "staff.withdraw_offer"}


@pytest.mark.parametrize("who", ["citizen:per", "staff:tor", "staff:kjersti", "staff:bjorn"])
def test_every_log_post_route_is_404_for_unrelated_users(app: Flask, who: str) -> None:
    client = app.test_client()
    login(client, who)
    token = csrf_token(client)
    before = _heads(app)
    for rule in _post_rules(app):
        if "log_id" not in rule.arguments or rule.endpoint in ROLE_ROUTES:
            continue
        for log_id in before:
            answer = client.post(
                route_path(app, rule, log_id),
                data={"csrf_token": token, "revision": before[log_id], "title": "x", "body": "x"},
            )
            assert answer.status_code == 404, (who, rule.rule)
    assert _heads(app) == before


CLOSED_LOG_READS = {
    "log.overview",
    "log.work",
    "log.participants",
    "log.consents",
    "log.meetings",
    "log.meeting",
    "log.messages",
    "log.thread",
    "log.calendar",
    "log.event_ics",
    "log.documents",
    "log.download",
    "log.history",
    "log.access_log",
    "log.document_history",
}


# The one step a holder takes in a closed log: asking the family to reopen it (a form
# sent here without a purpose is refused as a bad form and changes nothing).
CLOSED_LOG_STEPS = {"log.request_consent"}  # asking to reopen it


def test_a_closed_log_is_read_only_even_for_its_holder(app: Flask) -> None:
    client = app.test_client()
    login(client, "staff:hilde")
    liam = demo_log_ids(app)["Liam"]
    assert client.get(f"/logg/{liam}/").status_code == 200
    token = csrf_token(client)
    before = _heads(app)
    for rule in _post_rules(app):
        # Reading is still allowed: the preview and one's own calendar feed change no log.
        if "log_id" in rule.arguments and rule.endpoint not in READS_BY_POST:
            answer = client.post(
                route_path(app, rule, liam),
                data={
                    "csrf_token": token,
                    "revision": before[liam],
                    "title": "x",
                    "body": "x",
                    "arena": "home_leisure",
                    "status": "active",
                    "direction": "up",
                },
            )
            expected_post = 400 if rule.endpoint in CLOSED_LOG_STEPS else 404
            assert answer.status_code == expected_post, rule.rule
        if "log_id" in rule.arguments and "GET" in (rule.methods or ()):
            if not rule.endpoint.startswith("log."):
                continue
            # The closed log has a meeting, a thread and a document, so each read is real.
            answer = client.get(route_path(app, rule, liam))
            expected = 200 if rule.endpoint in CLOSED_LOG_READS | CLOSED_LOG_STEPS else 404
            assert answer.status_code == expected, rule.rule
            if rule.endpoint in CLOSED_LOG_READS and answer.mimetype == "text/html":
                page = answer.data.decode()
                assert 'method="post"' not in page.split("<main", 1)[1], rule.rule
    assert _heads(app) == before


def test_guardians_cannot_use_the_holders_forms(app: Flask) -> None:
    client = app.test_client()
    login(client, "citizen:kari")
    nora = demo_log_ids(app)["Nora"]
    token = csrf_token(client)
    before = _heads(app)
    for path in ("presentasjon/endre", "initiativ/endre", "bilde", "barnekonto", "egne-ord"):
        if path == "egne-ord":
            assert client.get(f"/logg/{nora}/{path}").status_code == 200  # hers to write
            continue
        assert (
            client.post(
                f"/logg/{nora}/{path}", data={"csrf_token": token, "revision": before[nora]}
            ).status_code
            == 404
        )
        if path != "barnekonto":
            assert client.get(f"/logg/{nora}/{path}").status_code == 404
    assert _heads(app) == before
