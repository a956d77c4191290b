"""Security headers on every response, with a fresh CSP nonce per request (WEB-02)."""

from __future__ import annotations

import secrets

from flask import Flask, Response, abort, g, request

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Endpoints that serve only the project's own files, which browsers may cache.
_PUBLIC_ASSETS = frozenset({"static", "public.designsystem", "public.info"})


def init_app(app: Flask, *, production: bool, form_targets: tuple[str, ...] = ()) -> None:
    """Add the nonce to ``g`` before each request and the headers after it."""

    @app.before_request
    def _make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.before_request
    def _same_origin_only() -> None:
        # Browsers send no Referer (Referrer-Policy: no-referrer) and then send
        # "Origin: null" on POSTs, so Sec-Fetch-Site is the signal; a real Origin
        # is compared when a browser sends no Sec-Fetch-Site. The CSRF token is
        # required in every case.
        if request.method not in _UNSAFE:
            return
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None:
            if site not in ("same-origin", "none"):
                abort(403)
            return
        origin = request.headers.get("Origin")
        if origin not in (None, "null") and origin != request.host_url.rstrip("/"):
            abort(403)

    @app.after_request
    def _add_headers(response: Response) -> Response:
        nonce = g.get("csp_nonce", "")
        form_action = " ".join(("'self'", *form_targets))
        # Only the front-channel logout answer may be framed, and only by ID-porten.
        framer = response.headers.pop("X-Frame-Ancestors", None)
        # A file the user downloads keeps its own, stricter policy (a sandbox).
        if not response.headers.get("Content-Security-Policy", "").startswith("sandbox"):
            response.headers["Content-Security-Policy"] = (
                f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
                "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                f"base-uri 'none'; frame-ancestors {framer or chr(39) + 'none' + chr(39)}; "
                f"form-action {form_action}"
            )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if framer is None:
            response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint not in _PUBLIC_ASSETS:  # everything else may hold personal data
            response.headers["Cache-Control"] = "no-store"
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response

    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")
