"""Domain rules checked before a change is committed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from app.documents.base import DocumentBase
from app.documents.meetings import Meeting, Message, MinutesAmendment
from app.documents.overview import Subject
from app.documents.people import Consent, Guardian, Participant
from app.documents.work import Activity, Evaluation
from app.logs.errors import RuleViolation
from app.logs.layout import DocRef


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def check_creation_consents(
    subject: Subject,
    consents: Sequence[Consent],
    guardians: Sequence[Guardian],
    today: date,
    youth_age: int,
) -> None:
    """A log may be created active only on consent (seeds 000, 002, 004).

    Guardians consent; when only one guardian signed, the holder must record
    why. From ``youth_age`` the subject may consent alone. A guardian's consent
    names a registered guardian (whether it counts is the confirmation's call).
    """
    registered = {g.fnr for g in guardians}
    if any(c.role == "guardian" and c.given_by_fnr not in registered for c in consents):
        raise RuleViolation(
            "unknown_guardian", "a guardian's consent must name a registered guardian"
        )
    valid = [
        c for c in consents if c.valid_from <= today <= c.valid_until and c.withdrawn_at is None
    ]
    subject_consents = [c for c in valid if c.role == "subject" and c.given_by_fnr == subject.fnr]
    guardian_consents = [c for c in valid if c.role == "guardian"]
    if subject_consents and age_on(subject.birth_date, today) >= youth_age:
        return
    if not guardian_consents:
        raise RuleViolation(
            "consent_required", "a log needs consent from the guardians before it is created"
        )
    if len({c.given_by_fnr for c in guardian_consents}) == 1 and not any(
        c.single_guardian_note.strip() for c in guardian_consents
    ):
        raise RuleViolation(
            "single_guardian_note",
            "only one guardian consented: record why and how the other guardian was sought",
        )
    if any(c.given_by_fnr == subject.fnr for c in guardian_consents):
        raise RuleViolation(
            "subject_not_guardian", "the subject cannot consent as their own guardian"
        )


def check_work_references(after: Mapping[DocRef, DocumentBase], changed: Iterable[DocRef]) -> None:
    """Changed goals, activities and evaluations must point at things that exist.

    ``after`` is the whole log as it would be after the change; only the changed
    documents are checked, so a participant who left long ago does not block an
    unrelated edit. Removing a goal or activity that others still point at is refused
    (the caller deletes them together).
    """
    changed = set(changed)
    for ref in changed:
        document = after.get(ref)
        if isinstance(document, Activity):
            if DocRef("goal", document.goal) not in after:
                raise RuleViolation("unknown_goal", "the activity's goal does not exist")
            participant = after.get(DocRef("participant", document.responsible))
            if not document.responsible_is_guardian and not (
                isinstance(participant, Participant) and participant.left_on is None
            ):
                raise RuleViolation(
                    "unknown_responsible", "the responsible person is not a participant"
                )
        elif (
            isinstance(document, Evaluation)
            and DocRef(document.target_kind, document.target) not in after
        ):
            raise RuleViolation("unknown_target", "the evaluated goal or activity is gone")
    removed = {ref for ref in changed if ref not in after}
    for document in after.values():
        pointer = None
        if isinstance(document, Activity):
            pointer = DocRef("goal", document.goal)
        elif isinstance(document, Evaluation):
            pointer = DocRef(document.target_kind, document.target)
        if pointer is not None and pointer in removed:
            raise RuleViolation("still_referenced", "something still points at a removed document")


def check_meeting_rules(
    before: Mapping[DocRef, DocumentBase],
    after: Mapping[DocRef, DocumentBase],
    changed: Iterable[DocRef],
) -> None:
    """Approved minutes are locked; amendments and replies point at what they belong to.

    ``before`` is the log as it is now: a meeting whose minutes are approved
    there may not be changed or deleted by any later commit, whoever asks. A
    correction is a :class:`MinutesAmendment` to an approved meeting.
    """
    for ref in changed:
        was = before.get(ref)
        if isinstance(was, Meeting) and was.locked:
            raise RuleViolation("minutes_locked", "approved minutes are never changed")
        document = after.get(ref)
        if isinstance(document, MinutesAmendment):
            meeting = after.get(DocRef("meeting", document.meeting))
            if not (isinstance(meeting, Meeting) and meeting.locked):
                raise RuleViolation(
                    "not_approved", "only approved minutes are corrected by an amendment"
                )
        elif isinstance(document, Message) and document.thread is not None:
            first = after.get(DocRef("message", document.thread))
            if not (isinstance(first, Message) and first.thread is None):
                raise RuleViolation("unknown_thread", "the message answers a thread that is gone")
