"""Which services the consents of a log cover today, and until when (for the overview).

This is a summary for people to read. Who may actually see the log is decided
by :func:`app.access.decide` on every request, which also weighs withdrawals
and the youth's own consent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.documents.base import DocumentBase
from app.documents.people import Consent


def services_covered(documents: Iterable[DocumentBase], today: date) -> dict[str, date]:
    """Service → the last day a consent in force today covers it."""
    covered: dict[str, date] = {}
    for consent in (d for d in documents if isinstance(d, Consent)):
        if (
            consent.withdrawn_at is not None
            or not consent.valid_from <= today <= consent.valid_until
        ):
            continue
        for service in consent.services:
            last = covered.get(service.value)
            if last is None or consent.valid_until > last:
                covered[service.value] = consent.valid_until
    return dict(sorted(covered.items()))
