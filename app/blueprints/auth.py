"""Logging in and out. Demo login exists only in demo mode (its blueprint is
registered by the factory only then, and demo mode is refused in production)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.access import StaffRole, User, UserKind
from app.blueprints.context import instance
from app.web.users import current_user, log_in, log_out, public

bp = Blueprint("auth", __name__)
demo_bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.get("/logg-inn")
@public
def login() -> str:
    """The ways to log in."""
    return render_template("auth/login.html", user=current_user())


@bp.post("/logg-ut")
@public
def logout() -> Response:
    """End the session."""
    log_out()
    return redirect(url_for("public.start"))


def _home_for(user: User) -> str:
    return url_for("staff.my_logs") if user.kind == UserKind.STAFF else url_for("family.my_logs")


@demo_bp.get("/logg-inn")
@public
def demo_login() -> str:
    """Demo users to log in as with one click (demo mode only)."""
    from app.demo import demo_citizens

    staff = sorted(instance().directory.snapshot().staff.values(), key=lambda m: m.name)
    citizens = demo_citizens(datetime.now(UTC).date())
    return render_template("auth/demo.html", citizens=citizens, staff=staff)


@demo_bp.post("/logg-inn")
@public
def demo_login_as() -> Response:
    """Log in as one demo user."""
    from app.demo import demo_citizens

    kind, _, key = request.form.get("who", "").partition(":")
    if kind == "citizen":
        person = demo_citizens(datetime.now(UTC).date()).get(key)
        if person is None:
            abort(400)
        user = User(instance().index.person_principal(person.fnr), UserKind.CITIZEN)
        log_in(user, method="demo")
    elif kind == "staff":
        member = instance().directory.snapshot().staff.get(key)
        if member is None or not member.active:
            abort(400)
        user = User(member.user_id, UserKind.STAFF, frozenset(StaffRole(r) for r in member.roles))
        log_in(user, method="demo", service=member.service.value)
    else:
        abort(400)
    return redirect(_home_for(user))
