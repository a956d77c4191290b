"""Refusals the route audit asked for: each a 404 (or a clear 4xx), nothing changed, no 500."""

from __future__ import annotations

import pytest
from flask import Flask

from app.documents.work import Activity, Goal
from tests.web.conftest import csrf_token, demo_log_ids, login
from tests.web.test_log_work import form_values, head, snapshot


@pytest.mark.parametrize(
    "path",
    [
        "/static/app.css%00",
        "/static/%00",
        "/static/" + "a" * 5000 + ".css",
        "/static/../config.py",
        "/static/..%2fconfig.py",
        "/info/..%2f..%2fREADME.md",
        "/info/%2e%2e/README.md",
        "/info/%00",
        "/info/" + "b" * 5000 + ".html",
        "/assets/ds/..%2fpackage.json",
        "/assets/ds/%00",
    ],
)
def test_asset_paths_never_escape_or_fail(app: Flask, path: str) -> None:
    assert app.test_client().get(path).status_code == 404


def test_ids_from_another_log_and_garbage_versions_are_404(app: Flask) -> None:
    ids = demo_log_ids(app)
    nora, jonas = ids["Nora"], ids["Jonas"]
    hilde = app.test_client()
    login(hilde, "staff:hilde")
    nora_goal = snapshot(app, nora).of_kind(Goal)[0]
    jonas_revision = head(app, jonas)
    base = f"/logg/{nora}/historikk/goal/{nora_goal.id}"
    for query in ("?fra=garbage&til=garbage", f"?fra={jonas_revision}&til={jonas_revision}"):
        assert hilde.get(base + query).status_code == 404
    before = head(app, nora)
    token = csrf_token(hilde, f"/logg/{nora}/")
    for version in ("garbage", jonas_revision, "0" * 40):
        answer = hilde.post(
            base + "/gjenopprett",
            data={"csrf_token": token, "revision": before, "version": version},
        )
        assert answer.status_code == 404, version
    assert head(app, nora) == before
    jonas_activity = snapshot(app, jonas).of_kind(Activity)[0]
    assert hilde.get(f"/logg/{nora}/kalender/{jonas_activity.id}-deadline.ics").status_code == 404
    assert hilde.get(f"/logg/{nora}/bilde/{jonas_activity.id}").status_code == 404
    assert app.test_client().get("/kalender/" + "t" * 200 + ".ics").status_code == 404
    # A malformed id in a form's address is a missing page, on GET and on POST.
    for path in (f"/logg/{nora}/mal/X!/endre", f"/logg/{nora}/tiltak/{'a' * 300}/endre"):
        assert hilde.get(path).status_code == 404
        assert hilde.post(path, data={"csrf_token": token, "title": "x"}).status_code == 404
    assert head(app, nora) == before


def test_a_participant_who_is_not_the_holder_cannot_use_the_holders_forms(app: Flask) -> None:
    jonas = demo_log_ids(app)["Jonas"]
    per = app.test_client()
    login(per, "staff:per")  # takes part in Jonas's log, handed the baton on to PPT
    assert per.get(f"/logg/{jonas}/").status_code == 200
    before = head(app, jonas)
    token = csrf_token(per, f"/logg/{jonas}/")
    for path in ("presentasjon/endre", "initiativ/endre", "bilde", "egne-ord"):
        assert per.get(f"/logg/{jonas}/{path}").status_code == 404, path
        answer = per.post(f"/logg/{jonas}/{path}", data={"csrf_token": token, "revision": before})
        assert answer.status_code == 404, path
    assert head(app, jonas) == before


def test_a_move_with_a_bad_revision_is_explained(fresh_app: Flask) -> None:
    from app.documents.fields import Arena
    from app.logs.ids import new_document_id

    nora = demo_log_ids(fresh_app)["Nora"]
    second = Goal(id=new_document_id(), title="Et mål til", arena=Arena.HOME_LEISURE, position=9)
    fresh_app.extensions["stafettlogg"].logs.save(
        nora, [second], expected_revision=head(fresh_app, nora), actor_id="s-4f1c2a7e"
    )
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    before = head(fresh_app, nora)
    token = csrf_token(hilde, f"/logg/{nora}/mal")
    for revision in ("", "garbage", "0" * 40):
        answer = hilde.post(
            f"/logg/{nora}/flytt/goal/{second.id}",
            data={"csrf_token": token, "revision": revision, "direction": "up"},
        )
        assert answer.status_code == 400, revision
        assert "Skjemaet er for gammelt" in answer.data.decode()
    assert head(fresh_app, nora) == before


