"""Carrying out a decided deletion request outside the log: the register, and the keys.

A coordinator's decision is first committed to the log like any step (the
request "blocked" with the log's status, or "shredded" once a second
coordinator confirmed), against the expected revision, so two decisions on
one request cannot both land. Only then is it carried out here: the outcome
is written to the deletion register and, for shredding, the log's keys are
destroyed and the register marked done. A crash anywhere after the commit is
finished by running this again (``stafettlogg fsck`` does, for every log), so
the log, the register and the keys always end up agreeing.
"""

from __future__ import annotations

from app.documents.records import DeletionRequest
from app.logs.deletion_register import DeletionOutcome, DeletionRegister
from app.logs.errors import LogNotFound
from app.logs.service import LogService

_KINDS = frozenset({"log", "deletion_request"})


def carry_out_deletion(logs: LogService, register: DeletionRegister, log_id: str) -> str:
    """Finish what the log's decided deletion request says; what was done ("" for nothing).

    Returns "blocked" when a blocking was recorded now, "shredded" when the
    keys were destroyed now.
    """
    try:
        snapshot = logs.read_kinds(log_id, _KINDS)
    except LogNotFound:
        return ""  # no keys: already shredded (or never here), nothing to carry out
    decided = [r for r in snapshot.of_kind(DeletionRequest) if r.state in ("blocked", "shredded")]
    if not decided:
        return ""
    request = max(decided, key=lambda r: (r.decided_on, r.id))
    assert request.decided_on is not None and request.decided_by is not None
    shredding = request.state == "shredded"
    outcome = DeletionOutcome(
        log_id,
        snapshot.overview.unit_id,
        "shredded" if shredding else "blocked",
        "no_archive_duty" if shredding else "archive_duty",
        request.asked_by,
        request.asked_on,
        request.proposed_by if shredding and request.proposed_by else request.decided_by,
        request.decided_by if shredding else "",
        request.decided_on,
        done=not shredding,
    )
    recorded = register.get(log_id)
    if recorded is None:
        register.record(outcome)
    elif recorded.outcome != outcome.outcome:  # cannot happen: the log took one decision
        raise RuntimeError(f"log {log_id}: the register says {recorded.outcome}")
    if not shredding:
        return "" if recorded is not None else "blocked"
    logs.shred(log_id)
    register.mark_done(log_id)
    return "shredded"
