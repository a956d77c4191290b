"""The log's calendar: events by month, one event as .ics, and the private feed."""

from __future__ import annotations

from flask import Response, redirect, render_template, session, url_for

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import open_page, viewer
from app.calendars import events_of, to_ics
from app.gateway import LogPage, NoAccess
from app.web.users import login_required

_NEW_FEED = "new_feed_token"


def _events(page: LogPage) -> list:  # type: ignore[type-arg]
    return events_of(
        page.log_id,
        page.snapshot.documents.values(),
        "meetings" in page.readable,
        "work" in page.readable,
    )


@bp.get("/kalender")
@login_required()
def calendar(log_id: str) -> str:
    """Meetings, deadlines and evaluation dates by month, and the private feed."""
    page = open_page(log_id, Section.MEETINGS)
    token = session.pop(_NEW_FEED, None)  # shown once, right after it was made
    feed_url = url_for("feeds.feed", token=token, _external=True) if token else None
    return render_template(
        "log/calendar.html",
        page=page,
        nav="calendar",
        events=_events(page),
        feed_url=feed_url,
        has_feed=portal().has_feed(viewer(), log_id),
    )


@bp.get("/kalender/<uid>.ics")
@login_required()
def event_ics(log_id: str, uid: str) -> Response:
    """One event to put in a calendar by hand; the file name says nothing about the child."""
    page = open_page(log_id, Section.MEETINGS)
    found = [event for event in _events(page) if event.uid == uid]
    if not found:
        raise NoAccess(log_id)
    response = Response(to_ics(found), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="stafettlogg.ics"'
    return response


@bp.post("/kalender/abonnement")
@login_required()
def renew_feed(log_id: str) -> Response:
    """Make (or renew) the private feed of this log; the old link stops working."""
    session[_NEW_FEED] = portal().renew_feed(viewer(), log_id)
    return redirect(url_for("log.calendar", log_id=log_id) + "#feed")  # type: ignore[return-value]


@bp.post("/kalender/abonnement/stopp")
@login_required()
def revoke_feed(log_id: str) -> Response:
    """Stop the private feed of this log (also once the log can no longer be seen)."""
    portal().revoke_feed(viewer(), log_id)
    return redirect(url_for("log.calendar", log_id=log_id) + "#feed")  # type: ignore[return-value]
