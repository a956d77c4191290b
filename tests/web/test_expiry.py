"""Consent runs out at midnight in Norway, and the next request knows it (issue 8, part 4).

The gateway's clock is moved to the last second of the consent's last day and
to the first second after it; the same participant's request is let in, then
refused, with nothing cached in between.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Flask

from app.documents.fields import Service
from app.documents.people import Consent
from app.lifecycle.clock import OSLO
from tests.web.conftest import demo_log_ids, logged_in
from tests.web.test_log_work import snapshot


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
