"""Closing a log: the holder or the family ends it, with a reason (seed 002 §5.5).

A closed log is read-only for everyone; the guardians and the youth keep
reading it and the archivist may export it. Closing answers what was still
waiting: open consent requests are cancelled and a pending handover is
withdrawn, in the same commit. A closed log is reopened on new consent (a
"reopen" request, app/gateway/consenting.py).
"""

from __future__ import annotations

from datetime import datetime

from app.access import LogFacts, Section, User
from app.documents.base import DocumentBase
from app.documents.fields import ClosingReason
from app.gateway.lifecycle import (
    Built,
    LifecycleCore,
    LifecycleRefused,
    answered_what_waits,
    require,
)
from app.lifecycle.clock import oslo_date
from app.lifecycle.machine import Actor, Step
from app.logs.events import Action as Event
from app.logs.snapshot import LogSnapshot

# Reasons a user may give; a deletion demand is the coordinator's verb, not a closing.
CLOSING_REASONS = (
    ClosingReason.GOALS_REACHED,
    ClosingReason.INDIVIDUAL_PLAN,
    ClosingReason.CONSENT_WITHDRAWN,
    ClosingReason.MOVED_AWAY,
    ClosingReason.OTHER,
)


class ClosingVerbs(LifecycleCore):
    """The closing verb of :class:`app.gateway.Portal`."""

    def close_log(
        self,
        user: User,
        log_id: str,
        *,
        reason: ClosingReason,
        note: str = "",
        seen_revision: str,
        form_key: str = "",
        service: str = "",
    ) -> str:
        """Close the log with a reason ("other" needs a note); the new revision."""
        try:
            reason = ClosingReason(reason)
        except ValueError:
            raise LifecycleRefused("bad_reason") from None
        if reason not in CLOSING_REASONS:
            raise LifecycleRefused("bad_reason")
        if reason == ClosingReason.OTHER and not note.strip():
            raise LifecycleRefused("note_required")

        def build(snapshot: LogSnapshot, facts: LogFacts, now: datetime) -> Built:
            today = oslo_date(now)
            actors = self._actors(user, snapshot, facts, now)
            require(bool(actors & {Actor.HOLDER, Actor.GUARDIAN, Actor.YOUTH}), log_id)
            overview = snapshot.overview
            documents: list[DocumentBase] = self._step(
                overview,
                Step.CLOSE,
                actors,
                user,
                now,
                reason=reason.value,
                note=note.strip(),
                closed_on=today,
                closing_reason=reason,
                closing_note=note.strip(),
            )
            documents += answered_what_waits(snapshot, today)
            basis = "holder" if Actor.HOLDER in actors else "guardian"
            if Actor.YOUTH in actors:
                basis = "youth"
            return Built(documents, basis, Section.OVERVIEW, Event.CHANGE_STATUS)

        return self._commit_step(
            user,
            log_id,
            seen_revision=seen_revision,
            watched=(),
            build=build,
            form_key=form_key,
            service=service,
        )
