"""Pages for staff that are theirs alone: the logs they hold or take part in, and for
the unit leader and the coordinator the guardians waiting for a second person."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.access import User, UserKind
from app.blueprints.context import portal
from app.gateway.guardians import ConfirmationRefused
from app.logs.errors import EditConflict, RuleViolation
from app.web.users import current_user, login_required

REFUSALS = {
    "registered_it": _l("You registered this guardian yourself; someone else must confirm it."),
    "is_the_guardian": _l("You cannot confirm yourself as a guardian."),
    "unknown_identity": _l(
        "The staff directory has no fødselsnummer for you, so you cannot confirm guardians. "
        "Ask the directory's administrator."
    ),
    "registered_themself": _l(
        "The person who registered this guardian has the same fødselsnummer as the guardian. "
        "Turn it down and contact the holder."
    ),
}

bp = Blueprint("staff", __name__, url_prefix="/ansatt")


@bp.get("/")
@login_required(UserKind.STAFF)
def my_logs() -> str:
    """Logs I hold or take part in, where a consent currently lets me in."""
    user = current_user()
    assert user is not None
    return render_template("staff/my_logs.html", logs=portal().my_logs(user))


def _staff() -> User:
    user = current_user()
    assert user is not None
    return user


@bp.get("/foresatte")
@login_required(UserKind.STAFF)
def guardians_to_confirm() -> str:
    """Registered guardians waiting for the unit leader's or the coordinator's confirmation."""
    waiting = portal().guardians_to_confirm(_staff())
    directory = portal().instance.directory.snapshot()
    names = {g.registered_by: directory.staff.get(g.registered_by) for g in waiting}
    return render_template(
        "staff/guardians.html",
        waiting=waiting,
        registrars={k: (v.name if v else k) for k, v in names.items()},
    )


@bp.post("/foresatte/<log_id>/<guardian_id>")
@login_required(UserKind.STAFF)
def answer_guardian(log_id: str, guardian_id: str) -> Response:
    """Confirm a registered guardian, or turn the registration down."""
    answer = request.form.get("answer", "")
    try:
        portal().confirm_guardian(
            _staff(),
            log_id,
            guardian_id,
            seen_revision=request.form.get("revision", ""),
            answer=answer,
        )
    except ValueError:  # neither confirm nor decline: a forged or broken form
        abort(400)
    except ConfirmationRefused as refused:
        flash(str(REFUSALS[refused.code]), "danger")
    except (EditConflict, RuleViolation):
        flash(_("The registration changed while you looked at it. Check it again."), "warning")
    else:
        done = _("The guardian is confirmed.") if answer == "confirm" else _("It is turned down.")
        flash(done, "success")
    return redirect(url_for("staff.guardians_to_confirm"))
