"""Consent runs out at midnight in Norway, and the next request knows it (issue 8, part 4).

The gateway's clock is moved to the last second of the consent's last day and
to the first second after it; the same participant's request is let in, then
refused, with nothing cached in between.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from flask import Flask

from app.documents.fields import LogStatus, Service
from app.documents.people import Consent, ConsentRequest
from app.lifecycle.clock import OSLO
from tests.web.conftest import csrf_token, demo_log_ids, logged_in
from tests.web.test_log_work import head, snapshot, submit


def test_expiry_at_midnight_removes_the_service_on_the_next_request(fresh_app: Flask) -> None:
    app = fresh_app
    nora = demo_log_ids(app)["Nora"]
    last_day = max(
        c.valid_until
        for c in snapshot(app, nora).of_kind(Consent)
        if Service.KINDERGARTEN in c.services and c.withdrawn_at is None
    )
    portal = app.extensions["portal"]
    hilde = logged_in(app, "staff:hilde")
    kari = logged_in(app, "citizen:kari")
    real = portal.clock
    try:
        portal.clock = lambda: datetime.combine(last_day, time(23, 59, 59), tzinfo=OSLO)
        assert hilde.get(f"/logg/{nora}/").status_code == 200
        midnight = datetime.combine(last_day + timedelta(days=1), time(0, 0, 1), tzinfo=OSLO)
        portal.clock = lambda: midnight
        assert hilde.get(f"/logg/{nora}/").status_code == 404
        # The family still reads, and is told the consent has expired and may renew it.
        page = kari.get(f"/logg/{nora}/samtykker").data.decode()
        assert "Samtykket er utløpt" in page and "Forny samtykket mitt" in page
    finally:
        portal.clock = real


def test_the_holder_of_a_closed_log_whose_consent_ran_out_asks_to_reopen_it(
    fresh_app: Flask,
) -> None:
    app = fresh_app
    liam = demo_log_ids(app)["Liam"]
    last_day = max(c.valid_until for c in snapshot(app, liam).of_kind(Consent))
    portal = app.extensions["portal"]
    real = portal.clock
    later = datetime.combine(last_day + timedelta(days=3), time(12), tzinfo=OSLO)
    hilde, per = logged_in(app, "staff:hilde"), logged_in(app, "staff:per")
    try:
        portal.clock = lambda: later
        assert hilde.get(f"/logg/{liam}/").status_code == 404  # consent ran out
        mine = hilde.get("/ansatt/").data.decode()
        assert f"/ansatt/gjenapne/{liam}" in mine and f'href="/logg/{liam}/"' not in mine
        assert per.get(f"/ansatt/gjenapne/{liam}").status_code == 404  # not his log
        form = hilde.get(f"/ansatt/gjenapne/{liam}").data.decode()
        for content in ("Liam", "Johansen", "Liam kler på seg selv"):
            assert content not in form  # nothing of the log
        checked = re.findall(r"<input[^>]*checked[^>]*>", form)
        assert len(checked) == 1 and 'value="kindergarten"' in checked[0]  # her own service
        asked = submit(hilde, f"/ansatt/gjenapne/{liam}", {"services": ["kindergarten"]})
        assert asked.status_code == 302, asked.data[-1500:]
        (request,) = [r for r in snapshot(app, liam).of_kind(ConsentRequest) if r.state == "open"]
        assert request.purpose == "reopen" and request.services == [Service.KINDERGARTEN]
        assert hilde.get(f"/ansatt/gjenapne/{liam}").status_code == 404  # one request at a time
        assert "venter på svaret deres" in hilde.get("/ansatt/").data.decode()
        # Emma answers yes, and keeps the old content hidden: the log is active again.
        emma = logged_in(app, "citizen:emma")
        answered = submit(
            emma,
            f"/logg/{liam}/samtykker/{request.id}/svar",
            {"service_kindergarten": "yes", "show_old_content": "no"},
        )
        assert answered.status_code == 302, answered.data[-1500:]
        log = snapshot(app, liam)
        assert log.overview.status == LogStatus.ACTIVE and log.overview.hidden_before
        assert hilde.get(f"/logg/{liam}/").status_code == 200
        work = hilde.get(f"/logg/{liam}/mal").data.decode()
        assert "Liam kler på seg selv" not in work  # the old content stays hidden
    finally:
        portal.clock = real


def test_a_family_that_said_no_is_not_asked_to_reopen(fresh_app: Flask) -> None:
    app = fresh_app
    liam = demo_log_ids(app)["Liam"]
    hilde, emma = logged_in(app, "staff:hilde"), logged_in(app, "citizen:emma")
    # Before: the goal is on the work page (the control for the test above).
    assert "Liam kler på seg selv" in hilde.get(f"/logg/{liam}/mal").data.decode()
    assert submit(emma, f"/logg/{liam}/samtykker/trekk-alt", {}).status_code == 302
    last_day = max(c.valid_until for c in snapshot(app, liam).of_kind(Consent))
    portal = app.extensions["portal"]
    real = portal.clock
    try:
        portal.clock = lambda: datetime.combine(last_day + timedelta(days=3), time(12), tzinfo=OSLO)
        assert hilde.get(f"/ansatt/gjenapne/{liam}").status_code == 404
        assert liam not in hilde.get("/ansatt/").data.decode()
        forged = hilde.post(
            f"/ansatt/gjenapne/{liam}",
            data={
                "csrf_token": csrf_token(hilde, "/ansatt/"),
                "revision": head(app, liam),
                "services": "kindergarten",
            },
        )
        assert forged.status_code == 404
    finally:
        portal.clock = real
