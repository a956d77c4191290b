"""Asking for deletion: the family's side (the coordinators decide on /ansatt/koordinator).

A guardian of a minor, or the youth from the consent age, asks for the log to
be deleted, with an optional reason, and may take the request back while it
waits. Each form calls one verb of app/gateway/deletion.py.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import Answer
from app.blueprints.log.forms import TITLE_MAX, DocumentForm, _text
from app.blueprints.log.steps import run_button, run_step, step_page
from app.documents.fields import LogStatus
from app.documents.records import DeletionRequest
from app.gateway import LogPage
from app.web.users import login_required

_ASKABLE = (LogStatus.PENDING, LogStatus.ACTIVE, LogStatus.PASSIVE, LogStatus.CLOSED)


class DeletionForm(DocumentForm):
    """Why the family wants the log deleted (optional)."""

    text_fields = ()
    reason = _text(_l("Why (optional)"), limit=TITLE_MAX * 5)

    def changes(self) -> dict[str, Any]:
        """The reason."""
        return {"reason": (self.reason.data or "").strip()}


def may_ask_deletion(page: LogPage) -> bool:
    """The family's decider: the youth, or a guardian of a minor."""
    return page.viewer.relation == "subject" or (
        page.viewer.relation == "guardian" and page.subject_is_minor
    )


def waiting_deletion(page: LogPage) -> DeletionRequest | None:
    """The deletion request that waits for a coordinator, if any."""
    return next((r for r in page.snapshot.of_kind(DeletionRequest) if r.waiting), None)


def _overview(log_id: str) -> str:
    return url_for("log.overview", log_id=log_id)


@bp.route("/sletting", methods=["GET", "POST"])
@login_required()
def ask_deletion(log_id: str) -> Answer:
    """The family asks for the log to be deleted."""
    page = step_page(
        log_id,
        Section.CONSENTS,
        may_ask_deletion,
        lambda p: p.overview.status in _ASKABLE and waiting_deletion(p) is None,
    )
    return run_step(
        page,
        DeletionForm(),
        portal().ask_deletion,
        done=_overview(log_id),
        message=_("Your request is sent to the coordinator, who will tell you the outcome."),
        heading=_("Ask for the log to be deleted"),
        intro=_(
            "The municipality's coordinator handles the request. Where the law says the log "
            "must be kept for the archive, it is blocked instead: nobody can open it any more "
            "except the archive. Otherwise it is deleted for good, and cannot be brought back."
        ),
        nav="overview",
        nav_back=_overview(log_id),
        save_label=_("Ask for deletion"),
    )


@bp.post("/sletting/<request_id>/trekk")
@login_required()
def withdraw_deletion(log_id: str, request_id: str) -> Response:
    """The one who asked takes the request back while it waits."""
    step_page(log_id, Section.CONSENTS, may_ask_deletion)
    return run_button(
        log_id,
        portal().withdraw_deletion,
        args=(request_id,),
        done=_overview(log_id),
        message=_("Your deletion request is withdrawn."),
    )


bp.add_app_template_global(may_ask_deletion, "may_ask_deletion")
bp.add_app_template_global(waiting_deletion, "waiting_deletion")
