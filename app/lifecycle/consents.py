"""Where consent stands in one log: who was asked, who answered, what is in force.

Pure rules over a log's documents and a date (no Git, no HTTP), shared by the
verbs that collect and withdraw consent, the pages that show it and the
coordinator's overview. Whether a given participant may see the log stays the
access decision's question (app/access); this module answers the life cycle's
questions: is consent *in place* (may a pending log become active), is a
request fully answered, which consents expire soon. Which services consent
lets in is the access decision's :func:`app.access.covered_services`, so the
two can never disagree.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.documents.base import DocumentBase
from app.documents.overview import LogOverview
from app.documents.people import Consent, ConsentRequest, Guardian
from app.logs.rules import age_on


def period_end(start: date, months: int) -> date:
    """The last day of a consent given on ``start`` for ``months`` months.

    A consent given on 15 March for 24 months lasts until 14 March two years
    on; one given on 31 January for one month until the last day of February.
    """
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def in_force(consent: Consent, today: date) -> bool:
    """Valid today and not withdrawn (a withdrawal counts from the moment it was made)."""
    return consent.withdrawn_at is None and consent.valid_from <= today <= consent.valid_until


@dataclass(frozen=True)
class ConsentState:
    """Consent in one log on one day, as the life cycle sees it."""

    #: Whether the subject decides alone (from the consent age).
    youth_decides: bool
    #: Fødselsnumre of those who answer: the confirmed guardians, or the youth.
    askable: frozenset[str]
    #: Consents in force today from those whose consent counts: the youth once they have
    #: answered, before that the confirmed guardians.
    current: tuple[Consent, ...]

    def answered(self, request: ConsentRequest) -> frozenset[str]:
        """Who among the askable has answered ``request`` (and not withdrawn the answer)."""
        return (
            frozenset(c.given_by_fnr for c in self.current if c.request == request.id)
            & self.askable
        )

    def complete(self, request: ConsentRequest) -> bool:
        """Everyone asked has answered, or one has and the holder wrote why that suffices."""
        answered = self.answered(request)
        if not answered:
            return False
        return answered == self.askable or bool(request.single_guardian_note.strip())


def consent_state(
    documents: Iterable[DocumentBase], today: date, youth_age: int, guardian_fnrs: Iterable[str]
) -> ConsentState:
    """The consent state of a log's documents on ``today``.

    ``guardian_fnrs`` are the confirmed guardians (the guardianship source's
    answer); a consent from anyone else proves nothing.
    """
    documents = list(documents)
    guardians = frozenset(guardian_fnrs)
    overview = next(d for d in documents if isinstance(d, LogOverview))
    subject = overview.subject.fnr
    youth = age_on(overview.subject.birth_date, today) >= youth_age
    askable = frozenset({subject}) if youth else guardians
    # Until the youth answers, the guardians' consents stand (as in the access decision).
    answered = any(
        isinstance(c, Consent) and c.role == "subject" and c.given_by_fnr == subject
        for c in documents
    )
    role, givers = ("subject", {subject}) if youth and answered else ("guardian", guardians)
    current = tuple(
        c
        for c in documents
        if isinstance(c, Consent)
        and c.role == role
        and c.given_by_fnr in givers
        and in_force(c, today)
    )
    return ConsentState(youth, askable, current)


def open_requests(documents: Iterable[DocumentBase]) -> list[ConsentRequest]:
    """The consent requests still waiting for answers, oldest first."""
    found = [d for d in documents if isinstance(d, ConsentRequest) and d.state == "open"]
    return sorted(found, key=lambda r: (r.requested_on, r.id))


def expiring(documents: Iterable[DocumentBase], today: date, lead_days: int) -> list[Consent]:
    """Consents in force that end within ``lead_days`` (the reminder's window).

    A consent the same person has already renewed (one in force for the same
    services that lasts longer) is not expiring: nobody needs reminding.
    """
    until = today + timedelta(days=lead_days)
    current = [c for c in documents if isinstance(c, Consent) and c.services and in_force(c, today)]
    return [
        c
        for c in current
        if c.valid_until <= until
        and not any(
            later.given_by_fnr == c.given_by_fnr
            and later.valid_until > c.valid_until
            and set(c.services) <= set(later.services)
            for later in current
        )
    ]


def expired_without_renewal(
    documents: Iterable[DocumentBase], today: date, guardian_fnrs: Iterable[str], youth_age: int
) -> bool:
    """Consent ran out (not withdrawn): "Samtykket er utløpt", renewal offered to the family."""
    documents = list(documents)
    state = consent_state(documents, today, youth_age, guardian_fnrs)
    if any(c.services for c in state.current):
        return False
    lapsed = [
        c
        for c in documents
        if isinstance(c, Consent)
        and c.services
        and c.withdrawn_at is None
        and c.valid_until < today
    ]
    return bool(lapsed)


def guardians_by_fnr(documents: Iterable[DocumentBase]) -> Mapping[str, Guardian]:
    """The registered, confirmed guardians of a log by fødselsnummer."""
    return {d.fnr: d for d in documents if isinstance(d, Guardian) and d.is_confirmed}
