"""Pages for guardians and the youth (citizens)."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.access import UserKind
from app.blueprints.context import portal
from app.web.users import current_user, login_required

bp = Blueprint("family", __name__, url_prefix="/familie")


@bp.get("/")
@login_required(UserKind.CITIZEN)
def my_logs() -> str:
    """The logs about my children, or about me."""
    user = current_user()
    assert user is not None
    return render_template("family/my_logs.html", logs=portal().my_logs(user))


@bp.get("/logg/<log_id>")
@login_required(UserKind.CITIZEN)
def log(log_id: str) -> str:
    """One log, as much of it as I may see."""
    user = current_user()
    assert user is not None
    page = portal().open_log(user, log_id)
    return render_template("shared/log.html", page=page, area="family")


@bp.get("/logg/<log_id>/tilgangslogg")
@login_required(UserKind.CITIZEN)
def access_log(log_id: str) -> str:
    """Hvem har sett loggen: every recorded read of this log."""
    user = current_user()
    assert user is not None
    entries = portal().access_entries(user, log_id)
    return render_template("family/access_log.html", log_id=log_id, entries=entries)
