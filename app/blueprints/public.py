"""Pages for everyone: start page, family information, language, assets."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, send_from_directory
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
    if not SITE.is_dir():
        abort(404)
    return send_from_directory(SITE, page)


@bp.get("/assets/ds/<name>")
@public
def designsystem(name: str) -> Response:
    """Designsystemet's CSS, installed from npm by the setup command."""
    path = _ASSETS.get(name)
    if path is None or not path.exists():
        abort(404)
    return send_from_directory(
        Path(path).parent, Path(path).name, mimetype="text/css", max_age=3600
    )


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
