"""A signed paper consent recorded by the holder, with its scan (issue 8, part 3).

Real Git, real encryption, the real upload checks: the scan is attached in the
same commit as the consent, a file that is not a clean PDF/JPEG/PNG is refused
with the reason, and the paper counts like a digital answer.
"""

from __future__ import annotations

import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from app.documents.fields import LogStatus, Service
from app.documents.people import Consent, ConsentRequest, Guardian
from app.documents.records import Attachment
from tests.web.conftest import csrf_token, logged_in
from tests.web.test_lifecycle import EMMA, PER_HANSEN, TODAY, _new_log, _start
from tests.web.test_log_work import head, snapshot, submit


def _scan() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(out, "PNG")
    return out.getvalue()


def _pending_with_request(app: Flask) -> tuple[str, FlaskClient, ConsentRequest]:
    """A started log with two confirmed guardians and an open request for school and PPT."""
    per = logged_in(app, "staff:per")
    assert _start(per).status_code == 302
    log_id = _new_log(app)
    for name, fnr in (("Per Hansen", PER_HANSEN.fnr), ("Emma Johansen", EMMA.fnr)):
        assert (
            submit(per, f"/logg/{log_id}/foresatte/ny", {"name": name, "fnr": fnr}).status_code
            == 302
        )
    kjersti = logged_in(app, "staff:kjersti")
    for guardian in snapshot(app, log_id).of_kind(Guardian):
        kjersti.post(
            f"/ansatt/foresatte/{log_id}/{guardian.id}",
            data={
                "csrf_token": csrf_token(kjersti, "/ansatt/"),
                "revision": head(app, log_id),
                "answer": "confirm",
            },
        )
    asked = submit(
        per, f"/logg/{log_id}/samtykker/be-om", {"purpose": "create", "services": ["school", "ppt"]}
    )
    assert asked.status_code == 302, asked.data[-1500:]
    return log_id, per, snapshot(app, log_id).of_kind(ConsentRequest)[0]


def _paper(
    client: FlaskClient, path: str, giver: str, scan: bytes, name: str = "skann.png", **extra: str
):  # type: ignore[no-untyped-def]
    return submit(
        client,
        path,
        {
            "giver": giver,
            "service_school": "yes",
            "service_ppt": "no",
            "signed_on": TODAY.isoformat(),
            "scan": (io.BytesIO(scan), name),
            **extra,
        },
        content_type="multipart/form-data",
    )


def test_the_holder_records_both_guardians_paper_consent_with_the_scan(fresh_app: Flask) -> None:
    app = fresh_app
    log_id, per, request = _pending_with_request(app)
    path = f"/logg/{log_id}/samtykker/{request.id}/papir"
    consents_page = per.get(f"/logg/{log_id}/samtykker").data.decode()
    assert path in consents_page  # the holder is offered the paper form
    form = per.get(path).data.decode()
    assert 'enctype="multipart/form-data"' in form and "Per Hansen" in form
    guardians = {g.name: g for g in snapshot(app, log_id).of_kind(Guardian)}
    before = head(app, log_id)

    # Not a scan: refused with the reason, nothing saved.
    html = b"<!doctype html><script>alert(1)</script>"
    refused = _paper(per, path, guardians["Per Hansen"].id, html, "skann.pdf")
    assert refused.status_code == 400
    assert "Bare PDF, JPEG og PNG kan legges til" in refused.data.decode()
    # Signed tomorrow: refused.
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    future = _paper(per, path, guardians["Per Hansen"].id, _scan(), signed_on=tomorrow)
    assert (
        future.status_code == 400 and "Datoen for underskrift må være i dag" in future.data.decode()
    )
    # No file at all: refused.
    empty = _paper(per, path, guardians["Per Hansen"].id, b"")
    assert empty.status_code == 400
    assert head(app, log_id) == before

    # The father's paper: yes to school, no to PPT; still pending (the mother is asked too).
    first = _paper(per, path, guardians["Per Hansen"].id, _scan())
    assert first.status_code == 302, first.data[-2000:]
    log = snapshot(app, log_id)
    assert log.overview.status == LogStatus.PENDING
    (paper,) = log.of_kind(Consent)
    assert paper.method == "paper" and paper.services == [Service.SCHOOL]
    assert paper.refused == [Service.PPT] and paper.given_by_fnr == PER_HANSEN.fnr
    scan = log.documents[next(r for r in log.documents if r.id == paper.paper_scan)]
    assert isinstance(scan, Attachment) and scan.media_type == "image/png"
    # The scan is in the log, whole (the store seals it like every file).
    store = app.extensions["stafettlogg"].logs
    assert store.read_attachment(log_id, scan.id, head(app, log_id))[:8] == b"\x89PNG\r\n\x1a\n"
    # The holder downloads it from the consents page.
    page = per.get(f"/logg/{log_id}/samtykker").data.decode()
    download = f"/logg/{log_id}/dokumenter/{scan.id}/last-ned"
    assert download in page
    assert per.get(download).data[:8] == b"\x89PNG\r\n\x1a\n"

    # The mother's paper completes the request: the log is active for the school.
    second = _paper(per, path, guardians["Emma Johansen"].id, _scan())
    assert second.status_code == 302, second.data[-2000:]
    log = snapshot(app, log_id)
    assert log.overview.status == LogStatus.ACTIVE
    assert {c.method for c in log.of_kind(Consent)} == {"paper"}
    assert log.of_kind(ConsentRequest)[0].state == "answered"


def test_only_the_holder_records_paper_and_only_for_those_asked(fresh_app: Flask) -> None:
    app = fresh_app
    log_id, per, request = _pending_with_request(app)
    path = f"/logg/{log_id}/samtykker/{request.id}/papir"
    guardian = snapshot(app, log_id).of_kind(Guardian)[0]
    for who in ("staff:tor", "staff:kjersti", "citizen:per"):
        client = logged_in(app, who)
        assert client.get(path).status_code == 404
    father = logged_in(app, "citizen:per")
    sent = father.post(
        path,
        data={
            "csrf_token": csrf_token(father, f"/logg/{log_id}/samtykker"),
            "revision": head(app, log_id),
            "form_key": "",
            "giver": guardian.id,
            "service_school": "yes",
            "service_ppt": "yes",
            "signed_on": TODAY.isoformat(),
            "scan": (io.BytesIO(_scan()), "skann.png"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 404  # a guardian cannot record paper on anyone's behalf
    # A made-up signer is not one of the choices.
    assert _paper(per, path, "0" * 26, _scan()).status_code == 400
    # A period longer than the municipality's consent period is refused.
    long = (TODAY + timedelta(days=365 * 5)).isoformat()
    too_long = _paper(per, path, guardian.id, _scan(), valid_until=long)
    assert too_long.status_code == 400
    assert snapshot(app, log_id).of_kind(Consent) == []
