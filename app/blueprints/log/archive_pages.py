"""The holder files approved minutes and consents to the archive while the log is open.

Seed 002: the holder archives after meetings. One button makes a small Noark 5
package (a .tar download) of what was approved since the last delivery; each
earlier delivery can be downloaded again. The export at closure marks what was
delivered here instead of sending it twice (app/archive/content.py).
"""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.archive.workspace import private_target
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import viewer
from app.documents.meetings import Meeting
from app.documents.people import Consent
from app.documents.records import ArchiveDelivery
from app.gateway import LogPage
from app.logs.errors import EditConflict
from app.web.downloads import attachment
from app.web.users import current_service, login_required


def undelivered(page: LogPage) -> int:
    """How many approved minutes and consents have not been filed yet."""
    delivered: set[UUID] = set()
    for delivery in page.snapshot.of_kind(ArchiveDelivery):
        delivered.update(delivery.registrations)
    filed = [m for m in page.snapshot.of_kind(Meeting) if m.approved_at is not None]
    filed += page.snapshot.of_kind(Consent)  # type: ignore[arg-type]
    return sum(1 for d in filed if d.system_id not in delivered)


def archive_deliveries(page: LogPage) -> list[ArchiveDelivery]:
    """Earlier deliveries, newest first."""
    return sorted(
        page.snapshot.of_kind(ArchiveDelivery), key=lambda d: d.delivered_at, reverse=True
    )


bp.add_app_template_global(undelivered, "undelivered")
bp.add_app_template_global(archive_deliveries, "archive_deliveries")


@bp.post("/arkivering")
@login_required()
def deliver(log_id: str) -> Response:
    """File what was approved since the last delivery, as a .tar to put in the archive."""
    return _package(log_id, None)


@bp.post("/arkivering/<delivery_id>")
@login_required()
def deliver_again(log_id: str, delivery_id: str) -> Response:
    """The same package as an earlier delivery, made again from the log as it stood then."""
    return _package(log_id, delivery_id)


def _package(log_id: str, delivery_id: str | None) -> Response:
    with private_target(portal().instance.settings, "leveranse.tar") as target:
        try:
            made = portal().deliver_to_archive(
                viewer(), log_id, target, current_service(), delivery_id=delivery_id
            )
        except EditConflict:
            flash(_("Someone else changed the log just now. Try again."))
            return redirect(url_for("log.overview", log_id=log_id))
        if not made:
            flash(_("There are no new approved minutes or consents to file."))
            return redirect(url_for("log.overview", log_id=log_id))
        handle = target.open("rb")
    return attachment(handle, f"logg-{log_id}-arkivleveranse.tar", "application/x-tar")
