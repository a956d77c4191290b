"""Domain rules checked before a change is committed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.documents.overview import Subject
from app.documents.people import Consent
from app.logs.errors import RuleViolation


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def check_creation_consents(
    subject: Subject, consents: Sequence[Consent], today: date, youth_age: int
) -> None:
    """A log may be created only on consent (seeds 000, 002, 004).

    Guardians consent; when only one guardian signed, the holder must record
    why. From ``youth_age`` the subject may consent alone.
    """
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
