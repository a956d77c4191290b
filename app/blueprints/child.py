"""Children under 16 with their own login: activate the account, then log in (AUTH-07)."""

from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.access import User, UserKind
from app.blueprints.context import instance
from app.local_accounts import ActivationFailed, LoginFailed, PasswordRejected
from app.web.events import security_event
from app.web.users import log_in, public

bp = Blueprint("child", __name__, url_prefix="/barn")

PASSWORD_PROBLEMS = {
    "too_short": _l("The password must be at least 8 characters."),
    "too_long": _l("The password can be at most 128 characters."),
    "same_as_username": _l("The password cannot be the same as the username."),
    "guessable": _l("That password is too easy to guess. A few words in a row work well."),
}


@bp.get("/logg-inn")
@public
def login() -> str:
    """Username, password and the code from the authenticator app."""
    return render_template("child/login.html")


@bp.post("/logg-inn")
@public
def login_submit() -> Response | tuple[str, int]:
    """Check all three factors; one message for every failure."""
    try:
        principal = instance().local_accounts.authenticate(
            request.form.get("username", ""),
            request.form.get("password", ""),
            request.form.get("code", ""),
            request.remote_addr or "unknown",
        )
    except LoginFailed:
        security_event("login_refused", method="local")
        error = _(
            "The username, password or code is wrong, or the account is locked for a "
            "while. Try again, or ask your contact person for help."
        )
        return render_template("child/login.html", error=error), 401
    log_in(User(principal, UserKind.CITIZEN), method="local")
    return redirect(url_for("family.my_logs"))


@bp.get("/aktiver")
@public
def activate() -> str:
    """Start: the activation code from the contact person, and a new password."""
    return render_template("child/activate.html")


@bp.post("/aktiver")
@public
def activate_submit() -> str | tuple[str, int]:
    """Set the password; then show the authenticator-app setup once."""
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    if password != request.form.get("password_again", ""):
        return render_template(
            "child/activate.html", error=_("The passwords are not the same.")
        ), 400
    try:
        seed = instance().local_accounts.activate(username, request.form.get("code", ""), password)
    except PasswordRejected as rejected:
        return render_template("child/activate.html", error=PASSWORD_PROBLEMS[rejected.reason]), 400
    except ActivationFailed:
        error = _("The username or activation code is wrong, or the code has expired.")
        return render_template("child/activate.html", error=error), 400
    session["activating"] = username
    uri = f"otpauth://totp/Stafettlogg:{username}?secret={seed}&issuer=Stafettlogg"
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000000", light="#ffffff")
    return render_template("child/confirm.html", qr=qr, seed=seed)


@bp.post("/bekreft")
@public
def confirm() -> Response | tuple[str, int]:
    """The first code from the app proves it is set up; the account is then active."""
    username = session.get("activating", "")
    try:
        instance().local_accounts.confirm(username, request.form.get("code", ""))
    except ActivationFailed:
        error = _(
            "The code did not match. Check that the time on your phone is right and try again."
        )
        return render_template("child/confirm.html", error=error), 400
    session.pop("activating", None)
    flash(
        _("Your account is ready. Log in with your username, password and a new code."), "success"
    )
    return redirect(url_for("child.login"))
