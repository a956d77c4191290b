"""Working in a log over HTTP: goals, activities, evaluations, comments, order, deletion."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.documents.work import Activity, Evaluation, Goal
from tests.web.conftest import demo_log_ids, login

FORM_FIELD = re.compile(r'<input[^>]*name="(csrf_token|revision|form_key)"[^>]*value="([^"]*)"')


def form_values(client: FlaskClient, path: str) -> dict[str, str]:
    """The hidden fields of the form on a page (CSRF token, revision, form key)."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    found = {}
    for match in FORM_FIELD.finditer(page.data.decode()):
        found.setdefault(match.group(1), match.group(2))
    return found


def submit(client: FlaskClient, path: str, data: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    """Draw the form at ``path`` and send it with ``data``."""
    return client.post(path, data={**form_values(client, path), **data}, **kwargs)


def head(app: Flask, log_id: str) -> str:
    """The log's current revision."""
    return str(app.extensions["stafettlogg"].logs.head(log_id))


def snapshot(app: Flask, log_id: str):  # type: ignore[no-untyped-def]
    """The log at HEAD, straight from the store."""
    return app.extensions["stafettlogg"].logs.snapshot(log_id)


def test_holder_adds_a_goal_and_an_activity(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    answer = submit(
        hilde,
        f"/logg/{nora}/mal/nytt?arena=home_leisure",
        {
            "title": "Nora sover hele natta",
            "arena": "home_leisure",
            "status": "active",
            "body": "Fast leggetid.",
        },
    )
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"/logg/{nora}/mal")
    goal = next(
        g for g in snapshot(fresh_app, nora).of_kind(Goal) if g.title == "Nora sover hele natta"
    )
    assert goal.created_by == "s-4f1c2a7e" and goal.body == "Fast leggetid."
    deadline = (date.today() + timedelta(days=10)).isoformat()
    answer = submit(
        hilde,
        f"/logg/{nora}/mal/{goal.id}/tiltak/nytt",
        {
            "title": "Leggetid kl. 19",
            "responsible": "guardians",
            "deadline": deadline,
            "status": "planned",
        },
    )
    assert answer.status_code == 302
    activity = next(a for a in snapshot(fresh_app, nora).of_kind(Activity) if a.goal == goal.id)
    assert activity.responsible_is_guardian and activity.deadline.isoformat() == deadline
    page = hilde.get(answer.headers["Location"]).data.decode()
    assert "Leggetid kl. 19" in page and "Aktiviteten er lagret." in page
    # The access log records the change, with the section and what was done.
    entries = fresh_app.extensions["stafettlogg"].access_log.entries(nora)
    assert (entries[-2].section, entries[-2].action) == ("work", "write")


def test_bad_input_is_explained_next_to_the_field_and_kept(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    goal = snapshot(fresh_app, nora).of_kind(Goal)[0]
    before = head(fresh_app, nora)
    path = f"/logg/{nora}/mal/{goal.id}/tiltak/nytt"
    cases = [
        ({"title": "x" * 10_000, "deadline": "2030-01-01"}, "Skriv høyst 200 tegn."),
        ({"title": "Ok", "deadline": "2020-01-01"}, "Skriv en frist som er i dag eller senere."),
        ({"title": "Ok", "deadline": "31.02.2030"}, "Skriv datoen som dag.måned.år"),
        ({"title": "Ok", "deadline": ""}, "Skriv fristen."),
        ({"title": "", "deadline": "2030-01-01"}, "Fyll ut dette feltet."),
        (
            {"title": "Ok", "deadline": "2030-01-01", "responsible": "aaaaaaaaaaaa"},
            "Ikke et gyldig valg",
        ),
    ]
    for data, message in cases:
        values = {"responsible": "guardians", "status": "planned", "body": "Min tekst 🙂", **data}
        answer = submit(hilde, path, values)
        text = answer.data.decode()
        assert answer.status_code == 400, data
        assert message in text, (data, message)
        assert "Min tekst 🙂" in text  # what they typed is kept
    assert head(fresh_app, nora) == before
    unknown = hilde.post(
        f"/logg/{nora}/mal/aaaaaaaaaaaaaaaa/tiltak/nytt",
        data={**form_values(hilde, path), "title": "x"},
    )
    assert unknown.status_code == 404


def test_a_resent_form_creates_one_goal(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    path = f"/logg/{nora}/mal/nytt"
    values = {
        **form_values(hilde, path),
        "title": "Én gang",
        "arena": "home_leisure",
        "status": "active",
    }
    first = hilde.post(path, data=values)
    second = hilde.post(path, data=values)
    assert first.status_code == second.status_code == 302
    assert [g.title for g in snapshot(fresh_app, nora).of_kind(Goal)].count("Én gang") == 1


def test_two_users_edit_the_same_goal_and_nothing_is_lost(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    goal = snapshot(fresh_app, nora).of_kind(Goal)[0]
    path = f"/logg/{nora}/mal/{goal.id}/endre"
    hilde_form, kari_form = form_values(hilde, path), form_values(kari, path)
    common = {"title": goal.title, "arena": goal.arena.value, "status": goal.status}
    saved = hilde.post(path, data={**hilde_form, **common, "body": "Hildes tekst."})
    assert saved.status_code == 302
    clash = kari.post(
        path, data={**kari_form, **common, "status": "reached", "body": "Karis tekst."}
    )
    assert clash.status_code == 409
    page = clash.data.decode()
    assert "Noen andre har endret dette mens du skrev" in page
    assert "Hildes tekst." in page and "Karis tekst." in page  # both versions shown
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt; Din versjon" in page  # the proposal holds both
    # Saving the proposal unchanged is refused (the marks must go); resolving it succeeds.
    values = dict(FORM_FIELD.findall(page))
    refused = kari.post(
        path,
        data={
            **values,
            **common,
            "body": page and "<<<<<<< Din versjon\nx\n=======\ny\n>>>>>>> Den andre versjonen",
        },
    )
    assert refused.status_code == 400
    done = kari.post(
        path, data={**values, **common, "status": "reached", "body": "Hildes tekst. Karis tekst."}
    )
    assert done.status_code == 302
    after = snapshot(fresh_app, nora).documents[
        type(next(iter(snapshot(fresh_app, nora).documents)))("goal", goal.id)
    ]
    assert after.body == "Hildes tekst. Karis tekst." and after.status == "reached"


def test_changes_to_different_goals_merge_without_asking(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    first, second = snapshot(fresh_app, nora).of_kind(Goal)[:2]
    paths = [f"/logg/{nora}/mal/{g.id}/endre" for g in (first, second)]
    forms = [form_values(hilde, paths[0]), form_values(kari, paths[1])]
    for client, path, form, goal in (
        (hilde, paths[0], forms[0], first),
        (kari, paths[1], forms[1], second),
    ):
        data = {
            **form,
            "title": goal.title + " (endret)",
            "arena": goal.arena.value,
            "status": goal.status,
        }
        assert client.post(path, data=data).status_code == 302
    titles = {g.title for g in snapshot(fresh_app, nora).of_kind(Goal)}
    assert {first.title + " (endret)", second.title + " (endret)"} <= titles


def test_guardian_comments_and_child_cannot_plan(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    kari = fresh_app.test_client()
    login(kari, "citizen:kari")
    goal = snapshot(fresh_app, nora).of_kind(Goal)[0]
    answer = submit(
        kari, f"/logg/{nora}/kommentar/goal/{goal.id}", {"body": "Vi øver hjemme også."}
    )
    assert answer.status_code == 302
    note = next(e for e in snapshot(fresh_app, nora).of_kind(Evaluation) if e.entry == "comment")
    assert note.author_role == "guardian" and note.written_by and note.written_by.startswith("p-")
    work = kari.get(f"/logg/{nora}/mal").data.decode()
    assert "Vi øver hjemme også." in work and "Kari Berg (foresatt)" in work


def test_responsible_evaluates_and_others_cannot(fresh_app: Flask) -> None:
    jonas = demo_log_ids(fresh_app)["Jonas"]
    nora = demo_log_ids(fresh_app)["Nora"]
    activity = snapshot(fresh_app, nora).of_kind(Activity)[0]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    path = f"/logg/{nora}/tiltak/{activity.id}/evaluer"
    assert kari.get(path).status_code == 404  # a guardian does not evaluate Hilde's activity
    before = head(fresh_app, nora)
    refused = kari.post(
        path, data={**form_values(kari, f"/logg/{nora}/mal"), "worked": "x", "decision": "stop"}
    )
    assert refused.status_code == 404 and head(fresh_app, nora) == before
    answer = submit(hilde, path, {"worked": "Korte økter.", "decision": "continue"})
    assert answer.status_code == 302
    evaluation = [
        e for e in snapshot(fresh_app, nora).of_kind(Evaluation) if e.worked == "Korte økter."
    ]
    assert evaluation and evaluation[0].decision == "continue" and evaluation[0].author
    assert hilde.get(f"/logg/{jonas}/mal").status_code == 404


def test_reorder_goals_without_javascript(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    for title in ("Første", "Andre"):
        submit(
            hilde,
            f"/logg/{nora}/mal/nytt",
            {"title": title, "arena": "other_partners", "status": "active"},
        )

    def order() -> list[str]:
        goals = [
            g for g in snapshot(fresh_app, nora).of_kind(Goal) if g.arena.value == "other_partners"
        ]
        return [g.title for g in sorted(goals, key=lambda g: (g.position, g.id))]

    assert order() == ["Første", "Andre"]
    second = next(g for g in snapshot(fresh_app, nora).of_kind(Goal) if g.title == "Andre")
    values = form_values(hilde, f"/logg/{nora}/mal")
    moved = hilde.post(
        f"/logg/{nora}/flytt/goal/{second.id}",
        data={
            "csrf_token": values["csrf_token"],
            "revision": head(fresh_app, nora),
            "direction": "up",
        },
    )
    assert moved.status_code == 302
    assert order() == ["Andre", "Første"]


def test_deleting_asks_first_and_keeps_history(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    goal = next(
        g
        for g in snapshot(fresh_app, nora).of_kind(Goal)
        if any(a.goal == g.id for a in snapshot(fresh_app, nora).of_kind(Activity))
    )
    path = f"/logg/{nora}/slett/goal/{goal.id}"
    assert (
        kari.get(path).status_code == 200 and "Bare stafettholderen" in kari.get(path).data.decode()
    )
    assert submit(kari, path, {}).status_code == 404  # others' text: only the holder
    confirm = hilde.get(path).data.decode()
    assert "Dette sletter også" in confirm and "Lekegruppe" in confirm
    assert submit(hilde, path, {}).status_code == 302
    after = snapshot(fresh_app, nora)
    assert goal.id not in {g.id for g in after.of_kind(Goal)}
    assert not [a for a in after.of_kind(Activity) if a.goal == goal.id]
    history = hilde.get(f"/logg/{nora}/historikk/goal/{goal.id}").data.decode()
    assert "Slettet" in history and "Gjenopprett denne versjonen" in history


def test_a_stale_or_missing_revision_is_explained_and_the_text_kept(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    path = f"/logg/{nora}/mal/nytt"
    before = head(fresh_app, nora)
    for revision in ("0" * 40, "", "not-a-revision"):
        values = {**form_values(hilde, path), "revision": revision}
        answer = hilde.post(
            path,
            data={
                **values,
                **{
                    "title": "Mitt mål",
                    "arena": "home_leisure",
                    "status": "active",
                    "body": "Min lange tekst.",
                },
            },
        )
        text = answer.data.decode()
        assert answer.status_code == 400, revision
        assert "Skjemaet er for gammelt til å lagres" in text and "Min lange tekst." in text
    assert head(fresh_app, nora) == before


def test_going_back_and_changing_a_sent_form_is_not_silently_dropped(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    goal = snapshot(fresh_app, nora).of_kind(Goal)[0]
    path = f"/logg/{nora}/mal/{goal.id}/endre"
    drawn = form_values(hilde, path)  # one drawn form, sent twice with different titles
    common = {"arena": goal.arena.value, "status": goal.status, "body": goal.body}
    assert hilde.post(path, data={**drawn, **common, "title": "Første tittel"}).status_code == 302
    again = hilde.post(path, data={**drawn, **common, "title": "Andre tittel"})
    assert again.status_code == 409  # a conflict with her own first save, both shown
    assert "Første tittel" in again.data.decode() and "Andre tittel" in again.data.decode()


def _goal_deleted_while_kari_edits(app: Flask, title: str):  # type: ignore[no-untyped-def]
    """Kari adds a goal and opens it for editing; meanwhile the holder deletes it.

    Returns Kari's client, the edit path, the form as drawn and the goal.
    """
    nora = demo_log_ids(app)["Nora"]
    hilde, kari = app.test_client(), app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    submit(
        kari,
        f"/logg/{nora}/mal/nytt",
        {"title": title, "arena": "home_leisure", "status": "active"},
    )
    goal = next(g for g in snapshot(app, nora).of_kind(Goal) if g.title == title)
    path = f"/logg/{nora}/mal/{goal.id}/endre"
    drawn = form_values(kari, path)
    assert submit(hilde, f"/logg/{nora}/slett/goal/{goal.id}", {}).status_code == 302
    return kari, path, drawn, goal


def test_editing_an_entry_someone_deleted_keeps_the_text(fresh_app: Flask) -> None:
    kari, path, drawn, _goal = _goal_deleted_while_kari_edits(fresh_app, "Karis mål")
    answer = kari.post(
        path,
        data={
            **drawn,
            "title": "Karis mål",
            "arena": "home_leisure",
            "status": "active",
            "body": "Teksten jeg skrev.",
        },
    )
    assert answer.status_code == 409
    assert "Teksten jeg skrev." in answer.data.decode()
    assert "Den andre personen slettet" in answer.data.decode()


def test_restoring_is_for_those_who_may_change_it_now(fresh_app: Flask) -> None:
    jonas = demo_log_ids(fresh_app)["Jonas"]
    instance = fresh_app.extensions["stafettlogg"]
    first = instance.logs.history(jonas)[-1].revision  # the log as it was created
    overview = snapshot(fresh_app, jonas).overview
    ingrid, lise = fresh_app.test_client(), fresh_app.test_client()
    login(ingrid, "staff:ingrid")
    login(lise, "citizen:lise")
    before = head(fresh_app, jonas)
    presentation = next(
        d for d in snapshot(fresh_app, jonas).documents.values() if d.kind == "presentation"
    )
    for client, kind, doc_id in (
        (ingrid, "log", overview.id),  # the holder cannot roll back the overview (holder, level)
        (
            ingrid,
            "consent",
            next(
                d.id for d in snapshot(fresh_app, jonas).documents.values() if d.kind == "consent"
            ),
        ),
        (lise, "presentation", presentation.id),  # only the holder restores the presentation
    ):
        token = form_values(client, f"/logg/{jonas}/")["csrf_token"]
        answer = client.post(
            f"/logg/{jonas}/historikk/{kind}/{doc_id}/gjenopprett",
            data={"csrf_token": token, "revision": before, "version": first},
        )
        assert answer.status_code == 404, kind
    assert head(fresh_app, jonas) == before


def test_the_history_of_the_overview_never_shows_a_national_identity_number(
    fresh_app: Flask,
) -> None:
    jonas = demo_log_ids(fresh_app)["Jonas"]
    lise = fresh_app.test_client()
    login(lise, "citizen:lise")
    overview = snapshot(fresh_app, jonas).overview
    page = lise.get(f"/logg/{jonas}/historikk/log/{overview.id}").data.decode()
    assert overview.subject.fnr not in page
    consent = next(d for d in snapshot(fresh_app, jonas).documents.values() if d.kind == "consent")
    page = lise.get(f"/logg/{jonas}/historikk/consent/{consent.id}").data.decode()
    assert consent.given_by_fnr not in page  # type: ignore[attr-defined]


def test_two_people_saving_different_goals_at_the_same_moment_both_succeed(
    fresh_app: Flask,
) -> None:
    import threading

    nora = demo_log_ids(fresh_app)["Nora"]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    first, second = snapshot(fresh_app, nora).of_kind(Goal)[:2]
    jobs = []
    for client, goal in ((hilde, first), (kari, second)):
        path = f"/logg/{nora}/mal/{goal.id}/endre"
        data = {
            **form_values(client, path),
            "title": goal.title + " – samtidig",
            "arena": goal.arena.value,
            "status": goal.status,
        }
        jobs.append((client, path, data))
    start, answers = threading.Barrier(2), []

    def send(client: FlaskClient, path: str, data: dict[str, str]) -> None:
        start.wait()
        answers.append(client.post(path, data=data).status_code)

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]
    titles = {g.title for g in snapshot(fresh_app, nora).of_kind(Goal)}
    assert {first.title + " – samtidig", second.title + " – samtidig"} <= titles


def test_my_logs_counts_what_is_overdue_for_me(app: Flask) -> None:
    hilde = app.test_client()
    login(hilde, "staff:hilde")
    page = hilde.get("/ansatt/").data.decode()
    assert "2 frister passert" in page  # the demo's greeting activity: deadline and evaluation
    per = app.test_client()
    login(per, "staff:per")
    assert re.search(r"\d+ frist(er)? passert", per.get("/ansatt/").data.decode()) is None


def test_a_double_click_on_move_moves_once(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    for title in ("Første", "Andre", "Tredje"):
        submit(
            hilde,
            f"/logg/{nora}/mal/nytt",
            {"title": title, "arena": "other_partners", "status": "active"},
        )
    third = next(g for g in snapshot(fresh_app, nora).of_kind(Goal) if g.title == "Tredje")
    page = hilde.get(f"/logg/{nora}/mal").data.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    values = {**form_values(hilde, f"/logg/{nora}/mal"), "form_key": key, "direction": "up"}
    for _click in range(2):
        assert hilde.post(f"/logg/{nora}/flytt/goal/{third.id}", data=values).status_code == 302
    goals = [
        g for g in snapshot(fresh_app, nora).of_kind(Goal) if g.arena.value == "other_partners"
    ]
    assert [g.title for g in sorted(goals, key=lambda g: (g.position, g.id))] == [
        "Første",
        "Tredje",
        "Andre",
    ]


def test_saving_the_merge_view_brings_a_deleted_entry_back(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    kari, path, drawn, goal = _goal_deleted_while_kari_edits(fresh_app, "Tilbake")
    fields = {"title": "Tilbake", "arena": "home_leisure", "status": "active", "body": "Min tekst."}
    merge = kari.post(path, data={**drawn, **fields})
    assert merge.status_code == 409
    values = dict(FORM_FIELD.findall(merge.data.decode()))
    saved = kari.post(path, data={**values, **fields})
    assert saved.status_code == 302
    back = [g for g in snapshot(fresh_app, nora).of_kind(Goal) if g.id == goal.id]
    assert back and back[0].body == "Min tekst."


def test_the_holder_restoring_the_presentation_keeps_the_familys_words(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    instance = fresh_app.extensions["stafettlogg"]
    presentation = next(
        d for d in snapshot(fresh_app, nora).documents.values() if d.kind == "presentation"
    )
    first = instance.logs.history(
        nora,
        ref=type(next(iter(snapshot(fresh_app, nora).documents)))("presentation", presentation.id),
    )[-1].revision
    assert submit(kari, f"/logg/{nora}/egne-ord", {"words": "Kari skrev dette."}).status_code == 302
    token = form_values(hilde, f"/logg/{nora}/")["csrf_token"]
    answer = hilde.post(
        f"/logg/{nora}/historikk/presentation/{presentation.id}/gjenopprett",
        data={"csrf_token": token, "revision": head(fresh_app, nora), "version": first},
    )
    assert answer.status_code == 302
    after = next(
        d for d in snapshot(fresh_app, nora).documents.values() if d.kind == "presentation"
    )
    assert after.guardian_words == "Kari skrev dette." and after.strengths == []  # type: ignore[attr-defined]
