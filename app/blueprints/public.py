"""Pages for everyone: start page, family information, language, assets."""

from __future__ import annotations

import hashlib
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from app.config import PROJECT_ROOT
from app.web.i18n import LANGUAGES
from app.web.users import current_user, public

bp = Blueprint("public", __name__)

SITE = PROJECT_ROOT / "build" / "site"
_ASSETS = {
    "theme.css": PROJECT_ROOT
    / "node_modules/@digdir/designsystemet-theme/src/themes/designsystemet.css",
    "components.css": PROJECT_ROOT / "node_modules/@digdir/designsystemet-css/dist/src/index.css",
}


@bp.get("/")
@public
def start() -> str:
    """What this is, where to read more, and how to log in."""
    return render_template("public/start.html", user=current_user())


@bp.get("/healthz")
@public
def health() -> tuple[str, int, dict[str, str]]:
    """Liveness for load balancers and monitoring: no data, no session."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/info/")
@bp.get("/info/<path:page>")
@public
def info(page: str = "index.html") -> Response:
    """The family information pages, built by MkDocs into build/site."""
    found = safe_join(str(SITE), page) if SITE.is_dir() else None
    if found is None or not _is_file(found):
        abort(404)
    mimetype = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return asset_response(Path(found), mimetype)


@bp.get("/assets/ds/<name>")
@public
def designsystem(name: str) -> Response:
    """Designsystemet's CSS, installed from npm by the setup command."""
    path = _ASSETS.get(name)
    if path is None or not path.exists():
        abort(404)
    return asset_response(path, "text/css")


_STATIC = Path(__file__).resolve().parents[1] / "static"
_STATIC_TYPES = {".css": "text/css", ".js": "text/javascript"}


def static_file(filename: str) -> Response:
    """The app's own stylesheet and script (replaces Flask's static view)."""
    found = safe_join(str(_STATIC), filename)
    suffix = Path(found).suffix if found else ""
    if found is None or suffix not in _STATIC_TYPES or not _is_file(found):
        abort(404)
    return asset_response(Path(found), _STATIC_TYPES[suffix])


def _is_file(path: str) -> bool:
    """A regular file; False for names the system refuses (NUL, too long)."""
    try:
        return os.path.isfile(path)
    except (ValueError, OSError):
        return False


static_file.access_policy = "public"  # type: ignore[attr-defined]


@lru_cache(maxsize=512)
def _asset_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


def asset_response(path: Path, mimetype: str) -> Response:
    """A small asset served from memory, with an ETag and a cache lifetime.

    Served from memory rather than an open file: a browser that cancels a
    stylesheet while it navigates must not leave a file handle behind.
    """
    data = _asset_bytes(path, path.stat().st_mtime_ns)
    response = Response(data, mimetype=mimetype)
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.cache_control.max_age = 3600
    response.cache_control.public = True
    return response.make_conditional(request)


@bp.post("/sprak")
@public
def choose_language() -> Response:
    """Remember the chosen language (a POST: GET never changes anything)."""
    from flask import session

    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        abort(400)
    session["lang"] = lang
    back = request.form.get("next", "/")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/")
