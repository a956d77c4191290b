"""The life of a log over HTTP: start, guardians, consent per service, baton, level,
withdrawal, closing (issue 8). Real Git, real encryption, the real gateway."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from app.demo import STAFF
from app.demo.people import demo_citizens, synthetic_fnr
from app.documents.fields import LogStatus, Service
from app.documents.people import Consent, ConsentRequest, Guardian
from app.documents.records import BatonHandover, LevelChange, StatusChange
from tests.web.conftest import csrf_token, logged_in
from tests.web.test_log_work import head, snapshot, submit

CHILD_FNR = synthetic_fnr(date(2016, 3, 14), 555)
TODAY = date.today()
PER_HANSEN = demo_citizens(TODAY)["per"]  # a parent with no log yet
EMMA = demo_citizens(TODAY)["emma"]


def _start(client: FlaskClient, fnr: str = CHILD_FNR):  # type: ignore[no-untyped-def]
    return submit(
        client,
        "/ansatt/ny-logg",
        {
            "given_name": "Mia",
            "family_name": "Hansen",
            "fnr": fnr,
            "template": "school",
            "level": "1",
            "unit": "enhet-nordby-skole",
            "holder": STAFF["per"].user_id,
        },
    )


def _new_log(app: Flask) -> str:
    index = app.extensions["stafettlogg"].index
    found = index.logs_of_subject(CHILD_FNR)
    assert len(found) == 1
    return str(found[0])


def _post(client: FlaskClient, app: Flask, path: str, log_id: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/logg/{log_id}/samtykker")
    return client.post(
        path, data={"csrf_token": token, "revision": head(app, log_id), "form_key": "", **data}
    )


def test_a_log_from_start_through_consent_baton_level_withdrawal_to_closing(
    fresh_app: Flask,
) -> None:
    app = fresh_app
    per = logged_in(app, "staff:per")
    # 1. Per starts a log: pending, only he sees it; he lands on the consents page.
    started = _start(per)
    assert started.status_code == 302 and "/samtykker" in started.location
    log_id = _new_log(app)
    assert snapshot(app, log_id).overview.status == LogStatus.PENDING
    assert per.get(f"/logg/{log_id}/").status_code == 200
    assert logged_in(app, "staff:tor").get(f"/logg/{log_id}/").status_code == 404
    # A second start for the same child says whom to contact and nothing else.
    tor = logged_in(app, "staff:tor")
    again = _start(tor)
    page = again.data.decode()
    assert again.status_code == 400 and "Nordby skole" in page
    assert log_id not in page and STAFF["per"].name not in page  # no way in, no holder
    assert len(app.extensions["stafettlogg"].index.logs_of_subject(CHILD_FNR)) == 1
    # 2. Two guardians registered by the holder, confirmed by the unit leader.
    for name, fnr in (("Per Hansen", PER_HANSEN.fnr), ("Emma Johansen", EMMA.fnr)):
        answer = submit(per, f"/logg/{log_id}/foresatte/ny", {"name": name, "fnr": fnr})
        assert answer.status_code == 302, answer.data[-1500:]
    kjersti = logged_in(app, "staff:kjersti")
    for guardian in snapshot(app, log_id).of_kind(Guardian):
        confirmed = kjersti.post(
            f"/ansatt/foresatte/{log_id}/{guardian.id}",
            data={
                "csrf_token": csrf_token(kjersti, "/ansatt/"),
                "revision": head(app, log_id),
                "answer": "confirm",
            },
        )
        assert confirmed.status_code == 302
    assert all(g.is_confirmed for g in snapshot(app, log_id).of_kind(Guardian))
    # 3. Per asks for consent for the school and PPT.
    asked = submit(
        per,
        f"/logg/{log_id}/samtykker/be-om",
        {"purpose": "create", "services": ["school", "ppt"]},
    )
    assert asked.status_code == 302, asked.data[-1500:]
    request = snapshot(app, log_id).of_kind(ConsentRequest)[0]
    # 4. The first guardian says yes to the school, no to PPT: the log still waits.
    father = logged_in(app, "citizen:per")
    consents_page = father.get(f"/logg/{log_id}/samtykker").data.decode()
    assert "Svar på forespørselen" in consents_page
    answer_path = f"/logg/{log_id}/samtykker/{request.id}/svar"
    half = submit(father, answer_path, {"service_school": "yes"})
    assert half.status_code == 400  # every service is answered
    answered = submit(father, answer_path, {"service_school": "yes", "service_ppt": "no"})
    assert answered.status_code == 302, answered.data[-1500:]
    assert snapshot(app, log_id).overview.status == LogStatus.PENDING
    # 5. The second guardian says yes to both: the request is answered, the log is active.
    mother = logged_in(app, "citizen:emma")
    answered = submit(mother, answer_path, {"service_school": "yes", "service_ppt": "yes"})
    assert answered.status_code == 302, answered.data[-1500:]
    log = snapshot(app, log_id)
    assert log.overview.status == LogStatus.ACTIVE
    assert [s.step for s in log.of_kind(StatusChange)] == ["activate"]
    consents = log.of_kind(Consent)
    assert {c.method for c in consents} == {"digital"} and len(consents) == 2
    assert any(c.refused == [Service.PPT] for c in consents)
    # 6. Per invites Tor (school) and Ingrid (PPT): PPT was refused by one guardian.
    for who in ("tor", "ingrid"):
        invited = submit(
            per,
            f"/logg/{log_id}/deltakere/inviter",
            {"staff": STAFF[who].user_id, "intent": "save"},
        )
        assert invited.status_code == 302, invited.data[-1500:]
    assert tor.get(f"/logg/{log_id}/").status_code == 200
    assert logged_in(app, "staff:ingrid").get(f"/logg/{log_id}/").status_code == 404
    # 7. The baton is offered to Tor; Per holds it until Tor accepts.
    participants = snapshot(app, log_id).of_kind_active_participants()
    tor_participant = next(p for p in participants if p.user_id == STAFF["tor"].user_id)
    offered = submit(per, f"/logg/{log_id}/stafett", {"to_participant": tor_participant.id})
    assert offered.status_code == 302, offered.data[-1500:]
    handover = snapshot(app, log_id).of_kind(BatonHandover)[0]
    assert handover.pending and snapshot(app, log_id).overview.holder != tor_participant.id
    assert "Du får tilbud om stafettpinnen" in tor.get(f"/logg/{log_id}/").data.decode()
    assert per.get(f"/logg/{log_id}/niva").status_code == 200  # still the holder's
    accepted = _post(tor, app, f"/logg/{log_id}/stafett/{handover.id}", log_id, answer="accept")
    assert accepted.status_code == 302
    log = snapshot(app, log_id)
    assert log.overview.holder == tor_participant.id
    assert log.of_kind(BatonHandover)[0].state == "accepted"
    assert per.get(f"/logg/{log_id}/niva").status_code == 404
    # 8. Tor changes the level with a date and a reason; the overview shows the history.
    levelled = submit(
        tor,
        f"/logg/{log_id}/niva",
        {"level": "2", "changed_on": TODAY.isoformat(), "reason": "PPT er koblet inn."},
    )
    assert levelled.status_code == 302, levelled.data[-1500:]
    assert snapshot(app, log_id).overview.level == 2
    assert snapshot(app, log_id).of_kind(LevelChange)[0].body == "PPT er koblet inn."
    assert "PPT er koblet inn." in tor.get(f"/logg/{log_id}/").data.decode()
    # 9. The mother withdraws all her consent. A withdrawal keeps her services out until she
    # consents again, whatever the father said, and he refused PPT: nothing is left, so the
    # log becomes passive in the same step, and the participants are out at once.
    withdrawn = submit(mother, f"/logg/{log_id}/samtykker/trekk-alt", {})
    assert withdrawn.status_code == 302, withdrawn.data[-1500:]
    assert snapshot(app, log_id).overview.status == LogStatus.PASSIVE
    assert tor.get(f"/logg/{log_id}/").status_code == 404
    # Tor, the holder, is told on his list (no link, nothing of the content); Per is not.
    tors_list = tor.get("/ansatt/").data.decode()
    assert "loggen er passiv, og du har ikke lenger tilgang" in tors_list
    assert f"/logg/{log_id}/" not in tors_list
    assert "Mia Hansen" not in per.get("/ansatt/").data.decode()
    assert mother.get(f"/logg/{log_id}/").status_code == 200
    assert father.get(f"/logg/{log_id}/").status_code == 200
    # 10. A passive log is closed by a guardian, with a reason.
    closed = submit(father, f"/logg/{log_id}/avslutt", {"reason": "moved_away"})
    assert closed.status_code == 302, closed.data[-1500:]
    overview = snapshot(app, log_id).overview
    assert overview.status == LogStatus.CLOSED and overview.closing_reason == "moved_away"
    steps = sorted(snapshot(app, log_id).of_kind(StatusChange), key=lambda s: s.changed_at)
    assert [s.step for s in steps] == [
        "activate",
        "make_passive",
        "close",
    ]
    assert "flyttet" in father.get(f"/logg/{log_id}/").data.decode()
