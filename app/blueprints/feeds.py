"""Calendar feeds: the private feed a phone fetches by token, and the one for all logs."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, session, url_for

from app.blueprints.context import portal
from app.web.users import current_user, login_required, public

bp = Blueprint("feeds", __name__, url_prefix="/kalender")
_NEW_FEED = "new_all_logs_feed_token"


@bp.get("/<token>.ics")
@public
def feed(token: str) -> Response:
    """The feed itself: times and places only, decided afresh for the token's user."""
    response = Response(portal().feed(token), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="stafettlogg.ics"'
    return response


@bp.get("/")
@login_required()
def subscription() -> str:
    """The private feed for all my logs."""
    user = current_user()
    assert user is not None
    token = session.pop(_NEW_FEED, None)
    feed_url = url_for("feeds.feed", token=token, _external=True) if token else None
    return render_template(
        "feeds/subscription.html", feed_url=feed_url, has_feed=portal().has_feed(user, None)
    )


@bp.post("/abonnement")
@login_required()
def renew() -> Response:
    """Make (or renew) the feed for all my logs."""
    user = current_user()
    assert user is not None
    session[_NEW_FEED] = portal().renew_feed(user, None)
    return redirect(url_for("feeds.subscription"))  # type: ignore[return-value]


@bp.post("/abonnement/stopp")
@login_required()
def revoke() -> Response:
    """Stop the feed for all my logs."""
    user = current_user()
    assert user is not None
    portal().revoke_feed(user, None)
    return redirect(url_for("feeds.subscription"))  # type: ignore[return-value]
