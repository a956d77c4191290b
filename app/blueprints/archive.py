"""The archivist's pages: the municipality's ended logs, and their export for the archive.

Only a member of staff with the directory's archivist role gets here; for
anyone else every page is missing. An export is a POST (it is written to the
log's access log), answered with the file as a download under a neutral name.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, render_template, send_file
from werkzeug.wrappers import Response

from app.access import UserKind
from app.blueprints.context import portal
from app.blueprints.staff import TEMPLATES
from app.web.users import current_service, current_user, login_required

bp = Blueprint("archive", __name__, url_prefix="/arkiv")


@bp.get("/")
@login_required(UserKind.STAFF)
def ended_logs() -> str:
    """Closed, archived and blocked logs, with what the archive needs to know of each."""
    user = current_user()
    assert user is not None
    logs = portal().ended_logs(user)
    units = {u.unit_id: u.name for u in portal().instance.directory.snapshot().units.values()}
    return render_template("archive/ended_logs.html", logs=logs, units=units, templates=TEMPLATES)


@bp.post("/<log_id>/historikk")
@login_required(UserKind.STAFF)
def export_history(log_id: str) -> Response:
    """The log's full history as a plain git bundle, readable without our keys."""
    user = current_user()
    assert user is not None
    with tempfile.TemporaryDirectory(prefix="stafettlogg-export-") as folder:
        target = Path(folder) / "historikk.bundle"
        portal().export_history(user, log_id, target, current_service())
        data = target.read_bytes()
    response = send_file(
        io.BytesIO(data),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=f"logg-{log_id}-historikk.bundle",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