def test_an_oversized_preview_is_refused(app: Flask) -> None:
    nora = demo_log_ids(app)["Nora"]
    kari = app.test_client()
    login(kari, "citizen:kari")
    token = csrf_token(kari, f"/logg/{nora}/")
    path = f"/logg/{nora}/forhandsvis"
    assert kari.post(path, data={"csrf_token": token, "text": "**ok**"}).status_code == 200
    assert kari.post(path, data={"csrf_token": token, "text": "x" * 20_001}).status_code == 413


def test_an_upload_over_the_limit_gets_a_norwegian_message(app: Flask) -> None:
    """The body is refused by its length, before a single field (or the CSRF token) is read."""
    nora = demo_log_ids(app)["Nora"]
    hilde = app.test_client()
    login(hilde, "staff:hilde")
    big = b"\xff" * (13 * 1024 * 1024)
    answer = hilde.post(
        f"/logg/{nora}/bilde", data=big, content_type="multipart/form-data; boundary=x"
    )
    assert answer.status_code == 413
    assert "Filen eller teksten du sendte, er for stor" in answer.data.decode()


def test_drawing_a_form_is_a_read_in_the_access_log(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    goal = snapshot(fresh_app, nora).of_kind(Goal)[0]
    access_log = fresh_app.extensions["stafettlogg"].access_log
    for path, section in (
        (f"/logg/{nora}/mal/{goal.id}/endre", "work"),
        (f"/logg/{nora}/slett/goal/{goal.id}", "work"),
        (f"/logg/{nora}/presentasjon/endre", "presentation"),
        (f"/logg/{nora}/initiativ/endre", "overview"),
    ):
        count = len(access_log.entries(nora))
        assert hilde.get(path).status_code == 200
        entries = access_log.entries(nora)
        assert len(entries) == count + 1 and (entries[-1].section, entries[-1].action) == (
            section,
            "read",
        ), path


def test_enrolling_a_child_is_in_the_access_log(fresh_app: Flask) -> None:
    jonas = demo_log_ids(fresh_app)["Jonas"]
    ingrid = fresh_app.test_client()
    login(ingrid, "staff:ingrid")
    token = form_values(ingrid, f"/logg/{jonas}/")["csrf_token"]
    answer = ingrid.post(
        f"/logg/{jonas}/barnekonto", data={"username": "jonas.n", "csrf_token": token}
    )
    assert answer.status_code == 200
    last = fresh_app.extensions["stafettlogg"].access_log.entries(jonas)[-1]
    assert (last.section, last.action, last.role) == ("participants", "write", "participant")


def test_a_withdrawn_user_can_still_stop_their_feed_and_others_get_404(fresh_app: Flask) -> None:
    from app.documents.people import Consent
    from tests.web.conftest import now

    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    token = csrf_token(hilde, f"/logg/{nora}/kalender")
    assert (
        hilde.post(f"/logg/{nora}/kalender/abonnement", data={"csrf_token": token}).status_code
        == 302
    )
    instance = fresh_app.extensions["stafettlogg"]
    kari = snapshot(fresh_app, nora).of_kind(Consent)[0]
    instance.logs.save(
        nora,
        [kari.revised(withdrawn_at=now())],
        expected_revision=head(fresh_app, nora),
        actor_id="s-x",
    )
    assert hilde.get(f"/logg/{nora}/kalender").status_code == 404  # no access any more
    stop = hilde.post(f"/logg/{nora}/kalender/abonnement/stopp", data={"csrf_token": token})
    assert stop.status_code == 302  # but her own link can be stopped
    assert not instance.feeds.has_feed("s-4f1c2a7e", nora)
    again = hilde.post(f"/logg/{nora}/kalender/abonnement/stopp", data={"csrf_token": token})
    assert again.status_code == 404  # nothing left to stop: like any log she cannot see


def test_the_archivist_gets_no_calendar_feed(app: Flask) -> None:
    liam = demo_log_ids(app)["Liam"]
    anne = app.test_client()
    login(anne, "staff:anne")
    token = csrf_token(anne, "/ansatt/")
    assert (
        anne.post(f"/logg/{liam}/kalender/abonnement", data={"csrf_token": token}).status_code
        == 404
    )


def test_my_logs_has_a_clean_title(app: Flask) -> None:
    kari = app.test_client()
    login(kari, "citizen:kari")
    page = kari.get("/familie/").data.decode()
    assert "<title>Mine logger – Stafettlogg</title>" in page
