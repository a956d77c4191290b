"""The logged-in user, kept in the server-side session as ids only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, session, url_for

from app.access import StaffRole, User, UserKind
from app.web.events import security_event
from app.web.sessions import ServerSession

F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    """The user of this request, or None when not logged in."""
    if "user" not in g:
        data = session.get("user")
        g.user = None
        if isinstance(data, dict):
            g.user = User(
                data["principal"],
                UserKind(data["kind"]),
                frozenset(StaffRole(r) for r in data.get("roles", [])),
            )
    return g.user  # type: ignore[no-any-return]


def current_service() -> str:
    """The staff user's service (for the access log); empty for citizens."""
    return str(session.get("user", {}).get("service", ""))


def log_in(user: User, *, method: str, service: str = "", oidc_sid: str | None = None) -> None:
    """Start a fresh session for ``user`` (the token is rotated)."""
    assert isinstance(session, ServerSession)
    lang = session.get("lang")
    session.clear()
    session.regenerate()
    session["user"] = {
        "principal": user.principal,
        "kind": user.kind.value,
        "roles": sorted(r.value for r in user.staff_roles),
        "service": service,
        "method": method,
    }
    session["principal"] = user.principal
    if oidc_sid:
        session["oidc_sid"] = oidc_sid
    if lang:
        session["lang"] = lang
    g.pop("user", None)
    security_event("login", method=method, kind=user.kind.value, user=user.principal)


def log_out() -> None:
    """End the session on the server and in the browser."""
    assert isinstance(session, ServerSession)
    user = current_user()
    if user is not None:
        security_event("logout", user=user.principal)
    session.end()
    g.pop("user", None)


def login_required(kind: UserKind | None = None, role: StaffRole | None = None) -> Callable[[F], F]:
    """Views for logged-in users; wrong kind or role looks like a missing page (404)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.path))
            if (kind is not None and user.kind != kind) or (
                role is not None and role not in user.staff_roles
            ):
                security_event("denied", reason="role", user=user.principal)
                abort(404)
            return view(*args, **kwargs)

        wrapped.access_policy = (kind, role)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Mark a view as deliberately open to everyone (checked by the route inventory test)."""
    view.access_policy = "public"  # type: ignore[attr-defined]
    return view
