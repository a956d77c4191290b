"""Every error becomes a page here, in one place; library code never aborts."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.archive.export import ArchiveNotConfigured
from app.documents.errors import DocumentError
from app.gateway import NoAccess
from app.logs.errors import (
    CorruptLog,
    DocumentNotFound,
    EditConflict,
    LogNotFound,
    RuleViolation,
)
from app.web.events import security_event
from app.web.users import current_user

log = logging.getLogger(__name__)

# The domain's rules, explained to users (RuleViolation.code → message).
RULES = {
    "youth_uses_idporten": _l("From the age of consent, the youth logs in with ID-porten."),
    "overview_id": _l("The overview belongs to this log and cannot be moved."),
    "overview_kept": _l("The overview of a log cannot be deleted."),
    "attachment_mismatch": _l("The file changed while it was uploaded. Please try again."),
    "handover_target": _l("The baton can only be handed to a participant of the log."),
    "holder_required": _l("The log must always have a holder who takes part in it."),
    "consent_required": _l("A log needs the guardians' consent before it is created."),
    "single_guardian_note": _l(
        "Only one guardian consented: write why, and how the other guardian was sought."
    ),
    "subject_not_guardian": _l("The child cannot consent as their own guardian."),
    "unknown_guardian": _l("Register the guardian before recording their consent."),
    "guardian_unconfirmed": _l(
        "A guardian is confirmed by a second member of staff (the unit leader or the "
        "coordinator), not in this form."
    ),
    "guardian_kept": _l("A registered guardian is ended, not deleted, so the history is kept."),
    "lifecycle_verb": _l(
        "Consent, the baton, the level and the state of the log are changed with their own "
        "buttons, not in this form."
    ),
    "stale_form": _l("The form is too old to be saved. Open the page again and make the change."),
    "nothing_to_save": _l("There was nothing to save."),
    "unknown_goal": _l("The goal no longer exists. Choose another goal."),
    "unknown_responsible": _l("Choose a responsible person who takes part in the log."),
    "unknown_target": _l("What you wrote about no longer exists."),
    "still_referenced": _l("Other entries still belong to this one. Delete them first."),
    "minutes_locked": _l(
        "The minutes have been approved and can no longer be changed. Write an amendment instead."
    ),
    "not_approved": _l("Only approved minutes get amendments."),
    "unknown_thread": _l("The conversation you answered no longer exists."),
    "not_author": _l("Only the one who wrote a message can change it."),
    "message_read": _l("Others have read the message, so it can no longer be changed."),
}


# Life-cycle refusals (LifecycleRefused.code and StepRefused.code) → message.
STEP_REFUSALS = {
    "wrong_state": _l("The log is not in a state where this can be done now."),
    "not_yours": _l("This step is not yours to take in this log."),
    "not_now": _l("This cannot be done now."),
    "bad_fnr": _l("Check the number: it must be a valid fødselsnummer."),
    "bad_level": _l("Choose one of the levels offered."),
    "not_your_unit": _l("Choose a unit you work in."),
    "bad_holder": _l(
        "Choose yourself as holder, or (as unit leader) a member of staff of the unit."
    ),
    "log_exists": _l("This child already has a log."),
    "wrong_purpose": _l("That kind of consent request does not fit the log's state."),
    "no_services": _l("Choose at least one service."),
    "request_open": _l("A consent request is already waiting for answers."),
    "request_closed": _l("This request has already been answered or cancelled."),
    "note_required": _l("Write a short note."),
    "note_needs_one_answer": _l(
        "This is for when one guardian has answered and the other cannot be reached."
    ),
    "answer_every_service": _l("Answer yes or no for every service."),
    "answer_old_content": _l("Say whether the earlier content is to be shown again."),
    "not_asked": _l("Choose one of the people who are asked for consent in this log."),
    "paper_signed_on": _l(
        "The date signed must be today or earlier, and at most three months ago."
    ),
    "paper_period": _l(
        "The consent must last until today or later, and at most the municipality's "
        "consent period from the day it was signed."
    ),
    "deletion_waiting": _l("Deletion has already been asked for. The coordinator handles it."),
    "deletion_decided": _l("This deletion request has already been handled."),
    "second_coordinator": _l(
        "You proposed the shredding yourself. A second coordinator must confirm it."
    ),
    "nothing_to_renew": _l("There is no consent to renew right now."),
    "nothing_to_withdraw": _l("There is no consent of yours in force to withdraw."),
    "handover_pending": _l(
        "A handover is already waiting for an answer. Withdraw it before offering a new one."
    ),
    "handover_target": _l("The baton can only be handed to a member of staff who takes part."),
    "handover_stale": _l("The baton has moved since this was offered. Ask for a new handover."),
    "handover_answered": _l("This offer of the baton has already been answered or withdrawn."),
    "note_too_long": _l("The note is too long: write at most 1,000 characters."),
    "handover_not_stale": _l(
        "The offer has not waited long. Whoever made it, or the holder, can withdraw it."
    ),
    "same_level": _l("The log is already at that level."),
    "reason_required": _l("Write why the level changes."),
    "level_date": _l("The date must be between the day the log started and today."),
    "bad_reason": _l("Choose a reason."),
}


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    """Map domain and HTTP errors to pages with the right status code."""

    @app.errorhandler(NoAccess)
    @app.errorhandler(LogNotFound)
    @app.errorhandler(DocumentNotFound)
    def _not_found(error: Exception) -> tuple[str, int]:
        # A denial looks exactly like a missing page: it never reveals that a log exists.
        if isinstance(error, NoAccess):
            user = current_user()
            security_event("denied", reason="access", user=user.principal if user else "-")
        return _page(404, _("Page not found"), _("We could not find what you asked for."))

    @app.errorhandler(ArchiveNotConfigured)
    def _archive_settings(_error: ArchiveNotConfigured) -> tuple[str, int]:
        return _page(
            409,
            _("The archive settings are not complete"),
            _(
                "The municipality's organisation number is missing in the archive settings. "
                "Ask the administrator to set it."
            ),
        )

    @app.errorhandler(EditConflict)
    def _conflict(_error: EditConflict) -> tuple[str, int]:
        return _page(
            409,
            _("Someone else saved first"),
            _(
                "The log was changed after you opened it. Nothing you wrote was lost: "
                "go back, copy your text, reload and try again."
            ),
        )

    @app.errorhandler(RuleViolation)
    def _rule(error: RuleViolation) -> tuple[str, int]:
        message = RULES.get(error.code, _l("The change breaks a rule of the log."))
        return _page(400, _("That could not be saved"), str(message))

    @app.errorhandler(DocumentError)
    def _bad_document(_error: DocumentError) -> tuple[str, int]:
        return _page(
            400,
            _("That could not be saved"),
            _("Some of the values are not valid. Check the form and try again."),
        )

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        security_event("csrf_refused")
        return _page(
            400,
            _("The form has expired"),
            _("For your safety the form was not sent. Reload the page and try again."),
        )

    @app.errorhandler(CorruptLog)
    def _corrupt(_error: CorruptLog) -> tuple[str, int]:
        log.error("a stored document failed to decrypt or validate")
        return _page(500, _("Something went wrong"), _("The error has been logged."))

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        return _page(
            413,
            _("That is too large"),
            _("The file or text you sent is too large. Choose a smaller file and try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        if status == 404:
            return _not_found(error)
        return _page(status, error.name, _("The request could not be completed."))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        log.error("unexpected error: %s", type(error).__name__)
        return _page(500, _("Something went wrong"), _("The error has been logged."))
