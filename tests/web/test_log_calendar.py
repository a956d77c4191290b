"""The calendar: events by month, one event as .ics, and private feeds with no sensitive text."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from app.documents.meetings import Meeting
from app.documents.people import Consent
from app.documents.work import Activity, Goal
from tests.web.conftest import demo_log_ids, login, now
from tests.web.test_log_work import form_values, head, snapshot

FEED = re.compile(r'id="feed-url" value="http://localhost(/kalender/[^"]+\.ics)"')


def _make_feed(client: FlaskClient, page: str, action: str) -> str:
    token = form_values(client, page)["csrf_token"]
    assert client.post(action, data={"csrf_token": token}).status_code == 302
    shown = FEED.search(client.get(page).data.decode())
    assert shown, "the new link is shown right after it was made"
    assert FEED.search(client.get(page).data.decode()) is None  # and only then
    return shown.group(1)


def _events(body: bytes) -> list:  # type: ignore[type-arg]
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


def test_the_calendar_page_and_one_event_as_ics(app: Flask) -> None:
    nora = demo_log_ids(app)["Nora"]
    kari = app.test_client()
    login(kari, "citizen:kari")
    page = kari.get(f"/logg/{nora}/kalender").data.decode()
    assert "Lekegruppe tre ganger i uka" in page and "Oppstartsmøte" in page
    link = re.search(rf'href="(/logg/{nora}/kalender/[^"]+\.ics)"', page)
    assert link
    download = kari.get(link.group(1))
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    assert download.headers["Content-Disposition"] == 'attachment; filename="stafettlogg.ics"'
    assert len(_events(download.data)) == 1
    assert kari.get(f"/logg/{nora}/kalender/aaaaaaaaaaaaaaaa-meeting.ics").status_code == 404


def test_a_private_feed_holds_times_and_places_only(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    kari = fresh_app.test_client()
    login(kari, "citizen:kari")
    path = _make_feed(kari, f"/logg/{nora}/kalender", f"/logg/{nora}/kalender/abonnement")
    phone = fresh_app.test_client()  # no session, no cookie: only the link
    answer = phone.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    events = _events(answer.data)
    assert len(events) >= 3
    assert {str(e["SUMMARY"]) for e in events} <= {"Møte – stafettlogg", "Frist – stafettlogg"}
    snap = snapshot(fresh_app, nora)
    secrets = [snap.overview.subject.given_name, snap.overview.subject.family_name]
    secrets += [g.title for g in snap.of_kind(Goal)] + [a.title for a in snap.of_kind(Activity)]
    for meeting in snap.of_kind(Meeting):
        secrets += [meeting.title, *meeting.agenda]
    text = answer.data.decode()
    assert [s for s in secrets if s in text] == []
    assert "Solsikken barnehage" in text  # the meeting's place is there, by design
    entries = fresh_app.extensions["stafettlogg"].access_log.entries(nora)
    assert (entries[-1].section, entries[-1].role) == ("meetings", "guardian")


def test_renewing_or_stopping_a_feed_kills_the_old_link(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    kari = fresh_app.test_client()
    login(kari, "citizen:kari")
    page, renew = f"/logg/{nora}/kalender", f"/logg/{nora}/kalender/abonnement"
    first = _make_feed(kari, page, renew)
    second = _make_feed(kari, page, renew)
    phone = fresh_app.test_client()
    assert phone.get(first).status_code == 404 and phone.get(second).status_code == 200
    token = form_values(kari, page)["csrf_token"]
    kari.post(f"/logg/{nora}/kalender/abonnement/stopp", data={"csrf_token": token})
    assert phone.get(second).status_code == 404
    assert phone.get("/kalender/" + "x" * 43 + ".ics").status_code == 404


def test_a_feed_follows_consent(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    path = _make_feed(hilde, "/kalender/", "/kalender/abonnement")  # all my logs
    phone = fresh_app.test_client()
    shown = [str(event["UID"]).split("-", 1)[0] for event in _events(phone.get(path).data)]
    assert len({ref.id for ref in snapshot(fresh_app, nora).documents} & set(shown)) >= 3
    instance = fresh_app.extensions["stafettlogg"]
    kari = snapshot(fresh_app, nora).of_kind(Consent)[0]
    withdrawn = kari.revised(withdrawn_at=now())
    instance.logs.save(nora, [withdrawn], expected_revision=head(fresh_app, nora), actor_id="s-x")
    # A guardian withdrew: nothing at all of Nora's log (Hilde's closed log keeps its meeting).
    nora_ids = {ref.id for ref in snapshot(fresh_app, nora).documents}
    left = [str(event["UID"]).split("-", 1)[0] for event in _events(phone.get(path).data)]
    assert not nora_ids & set(left)


def test_unrelated_users_get_no_calendar(app: Flask) -> None:
    nora = demo_log_ids(app)["Nora"]
    per = app.test_client()
    login(per, "citizen:per")
    assert per.get(f"/logg/{nora}/kalender").status_code == 404
    token = form_values(per, "/kalender/")["csrf_token"]
    answer = per.post(f"/logg/{nora}/kalender/abonnement", data={"csrf_token": token})
    assert answer.status_code == 404
