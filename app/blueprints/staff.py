"""Pages for staff that are theirs alone: the logs they hold or take part in."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.access import UserKind
from app.blueprints.context import portal
from app.web.users import current_user, login_required

bp = Blueprint("staff", __name__, url_prefix="/ansatt")


@bp.get("/")
@login_required(UserKind.STAFF)
def my_logs() -> str:
    """Logs I hold or take part in, where a consent currently lets me in."""
    user = current_user()
    assert user is not None
    return render_template("staff/my_logs.html", logs=portal().my_logs(user))
