"""Where consent stands in a log, as the consents page shows it to one viewer.

The rules are app/lifecycle/consents.py's; this only gathers what the page
draws: the open requests with who has answered and who not, consents that run
out soon, whether consent has run out, and which consents are the viewer's own
(the ones they may withdraw).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from app.blueprints.context import instance
from app.documents.people import Consent, ConsentRequest
from app.gateway import LogPage
from app.lifecycle.consents import (
    consent_state,
    expired_without_renewal,
    expiring,
    guardians_by_fnr,
    in_force,
    open_requests,
)


@dataclass(frozen=True)
class RequestView:
    """One open request: who has answered it and who is still asked."""

    request: ConsentRequest
    answered: list[str]
    waiting: list[str]
    mine_to_answer: bool


@dataclass(frozen=True)
class ConsentView:
    """What the consents page shows about consent in this log today."""

    requests: list[RequestView] = field(default_factory=list)
    expiring: list[Consent] = field(default_factory=list)
    expired: bool = False
    own: frozenset[str] = frozenset()  # ids of the viewer's consents in force
    may_renew: bool = False


def consent_view(page: LogPage) -> ConsentView:
    """Gather what the consents page draws for ``page``'s viewer."""
    settings = instance().settings
    documents = list(page.snapshot.documents.values())
    guardians = guardians_by_fnr(documents)
    state = consent_state(documents, page.today, settings.youth_consent_age, guardians)
    principal = instance().index.person_principal
    me = page.viewer.principal
    subject = page.overview.subject
    names = {fnr: g.name for fnr, g in guardians.items()}
    names[subject.fnr] = f"{subject.given_name} {subject.family_name}"
    my_fnr = next((fnr for fnr in names if principal(fnr) == me), None)
    requests = []
    for request in open_requests(documents):
        answered = state.answered(request)
        requests.append(
            RequestView(
                request,
                sorted(names.get(f, "") for f in answered),
                sorted(names.get(f, "") for f in state.askable - answered),
                my_fnr is not None and my_fnr in state.askable,
            )
        )
    lead = settings.lifecycle.reminder_days
    own = frozenset(
        c.id
        for c in page.snapshot.of_kind(Consent)
        if my_fnr is not None
        and c.given_by_fnr == my_fnr
        and c.services
        and in_force(c, page.today)
    )
    soon = expiring(documents, page.today, lead)
    expired = expired_without_renewal(documents, page.today, guardians, settings.youth_consent_age)
    renewable = (
        my_fnr is not None
        and my_fnr in state.askable
        and (
            expired
            or any(
                c.given_by_fnr == my_fnr and c.valid_until <= page.today + timedelta(days=lead)
                for c in soon
            )
        )
    )
    return ConsentView(requests, soon, expired, own, renewable)
