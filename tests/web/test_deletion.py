"""Deletion versus the archive duty over HTTP (issue 8, part 10), and the coordinator's overview.

Real Git, real encryption, real key files: a blocked log opens for nobody, a
shredded one cannot be read at all, and ``fsck`` reports it as shredded, not
as broken. The outcome is kept outside the log and told to the family.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.access import StaffRole, User, UserKind
from app.documents.fields import LogStatus
from app.documents.overview import LogOverview
from app.documents.people import Guardian
from app.documents.records import BatonHandover, DeletionRequest
from app.logs.deletion_register import DeletionOutcome
from app.logs.errors import LogNotFound
from app.logs.ids import new_document_id
from app.maintenance import check_instance
from tests.conftest import TODAY
from tests.web.conftest import csrf_token, demo_log_ids, logged_in
from tests.web.test_log_work import head, snapshot, submit


def _ask(client: FlaskClient, log_id: str, reason: str = "Vi vil ikke ha loggen lenger."):  # type: ignore[no-untyped-def]
    return submit(client, f"/logg/{log_id}/sletting", {"reason": reason})


def _request(app: Flask, log_id: str) -> DeletionRequest:
    (asked,) = snapshot(app, log_id).of_kind(DeletionRequest)
    return asked


def _decide(client: FlaskClient, app: Flask, log_id: str, decision: str, note: str = ""):  # type: ignore[no-untyped-def]
    asked = _request(app, log_id)
    return client.post(
        f"/ansatt/sletting/{log_id}/{asked.id}",
        data={
            "csrf_token": csrf_token(client, "/ansatt/koordinator"),
            "revision": head(app, log_id),
            "form_key": "",
            "decision": decision,
            "note": note,
        },
        follow_redirects=True,
    )


def _confirm(client: FlaskClient, app: Flask, log_id: str, request_id: str):  # type: ignore[no-untyped-def]
    try:
        revision = head(app, log_id)
    except LogNotFound:
        revision = "0" * 40  # already shredded: the page was drawn before
    return client.post(
        f"/ansatt/sletting/{log_id}/{request_id}/makuler",
        data={"csrf_token": csrf_token(client, "/ansatt/koordinator"), "revision": revision},
        follow_redirects=True,
    )


def _shredded(log_id: str, overview: LogOverview) -> DeletionOutcome:
    """A shredding as the register records it, before the keys go."""
    day = overview.opened_on
    return DeletionOutcome(
        log_id,
        overview.unit_id,
        "shredded",
        "no_archive_duty",
        "p-someone",
        day,
        "s-3e9d6b21",
        "s-d4a7e962",
        day,
    )


def test_a_guardian_asks_and_the_coordinator_blocks_the_log(fresh_app: Flask) -> None:
    app = fresh_app
    jonas = demo_log_ids(app)["Jonas"]
    lise = logged_in(app, "citizen:lise")
    assert "Be om at loggen slettes" in lise.get(f"/logg/{jonas}/").data.decode()
    asked = _ask(lise, jonas)
    assert asked.status_code == 302, asked.data[-1500:]
    request = _request(app, jonas)
    assert request.state == "open" and request.asked_by_role == "guardian"
    overview = lise.get(f"/logg/{jonas}/").data.decode()
    assert "Koordinatoren behandler" in overview
    assert lise.get(f"/logg/{jonas}/sletting").status_code == 404  # one request at a time
    # Staff who take part cannot ask, and only coordinators (and unit leaders) see the overview.
    per = logged_in(app, "staff:per")
    assert per.get(f"/logg/{jonas}/sletting").status_code == 404
    assert per.get("/ansatt/koordinator").status_code == 404
    kjersti = logged_in(app, "staff:kjersti").get("/ansatt/koordinator").data.decode()
    assert "Slettingsforespørsler" not in kjersti  # a unit leader does not decide deletion
    bjorn = logged_in(app, "staff:bjorn")
    page = bjorn.get("/ansatt/koordinator").data.decode()
    assert "Slettingsforespørsler" in page and jonas in page
    assert "Jonas" not in page  # the coordinator takes no part in the log: no name
    index = app.extensions["stafettlogg"].index
    assert any(row.log_id == jonas for row in index.logs_for("s-9b3e5d10"))  # Per takes part
    # Turning it down needs a note; blocking ends it.
    assert "Skriv en kort merknad" in _decide(bjorn, app, jonas, "decline").data.decode()
    blocked = _decide(bjorn, app, jonas, "block", "Arkivplikt etter arkivlova.")
    assert "Loggen er sperret" in blocked.data.decode()
    log = snapshot(app, jonas)
    assert log.overview.status == LogStatus.BLOCKED
    assert _request(app, jonas).state == "blocked"
    # Nobody opens it now: not the family, not the holder; the index keeps only that it exists.
    for client in (lise, per, logged_in(app, "staff:tor")):
        assert client.get(f"/logg/{jonas}/").status_code == 404
    instance = app.extensions["stafettlogg"]
    lise_principal = instance.index.person_principal(log.of_kind(Guardian)[0].fnr)
    for principal in ("s-9b3e5d10", lise_principal):  # the holder, a guardian
        assert all(row.log_id != jonas for row in instance.index.logs_for(principal))
    assert jonas not in per.get("/ansatt/").data.decode()
    assert instance.index.logs_of_subject(log.overview.subject.fnr) == [jonas]
    outcome = instance.deletions.get(jonas)
    assert outcome is not None and outcome.outcome == "blocked" and outcome.done
    # The family is told the outcome.
    assert "ble sperret" in lise.get("/familie/").data.decode()
    # A second decision on the same request is refused.
    assert "allerede behandlet" in _decide(bjorn, app, jonas, "block").data.decode()


def test_shredding_takes_two_coordinators_and_leaves_nothing_readable(fresh_app: Flask) -> None:
    app = fresh_app
    nora = demo_log_ids(app)["Nora"]
    kari = logged_in(app, "citizen:kari")
    assert _ask(kari, nora, "").status_code == 302
    request_id = _request(app, nora).id
    bjorn = logged_in(app, "staff:bjorn")
    proposed = _decide(bjorn, app, nora, "propose_shred", "Ingen arkivplikt for denne.")
    assert "En annen koordinator må bekrefte" in proposed.data.decode()
    assert _request(app, nora).state == "shred_proposed"
    # The one who proposed cannot confirm: four eyes.
    refused = _confirm(bjorn, app, nora, request_id).data.decode()
    assert "En annen koordinator må bekrefte" in refused
    assert snapshot(app, nora).overview.status == LogStatus.ACTIVE
    # A member of staff who is no coordinator cannot confirm, block or decide either.
    hilde = logged_in(app, "staff:hilde")
    token = csrf_token(hilde, "/ansatt/")
    for path, decision in (("/makuler", ""), ("", "block"), ("", "propose_shred")):
        sent = hilde.post(
            f"/ansatt/sletting/{nora}/{request_id}{path}",
            data={"csrf_token": token, "revision": head(app, nora), "decision": decision},
        )
        assert sent.status_code == 404, (path, decision)
    siri = logged_in(app, "staff:siri")
    assert "Loggen er slettet for godt" in _confirm(siri, app, nora, request_id).data.decode()
    instance = app.extensions["stafettlogg"]
    with pytest.raises(LogNotFound):
        instance.logs.snapshot(nora)
    assert instance.store.exists(nora)  # the ciphertext stays, unreadable
    for client in (kari, logged_in(app, "staff:hilde")):
        assert client.get(f"/logg/{nora}/").status_code == 404
    outcome = instance.deletions.get(nora)
    assert outcome is not None and outcome.outcome == "shredded" and outcome.done
    assert {outcome.decided_by, outcome.confirmed_by} == {"s-3e9d6b21", "s-d4a7e962"}
    assert "ble slettet for godt" in kari.get("/familie/").data.decode()
    # A second click finds it done.
    assert "Loggen er slettet for godt" in _confirm(siri, app, nora, request_id).data.decode()
    # fsck reports it as shredded, not as broken.
    report = check_instance(instance, progress=lambda _line: None)
    assert report.ok and report.shredded == 1, report.problems


def test_fsck_finishes_a_shredding_a_crash_interrupted(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    assert _ask(logged_in(app, "citizen:kari"), nora).status_code == 302
    _decide(logged_in(app, "staff:bjorn"), app, nora, "propose_shred")
    confirmed = _request(app, nora).revised(
        state="shredded", decided_by="s-d4a7e962", decided_on=TODAY
    )
    instance.logs.save(nora, [confirmed], expected_revision=head(app, nora), actor_id="s-d4a7e962")
    overview = snapshot(app, nora).overview
    # Confirmed in the log and recorded in the register; then the process died before the
    # keys were destroyed.
    instance.deletions.record(_shredded(nora, overview))
    assert instance.keys.has_log_keys(nora)
    lines: list[str] = []
    report = check_instance(instance, progress=lines.append)
    assert not instance.keys.has_log_keys(nora)
    assert report.ok and report.shredded == 1 and report.recovered >= 1
    assert any("finished shredding" in line for line in lines)
    assert instance.deletions.get(nora).done  # type: ignore[union-attr]


def test_fsck_calls_a_missing_key_without_a_record_a_problem(fresh_app: Flask) -> None:
    instance = fresh_app.extensions["stafettlogg"]
    nora = demo_log_ids(fresh_app)["Nora"]
    instance.keys.shred_log(nora)  # keys gone, nobody decided it
    report = check_instance(instance, progress=lambda _line: None)
    assert not report.ok and any("no shredding recorded" in p for p in report.problems)


def test_the_family_withdraws_a_request_and_sees_a_refusal_explained(fresh_app: Flask) -> None:
    app = fresh_app
    jonas = demo_log_ids(app)["Jonas"]
    lise = logged_in(app, "citizen:lise")
    assert _ask(lise, jonas).status_code == 302
    asked = _request(app, jonas)
    # Anders (the other guardian) did not ask, so he cannot withdraw it.
    anders = logged_in(app, "citizen:anders")
    path = f"/logg/{jonas}/sletting/{asked.id}/trekk"
    token = csrf_token(anders, f"/logg/{jonas}/")
    sent = anders.post(path, data={"csrf_token": token, "revision": head(app, jonas)})
    assert sent.status_code == 404 and _request(app, jonas).state == "open"
    token = csrf_token(lise, f"/logg/{jonas}/")
    assert (
        lise.post(path, data={"csrf_token": token, "revision": head(app, jonas)}).status_code == 302
    )
    assert _request(app, jonas).state == "withdrawn"
    # Asked again, then turned down with a note: she reads why on the overview.
    assert _ask(lise, jonas).status_code == 302
    (again,) = [r for r in snapshot(app, jonas).of_kind(DeletionRequest) if r.waiting]
    bjorn = logged_in(app, "staff:bjorn")
    response = bjorn.post(
        f"/ansatt/sletting/{jonas}/{again.id}",
        data={
            "csrf_token": csrf_token(bjorn, "/ansatt/koordinator"),
            "revision": head(app, jonas),
            "decision": "decline",
            "note": "Loggen skal avsluttes og arkiveres først.",
        },
    )
    assert response.status_code == 302
    assert "Loggen skal avsluttes og arkiveres først." in lise.get(f"/logg/{jonas}/").data.decode()
    assert snapshot(app, jonas).overview.status == LogStatus.ACTIVE


def test_the_unit_leader_assigns_the_baton_when_the_holder_has_left(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    jonas = demo_log_ids(app)["Jonas"]
    kjersti = logged_in(app, "staff:kjersti")
    assert (
        "Logger som trenger en ny stafettholder" in kjersti.get("/ansatt/koordinator").data.decode()
    )
    # The holder (Ingrid, from PPT) works in another unit: that is no reason.
    assert jonas not in kjersti.get("/ansatt/koordinator").data.decode()
    # Ingrid leaves the municipality: the directory says so.
    directory = instance.directory.snapshot()
    ingrid = directory.staff["s-2d7a8c44"]
    instance.directory.save(
        [ingrid.revised(active=False)], expected_revision=directory.revision, actor_id="s-admin"
    )
    page = kjersti.get("/ansatt/koordinator").data.decode()
    assert jonas in page and "har sluttet" in page
    log = snapshot(app, jonas)
    taker = next(p for p in log.of_kind_active_participants() if p.user_id == "s-9b3e5d10")
    assert f'value="{taker.id}"' in page
    # Only a unit leader of the log's unit may assign it.
    for who in ("staff:hilde", "staff:per"):
        client = logged_in(app, who)
        sent = client.post(
            f"/ansatt/stafett/{jonas}",
            data={
                "csrf_token": csrf_token(client, "/ansatt/"),
                "revision": head(app, jonas),
                "to_participant": taker.id,
            },
        )
        assert sent.status_code == 404
    sent = kjersti.post(
        f"/ansatt/stafett/{jonas}",
        data={
            "csrf_token": csrf_token(kjersti, "/ansatt/koordinator"),
            "revision": head(app, jonas),
            "to_participant": taker.id,
        },
        follow_redirects=True,
    )
    assert "Den nye stafettholderen må ta imot" in sent.data.decode()
    (offer,) = [h for h in snapshot(app, jonas).of_kind(BatonHandover) if h.pending]
    assert offer.to_holder == taker.id and offer.offered_by == "s-7aa31c05"
    assert snapshot(app, jonas).overview.holder != taker.id  # until Tor accepts


def test_a_blocking_and_a_shredding_of_one_request_cannot_both_land(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    kari = logged_in(app, "citizen:kari")
    assert _ask(kari, nora).status_code == 302
    bjorn, siri = logged_in(app, "staff:bjorn"), logged_in(app, "staff:siri")
    _decide(bjorn, app, nora, "propose_shred")
    request_id = _request(app, nora).id
    # Bjørn's blocking lands between Siri's decision and her commit: her commit is refused
    # by the store (the log moved), the step is decided again, and then refused.
    logs, save = instance.logs, instance.logs.save
    portal = app.extensions["portal"]
    blocked: list[str] = []

    def block_first(log_id: str, documents: list[object], **kwargs: object) -> str:
        if not blocked and any(getattr(d, "state", "") == "shredded" for d in documents):
            blocked.append(
                portal.decide_deletion(
                    User("s-3e9d6b21", UserKind.STAFF, frozenset({StaffRole.COORDINATOR})),
                    nora,
                    request_id,
                    decision="block",
                    seen_revision=head(app, nora),
                )
            )
        return save(log_id, documents, **kwargs)

    logs.save = block_first
    try:
        sent = _confirm(siri, app, nora, request_id).data.decode()
    finally:
        del logs.save  # the class's own method again
    assert blocked, "the blocking never ran inside the confirmation"
    assert "allerede behandlet" in sent
    assert instance.keys.has_log_keys(nora)  # blocked, and kept for the archive
    assert snapshot(app, nora).overview.status == LogStatus.BLOCKED
    assert instance.deletions.get(nora).outcome == "blocked"  # type: ignore[union-attr]


def test_fsck_carries_out_a_decision_a_crash_left_in_the_log(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    ids = demo_log_ids(app)
    nora, jonas = ids["Nora"], ids["Jonas"]
    for log_id, guardian in ((nora, "citizen:kari"), (jonas, "citizen:lise")):
        assert _ask(logged_in(app, guardian), log_id).status_code == 302
    _decide(logged_in(app, "staff:bjorn"), app, nora, "propose_shred")
    # The second coordinator's confirmation and a blocking are committed; then the process
    # dies before either is carried out (no register row, the keys still there).
    confirmed = _request(app, nora).revised(
        state="shredded", decided_by="s-d4a7e962", decided_on=TODAY
    )
    instance.logs.save(nora, [confirmed], expected_revision=head(app, nora), actor_id="s-d4a7e962")
    blocked_log = snapshot(app, jonas)
    blocked = _request(app, jonas).revised(
        state="blocked", decided_by="s-3e9d6b21", decided_on=TODAY
    )
    overview = blocked_log.overview.revised(
        status=LogStatus.BLOCKED, closed_on=TODAY, closing_reason="deletion_demanded"
    )
    instance.logs.save(
        jonas, [blocked, overview], expected_revision=blocked_log.revision, actor_id="s-3e9d6b21"
    )
    assert instance.deletions.get(nora) is None and instance.deletions.get(jonas) is None
    report = check_instance(instance, progress=lambda _line: None)
    assert report.ok, report.problems
    assert not instance.keys.has_log_keys(nora) and report.shredded == 1
    assert instance.deletions.get(nora).outcome == "shredded"  # type: ignore[union-attr]
    assert instance.deletions.get(jonas).outcome == "blocked"  # type: ignore[union-attr]
    assert instance.keys.has_log_keys(jonas)
    again = check_instance(instance, progress=lambda _line: None)
    assert again.ok and again.recovered == 0 and again.shredded == 1


def test_the_unit_leader_withdraws_an_offer_left_behind_and_acts_only_in_her_units(
    fresh_app: Flask,
) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    ids = demo_log_ids(app)
    jonas, nora = ids["Jonas"], ids["Nora"]
    # Ingrid (the holder) offered the baton to Per, then left; nobody answered.
    log = snapshot(app, jonas)
    per = next(p for p in log.of_kind_active_participants() if p.user_id == "s-9b3e5d10")
    offer = BatonHandover(
        id=new_document_id(),
        from_holder=log.overview.holder,
        to_holder=per.id,
        state="offered",
        offered_by="s-2d7a8c44",
        offered_on=TODAY - timedelta(days=30),
    )
    instance.logs.save(jonas, [offer], expected_revision=log.revision, actor_id="s-2d7a8c44")
    kjersti = logged_in(app, "staff:kjersti")
    page = kjersti.get("/ansatt/koordinator").data.decode()
    assert f"/ansatt/stafett/{jonas}/{offer.id}/trekk" in page
    token = csrf_token(kjersti, "/ansatt/koordinator")
    # Nora's log is in the kindergarten, not Kjersti's unit: a missing page.
    nora_log = snapshot(app, nora)
    other = nora_log.of_kind_active_participants()[0]  # a real participant id
    sent = kjersti.post(
        f"/ansatt/stafett/{nora}",
        data={"csrf_token": token, "revision": nora_log.revision, "to_participant": other.id},
    )
    assert sent.status_code == 404
    nora_offer = BatonHandover(
        id=new_document_id(),
        from_holder=nora_log.overview.holder,
        to_holder=other.id if other.id != nora_log.overview.holder else new_document_id(),
        state="offered",
        offered_by=nora_log.overview.holder,
        offered_on=TODAY - timedelta(days=30),
    )
    instance.logs.save(nora, [nora_offer], expected_revision=nora_log.revision, actor_id="s-x")
    sent = kjersti.post(
        f"/ansatt/stafett/{nora}/{nora_offer.id}/trekk",
        data={"csrf_token": token, "revision": head(app, nora)},
    )
    assert sent.status_code == 404  # not her unit's log
    withdrawn = kjersti.post(
        f"/ansatt/stafett/{jonas}/{offer.id}/trekk",
        data={"csrf_token": token, "revision": head(app, jonas)},
        follow_redirects=True,
    )
    assert "Tilbudet er trukket tilbake" in withdrawn.data.decode()
    handovers = {h.id: h for h in snapshot(app, jonas).of_kind(BatonHandover)}
    assert handovers[offer.id].state == "withdrawn"
    assert not any(h.pending for h in handovers.values())


def test_a_register_row_without_a_decision_in_the_log_shreds_nothing(fresh_app: Flask) -> None:
    instance = fresh_app.extensions["stafettlogg"]
    nora = demo_log_ids(fresh_app)["Nora"]
    overview = snapshot(fresh_app, nora).overview
    instance.deletions.record(_shredded(nora, overview))
    report = check_instance(instance, progress=lambda _line: None)
    assert instance.keys.has_log_keys(nora)  # the log is kept
    assert any("holds no such decision" in p for p in report.problems)
