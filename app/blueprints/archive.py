"""The archivist's pages: the municipality's ended logs, and their export for the archive.

Only a member of staff with the directory's archivist role gets here; for
anyone else every page is missing. An export is a POST (it is written to the
log's access log), answered with the file as a download under a neutral name.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from werkzeug.wrappers import Response

from app.access import UserKind
from app.archive.noark5.package import PackageInvalid
from app.archive.workspace import private_target
from app.blueprints.context import portal
from app.blueprints.staff import TEMPLATES
from app.web.downloads import attachment
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


@bp.post("/<log_id>/uttrekk")
@login_required(UserKind.STAFF)
def export_package(log_id: str) -> Response:
    """The Noark 5 arkivuttrekk with PDF/A documents and the full history, as one .tar.

    Built, validated and checked in a private temporary folder; only a valid
    package is offered. Streamed like the bundle: nothing of it stays on disk.
    """
    user = current_user()
    assert user is not None
    with private_target(portal().instance.settings, "uttrekk.tar") as target:
        try:
            portal().export_package(user, log_id, target, current_service())
        except PackageInvalid as exc:
            current_app.logger.error("archive package failed its checks: %s", exc.problems[:5])
            abort(500)
        handle = target.open("rb")
    return attachment(handle, f"logg-{log_id}-arkivuttrekk.tar", "application/x-tar")


@bp.post("/<log_id>/historikk")
@login_required(UserKind.STAFF)
def export_history(log_id: str) -> Response:
    """The log's full history as a plain git bundle, readable without our keys.

    Written to a private temporary folder, opened, and the folder removed at
    once: the open file is streamed to the client and nothing of it stays on
    disk (nor in memory, however long the history).
    """
    user = current_user()
    assert user is not None
    with private_target(portal().instance.settings, "historikk.bundle") as target:
        portal().export_history(user, log_id, target, current_service())
        handle = target.open("rb")
    return attachment(handle, f"logg-{log_id}-historikk.bundle", "application/octet-stream")
