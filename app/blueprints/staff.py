"""Pages for staff: the logs they hold or take part in."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.access import UserKind
from app.blueprints.context import portal
from app.local_accounts import ActivationFailed
from app.web.events import security_event
from app.web.users import current_service, current_user, login_required

USERNAME_PROBLEMS = {
    "username": _l("A username has 3–40 letters, digits, dots, hyphens or underscores."),
    "username_taken": _l("That username is taken. Choose another."),
}

bp = Blueprint("staff", __name__, url_prefix="/ansatt")


@bp.get("/")
@login_required(UserKind.STAFF)
def my_logs() -> str:
    """Logs I hold or take part in, where a consent currently lets me in."""
    user = current_user()
    assert user is not None
    return render_template("staff/my_logs.html", logs=portal().my_logs(user))


@bp.get("/logg/<log_id>")
@login_required(UserKind.STAFF)
def log(log_id: str) -> str:
    """One log, as much of it as my service's consent covers."""
    user = current_user()
    assert user is not None
    page = portal().open_log(user, log_id, service=current_service())
    return render_template("shared/log.html", page=page, area="staff")


@bp.post("/logg/<log_id>/barnekonto")
@login_required(UserKind.STAFF)
def enrol_child(log_id: str) -> str:
    """The holder gives the child a local login and sees the activation code once."""
    user = current_user()
    assert user is not None
    username = request.form.get("username", "")
    try:
        code = portal().enrol_child(user, log_id, username)
    except ActivationFailed as failed:
        message = USERNAME_PROBLEMS.get(str(failed), USERNAME_PROBLEMS["username"])
        page = render_template(
            "errors/error.html", status=400, title=_("That could not be saved"), message=message
        )
        return page, 400  # type: ignore[return-value]
    security_event("child_enrolled", user=user.principal, log=log_id)
    return render_template("staff/child_account.html", log_id=log_id, username=username, code=code)
