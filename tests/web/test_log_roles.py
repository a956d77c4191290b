"""Who may change what, over HTTP, per role; each refusal is a 404 and leaves HEAD unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from markupsafe import escape

from app.documents.fields import LogStatus, Service
from app.documents.people import Participant
from app.documents.work import Activity, Evaluation, Goal
from app.logs.ids import new_document_id
from tests.web.conftest import csrf_token, demo_log_ids, login
from tests.web.test_log_work import form_values, head, snapshot, submit

NEW_GOAL = {"title": "Et nytt mål", "arena": "home_leisure", "status": "active"}


def _post_goal(app: Flask, who: str, log: str) -> int:
    client = app.test_client()
    login(client, who)
    log_id = demo_log_ids(app)[log]
    path = f"/logg/{log_id}/mal/nytt"
    token = csrf_token(client, "/")
    data = {"csrf_token": token, "revision": head(app, log_id), "form_key": "k" * 24, **NEW_GOAL}
    return client.post(path, data=data).status_code


@pytest.mark.parametrize(
    ("who", "log", "allowed"),
    [
        ("staff:hilde", "Nora", True),  # holder
        ("staff:per", "Jonas", True),  # participant with consent (no longer the holder)
        ("staff:ingrid", "Jonas", True),  # the new holder, on the new consent
        ("citizen:kari", "Nora", True),  # guardian
        ("citizen:sara", "Sara", True),  # youth over the consent age
        ("staff:maria", "Sara", True),  # holder of the youth's log
        ("staff:hilde", "Liam", False),  # closed log: read-only even for its holder
        ("citizen:emma", "Liam", False),  # guardian of a closed log
        ("staff:anne", "Liam", False),  # the archivist reads, never writes
        ("staff:tor", "Nora", False),  # unrelated staff
        ("citizen:per", "Nora", False),  # unrelated citizen
        ("citizen:kari", "Jonas", False),  # a guardian of another child
    ],
)
def test_who_may_add_a_goal(fresh_app: Flask, who: str, log: str, allowed: bool) -> None:
    log_id = demo_log_ids(fresh_app)[log]
    before = head(fresh_app, log_id)
    status = _post_goal(fresh_app, who, log)
    assert status == (302 if allowed else 404), (who, log, status)
    assert (head(fresh_app, log_id) != before) is allowed


def test_a_participant_whose_service_lacks_consent_can_do_nothing(fresh_app: Flask) -> None:
    instance = fresh_app.extensions["stafettlogg"]
    nora = demo_log_ids(fresh_app)["Nora"]
    tor = Participant(  # school staff added to a log whose consents cover only kindergarten
        id=new_document_id(),
        user_id="s-c85f2e17",
        name="Tor Eriksen",
        service=Service.SCHOOL,
        joined_on=date.today(),
    )
    instance.logs.save(nora, [tor], expected_revision=head(fresh_app, nora), actor_id="s-4f1c2a7e")
    client = fresh_app.test_client()
    login(client, "staff:tor")
    assert client.get(f"/logg/{nora}/").status_code == 404
    assert client.get(f"/logg/{nora}/mal/nytt").status_code == 404
    assert _post_goal(fresh_app, "staff:tor", "Nora") == 404
    goal = snapshot(fresh_app, nora).of_kind(Goal)[0]
    token = csrf_token(client, "/")
    before = head(fresh_app, nora)
    answer = client.post(
        f"/logg/{nora}/kommentar/goal/{goal.id}",
        data={"csrf_token": token, "revision": before, "body": "x"},
    )
    assert answer.status_code == 404 and head(fresh_app, nora) == before


def test_a_passive_log_is_read_only(fresh_app: Flask) -> None:
    instance = fresh_app.extensions["stafettlogg"]
    nora = demo_log_ids(fresh_app)["Nora"]
    overview = snapshot(fresh_app, nora).overview
    instance.logs.save(
        nora,
        [overview.revised(status=LogStatus.PASSIVE)],
        expected_revision=head(fresh_app, nora),
        actor_id="s-4f1c2a7e",
    )
    for who in ("staff:hilde", "citizen:kari"):
        client = fresh_app.test_client()
        login(client, who)
        # All consent withdrawn: the family reads, the participants are out at once.
        expected = 200 if who.startswith("citizen") else 404
        assert client.get(f"/logg/{nora}/mal").status_code == expected
        assert "Legg til et mål" not in client.get(f"/logg/{nora}/mal").data.decode()
        assert _post_goal(fresh_app, who, "Nora") == 404


def test_a_child_under_the_consent_age_comments_but_does_not_plan(fresh_app: Flask) -> None:
    """Jonas (10) with his own login may add his words and comment, not change goals."""
    instance = fresh_app.extensions["stafettlogg"]
    jonas = demo_log_ids(fresh_app)["Jonas"]
    ingrid = fresh_app.test_client()
    login(ingrid, "staff:ingrid")
    token = csrf_token(ingrid, f"/logg/{jonas}/")
    enrolled = ingrid.post(
        f"/logg/{jonas}/barnekonto", data={"username": "jonas.n", "csrf_token": token}
    )
    assert enrolled.status_code == 200
    subject = snapshot(fresh_app, jonas).overview.subject
    child = fresh_app.test_client()
    with child.session_transaction() as session:  # as after the child's own login
        principal = instance.index.person_principal(subject.fnr)
        session["user"] = {"principal": principal, "kind": "citizen", "roles": [], "service": ""}
    assert child.get(f"/logg/{jonas}/mal").status_code == 200
    assert child.get(f"/logg/{jonas}/mal/nytt").status_code == 404
    goal = snapshot(fresh_app, jonas).of_kind(Goal)[0]
    assert child.get(f"/logg/{jonas}/mal/{goal.id}/endre").status_code == 404
    answer = submit(
        child, f"/logg/{jonas}/kommentar/goal/{goal.id}", {"body": "Jeg liker å lese om dyr."}
    )
    assert answer.status_code == 302
    note = next(e for e in snapshot(fresh_app, jonas).of_kind(Evaluation) if e.entry == "comment")
    assert note.author_role == "subject"
    words = submit(child, f"/logg/{jonas}/egne-ord", {"words": "Jeg er god på fotball."})
    assert words.status_code == 302
    presentation = next(
        iter(d for d in snapshot(fresh_app, jonas).documents.values() if d.kind == "presentation")
    )
    assert presentation.subject_words == "Jeg er god på fotball."
    assert child.get(f"/logg/{jonas}/tilgangslogg").status_code == 404
    assert child.get(f"/logg/{jonas}/historikk").status_code == 404  # not in the child's view
    assert child.get(f"/logg/{jonas}/samtykker").status_code == 404


def test_guardian_sees_history_only_of_what_they_may_read(fresh_app: Flask) -> None:
    jonas = demo_log_ids(fresh_app)["Jonas"]
    lise = fresh_app.test_client()
    login(lise, "citizen:lise")
    page = lise.get(f"/logg/{jonas}/historikk")
    assert page.status_code == 200
    text = page.data.decode()
    assert "Opprettet loggen" in text and "Ga stafettpinnen videre" in text
    per = fresh_app.test_client()
    login(per, "citizen:per")
    assert per.get(f"/logg/{jonas}/historikk").status_code == 404


def test_the_overview_shows_consent_status_and_who_is_not_yet_let_in(fresh_app: Flask) -> None:
    instance = fresh_app.extensions["stafettlogg"]
    nora = demo_log_ids(fresh_app)["Nora"]
    tor = Participant(
        id=new_document_id(),
        user_id="s-c85f2e17",
        name="Tor Eriksen",
        service=Service.SCHOOL,
        joined_on=date.today(),
    )
    instance.logs.save(nora, [tor], expected_revision=head(fresh_app, nora), actor_id="s-4f1c2a7e")
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    holder_view = hilde.get(f"/logg/{nora}/").data.decode()
    assert "Barnehage: til" in holder_view  # the kindergarten is covered, with its end date
    assert holder_view.count("ser ingenting før et samtykke dekker tjenesten") == 1  # Tor only
    family_view = kari.get(f"/logg/{nora}/").data.decode()
    assert "Barnehage: til" in family_view
    assert "ser ingenting før" not in family_view  # a note for the holder


def test_a_childs_own_words_meet_a_change_by_the_holder_in_the_merge_view(
    fresh_app: Flask,
) -> None:
    """The child has no history page, but still gets both versions, not a missing page."""
    instance = fresh_app.extensions["stafettlogg"]
    jonas = demo_log_ids(fresh_app)["Jonas"]
    subject = snapshot(fresh_app, jonas).overview.subject
    child = fresh_app.test_client()
    with child.session_transaction() as session:
        principal = instance.index.person_principal(subject.fnr)
        session["user"] = {"principal": principal, "kind": "citizen", "roles": [], "service": ""}
    drawn = form_values(child, f"/logg/{jonas}/egne-ord")
    ingrid = fresh_app.test_client()
    login(ingrid, "staff:ingrid")  # the holder changes the presentation meanwhile
    answer = submit(
        ingrid,
        f"/logg/{jonas}/presentasjon/endre",
        {"title": "Meg som elev", "social": "Leker med mange."},
    )
    assert answer.status_code == 302
    clash = child.post(f"/logg/{jonas}/egne-ord", data={**drawn, "words": "Jeg liker fotball."})
    assert clash.status_code == 409
    assert "Jeg liker fotball." in clash.data.decode()


def test_the_overview_lists_the_open_activities_by_deadline(fresh_app: Flask) -> None:
    """Open activities, nearest deadline first, a passed one marked; done ones left out."""
    instance = fresh_app.extensions["stafettlogg"]
    nora = demo_log_ids(fresh_app)["Nora"]
    existing = snapshot(fresh_app, nora).of_kind(Activity)
    model = existing[0]
    late = model.revised(id=new_document_id(), title="Sein <oppgave>", deadline=date(2020, 1, 6))
    finished = model.revised(id=new_document_id(), title="Ferdig oppgave", status="completed")
    instance.logs.save(
        nora, [late, finished], expected_revision=head(fresh_app, nora), actor_id="s-4f1c2a7e"
    )
    still_open = sorted([*(a for a in existing if a.is_open), late], key=lambda a: a.deadline)
    kari = fresh_app.test_client()
    login(kari, "citizen:kari")
    page = kari.get(f"/logg/{nora}/").data.decode()
    section = page.split('id="h-open"', 1)[1].split("</section>", 1)[0]
    places = [section.index(str(escape(a.title))) for a in still_open]
    assert places == sorted(places) and places[0] == section.index("Sein &lt;oppgave&gt;")
    assert "Ferdig oppgave" not in section
    overdue = [a for a in still_open if a.deadline < date.today()]
    assert late in overdue and section.count("Frist passert") == len(overdue)
