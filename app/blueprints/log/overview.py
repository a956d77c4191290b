"""The overview and the read-only sections: consents and the access log."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import Answer, open_page, viewer
from app.local_accounts import ActivationFailed
from app.web.downloads import attachment
from app.web.events import security_event
from app.web.page_cache import render_log_page
from app.web.users import current_service, login_required

USERNAME_PROBLEMS = {
    "username": _l("A username has 3–40 letters, digits, dots, hyphens or underscores."),
    "username_taken": _l("That username is taken. Choose another."),
    "account_exists": _l(
        "The child already has a login. Tick “Start the login again” to give a new code; "
        "the old password then stops working."
    ),
}


@bp.get("/")
@login_required()
def overview(log_id: str) -> str:
    """What happens next, what is overdue, who to contact."""
    page = open_page(log_id, Section.OVERVIEW)
    return render_log_page(page, "log/overview.html", nav="overview")


@bp.get("/samtykker")
@login_required()
def consents(log_id: str) -> str:
    """The consents the log rests on."""
    page = open_page(log_id, Section.CONSENTS)
    return render_log_page(page, "log/consents.html", nav="consents")


@bp.get("/tilgangslogg")
@login_required()
def access_log(log_id: str) -> str:
    """Hvem har sett loggen: every recorded access to this log."""
    entries = portal().access_entries(viewer(), log_id, service=current_service())
    page = open_page(log_id, Section.OVERVIEW, record=False)
    return render_template("log/access_log.html", page=page, entries=entries, nav="access_log")


@bp.get("/utskrift")
@login_required()
def printout(log_id: str) -> Response:
    """The closed log as one PDF/A: the holder's copy for the child's journal, the family's own."""
    pdf, closed_on = portal().printout(viewer(), log_id, service=current_service())
    return attachment(pdf, f"stafettlogg-avsluttet-{closed_on.isoformat()}.pdf", "application/pdf")


@bp.post("/barnekonto")
@login_required()
def enrol_child(log_id: str) -> Answer:
    """The holder gives the child a local login and sees the activation code once."""
    user = viewer()
    username = request.form.get("username", "")
    try:
        restart = request.form.get("restart") == "y"
        code = portal().enrol_child(
            user, log_id, username, service=current_service(), restart=restart
        )
    except ActivationFailed as failed:
        message = USERNAME_PROBLEMS.get(str(failed), USERNAME_PROBLEMS["username"])
        page = render_template(
            "errors/error.html", status=400, title=_("That could not be saved"), message=message
        )
        return page, 400
    security_event("child_enrolled", user=user.principal, log=log_id)
    return render_template("staff/child_account.html", log_id=log_id, username=username, code=code)
