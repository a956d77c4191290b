"""Whole page bodies, cached per log revision, viewer, language and address.

A log page is a pure function of the log's revision, who looks (their opaque
id and roles, which fix their access scope and which texts they may delete),
the language, the address and the day (deadlines "passed" change at midnight);
the key also holds the access scope decided on this request, and a minute, so
a name changed in the directory shows within a minute.
The access decision and the access-log entry still happen on every request,
before the cache is asked; only the template rendering is skipped. The few
per-request values (the CSRF token, the CSP nonce) are drawn as placeholders
and filled in on the way out; a page with a one-time message is never cached.
The cache lives in the worker's memory only: nothing decrypted reaches disk.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Flask, g, render_template, request, session
from flask_wtf.csrf import generate_csrf

from app.gateway import LogPage
from app.logs.cache import LruCache
from app.web.i18n import select_locale
from app.web.users import current_user

# Random per process: text a user writes into the log can never contain them, so
# the swap on the way out can never put a token or nonce into someone's text.
_CSRF = f"csrf-{secrets.token_hex(16)}"
_NONCE = f"nonce-{secrets.token_hex(16)}"
pages: LruCache[tuple[object, ...], str] = LruCache(512)


def render_log_page(page: LogPage, template: str, **context: Any) -> str:
    """Render a read-only log page, from the cache when nothing it shows has changed."""
    user = current_user()
    if user is None or session.get("_flashes"):
        return render_template(template, page=page, **context)
    key = (
        template,
        page.log_id,
        page.revision,
        user.principal,
        tuple(sorted(user.staff_roles)),
        select_locale(),
        request.full_path,
        page.today,
        page.readable,  # the access scope as decided on this request
        page.writable,
        page.manageable,
        page.let_in,
        page.unread,  # read marks live outside the log
        int(time.time() // 60),  # names come from the directory: refreshed every minute
    )
    body = pages.get(key)
    if body is None:
        g.drawing_for_cache = True
        try:
            body = render_template(template, page=page, **context)
        finally:
            g.drawing_for_cache = False
        pages.put(key, body)
    return body.replace(_CSRF, _csrf_token()).replace(_NONCE, g.get("csp_nonce", ""))


_signed: LruCache[str, str] = LruCache(4096)


def _csrf_token() -> str:
    """The session's signed CSRF token, signed once per session and worker, not per view.

    The signature carries no expiry that matters here (WTF_CSRF_TIME_LIMIT is off: the
    token lives as long as the session), so re-signing on every view gains nothing.
    """
    raw = session.get("csrf_token")
    token = _signed.get(raw) if isinstance(raw, str) else None
    if token is None:
        token = str(generate_csrf())
        _signed.put(str(session["csrf_token"]), token)
    g.csrf_token = token
    return token


def init_app(app: Flask) -> None:
    """Let templates draw placeholders for per-request values while a page is cached."""
    csrf_token = app.jinja_env.globals["csrf_token"]
    nonce = app.jinja_env.globals["csp_nonce"]

    def _csrf_token() -> str:
        return _CSRF if g.get("drawing_for_cache") else str(csrf_token())  # type: ignore[operator]

    def _csp_nonce() -> str:
        return _NONCE if g.get("drawing_for_cache") else str(nonce())  # type: ignore[operator]

    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.jinja_env.globals["csp_nonce"] = _csp_nonce
    # Flask-WTF also hands templates ``csrf_token`` through a context processor, which wins
    # over globals: register ours after it, or a cached page keeps the first session's token.
    app.context_processor(lambda: {"csrf_token": _csrf_token})
