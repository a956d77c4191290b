"""The life cycle as a table: every (state, step, actor) is allowed or refused by name.

The expected table is written out here, by hand, from the issue and the seeds;
it is not derived from app/lifecycle/machine.py, so a change there that is not
also made here fails.
"""

from __future__ import annotations

import itertools

import pytest

from app.documents.fields import LogStatus
from app.lifecycle.machine import Actor, Step, StepRefused, next_state, steps_from

S = LogStatus
FAMILY = {Actor.GUARDIAN, Actor.YOUTH}
CONSENTING = {Actor.HOLDER, *FAMILY}

# (step) -> (states it starts from, where it leads, who takes it)
EXPECTED: dict[Step, tuple[set[LogStatus], LogStatus, set[Actor]]] = {
    Step.ACTIVATE: ({S.PENDING}, S.ACTIVE, CONSENTING),
    Step.MAKE_PASSIVE: ({S.ACTIVE}, S.PASSIVE, FAMILY),
    Step.REACTIVATE: ({S.PASSIVE}, S.ACTIVE, CONSENTING),
    Step.CLOSE: ({S.ACTIVE, S.PASSIVE}, S.CLOSED, {Actor.HOLDER, *FAMILY}),
    Step.REOPEN: ({S.CLOSED}, S.ACTIVE, CONSENTING),
    Step.ARCHIVE: ({S.CLOSED}, S.ARCHIVED, {Actor.ARCHIVIST}),
    Step.BLOCK: (
        {S.PENDING, S.ACTIVE, S.PASSIVE, S.CLOSED, S.ARCHIVED},
        S.BLOCKED,
        {Actor.COORDINATOR},
    ),
    Step.SHRED: ({S.PENDING, S.ACTIVE, S.PASSIVE, S.CLOSED}, S.SHREDDED, {Actor.COORDINATOR}),
}


@pytest.mark.parametrize(
    ("state", "step", "actor"), list(itertools.product(LogStatus, Step, Actor))
)
def test_every_state_step_and_actor(state: LogStatus, step: Step, actor: Actor) -> None:
    sources, target, actors = EXPECTED[step]
    if state not in sources:
        with pytest.raises(StepRefused) as refused:
            next_state(state, step, actor)
        assert refused.value.code == "wrong_state"
    elif actor not in actors:
        with pytest.raises(StepRefused) as refused:
            next_state(state, step, actor)
        assert refused.value.code == "not_yours"
    else:
        assert next_state(state, step, actor) == target


def test_no_step_leaves_a_shredded_or_blocked_log_except_as_written() -> None:
    """Shredded is the end; a blocked log only ever waits for the archive."""
    for actor in Actor:
        assert steps_from(S.SHREDDED, actor) == []
        assert steps_from(S.BLOCKED, actor) == []


def test_what_a_page_offers_is_what_the_table_allows() -> None:
    for state, actor in itertools.product(LogStatus, Actor):
        offered = set(steps_from(state, actor))
        expected = {
            step
            for step, (sources, _to, actors) in EXPECTED.items()
            if state in sources and actor in actors
        }
        assert offered == expected, (state, actor)
