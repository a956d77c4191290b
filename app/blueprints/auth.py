"""Logging in and out. Demo login exists only in demo mode (its blueprint is
registered by the factory only then, and demo mode is refused in production)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.access import StaffRole, User, UserKind
from app.blueprints.context import instance
from app.web import idporten
from app.web.events import security_event
from app.web.i18n import select_locale
from app.web.users import current_user, log_in, log_out, public

bp = Blueprint("auth", __name__)
demo_bp = Blueprint("demo", __name__, url_prefix="/demo")


REFUSALS = {
    "acr": _l("You must log in at the highest security level, with BankID or similar."),
    "pid": _l("Your identity could not be used to log in here."),
    "state": _l("The login took too long or was started elsewhere. Please try again."),
    "token": _l("The answer from ID-porten could not be verified. Please try again."),
    "issuer": _l("The answer did not come from the expected ID-porten."),
    "unavailable": _l("ID-porten cannot be reached right now. Please try again later."),
}


@bp.get("/logg-inn")
@public
def login() -> str:
    """The ways to log in."""
    return render_template("auth/login.html", user=current_user(), idporten=idporten.enabled())


@bp.post("/logg-inn/idporten")
@public
def login_idporten() -> Response:
    """Send the browser to ID-porten (a POST, so it carries a CSRF token)."""
    if not idporten.enabled():
        abort(404)
    try:
        return idporten.start(url_for("auth.callback", _external=True), select_locale())
    except idporten.LoginRefused as refused:
        return _refused(refused.reason)


@bp.get("/auth/callback")
@public
def callback() -> Response:
    """Back from ID-porten: verify everything, then start a fresh session."""
    if not idporten.enabled():
        abort(404)
    try:
        verified = idporten.finish(instance().settings.allow_synthetic_pids)
    except idporten.LoginRefused as refused:
        return _refused(refused.reason)
    principal = instance().index.person_principal(verified.pid)
    member = instance().directory.snapshot().staff_for_login(principal)
    if member is not None:
        user = User(member.user_id, UserKind.STAFF, frozenset(StaffRole(r) for r in member.roles))
        log_in(user, method="idporten", service=member.service.value, oidc_sid=verified.sid)
    else:
        user = User(principal, UserKind.CITIZEN)
        log_in(user, method="idporten", oidc_sid=verified.sid)
    session["id_token_sealed"] = idporten.seal_for_session(verified.id_token, _session_key())
    return redirect(_home_for(user))


@bp.get("/auth/frontchannel-logout")
@public
def frontchannel_logout() -> Response:
    """ID-porten ends its session: end ours by (iss, sid), without relying on our cookie."""
    issuer = current_app.extensions.get("idporten_issuer")
    if issuer is None:
        abort(404)
    sid = request.args.get("sid", "")
    if request.args.get("iss") == issuer and 0 < len(sid) <= 200:
        current_app.session_interface.store.delete_for_oidc_sid(sid)  # type: ignore[attr-defined]
    response = Response("", 200, {"Content-Type": "text/plain; charset=utf-8"})
    response.headers["X-Frame-Ancestors"] = issuer  # read by the security headers
    return response


@bp.post("/auth/backchannel-logout")
@public
def backchannel_logout() -> Response:
    """ID-porten tells us, server to server, that its session ended (no CSRF token here)."""
    if not idporten.enabled():
        abort(404)
    store = current_app.session_interface.store  # type: ignore[attr-defined]
    try:
        sid = idporten.verify_logout_token(request.form.get("logout_token", ""), store.remember_jti)
    except idporten.LoginRefused as refused:
        security_event("backchannel_refused", reason=refused.reason)
        return Response("", 400, {"Cache-Control": "no-store"})
    ended = store.delete_for_oidc_sid(sid)
    security_event("backchannel_logout", sessions=ended)
    return Response("", 200, {"Cache-Control": "no-store"})


@bp.post("/logg-ut")
@public
def logout() -> Response:
    """End our session, then ID-porten's (RP-initiated logout) when logged in through it."""
    sealed = session.get("id_token_sealed")
    log_out()
    target = url_for("public.start")
    if sealed:
        id_token = idporten.unseal_from_session(sealed, _session_key())
        if id_token:
            target = (
                idporten.logout_redirect(id_token, url_for("public.start", _external=True))
                or target
            )
    response = redirect(target)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def _refused(reason: str) -> Response:
    security_event("login_refused", method="idporten", reason=reason)
    message = REFUSALS.get(reason, REFUSALS["token"])
    page = render_template("auth/refused.html", message=message)
    return Response(page, 403)


def _session_key() -> bytes:
    return instance().keys.secret("session-seal-key")


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
