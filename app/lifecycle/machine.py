"""The life of a log as one explicit state machine.

A log is *pending* from the day it is started until consent is in place, then
*active*. Withdrawing all consent makes it *passive* (read-only, the family
keeps reading); new consent makes it active again. It is *closed* with a
reason, and may be *reopened* on new consent. A closed log goes to the archive
(*archived*, the archivist's export). A demand for deletion ends in *blocked*
(sperret: the archive duty applies, only the archivist's export opens it) or in
*shredded* (no archive duty: its keys are destroyed, four eyes).

This module knows nothing of Git, HTTP or documents: it answers one question,
"may this actor take this step from this state, and where does it lead?", so
the same table drives the gateway, the tests and the explanation a user gets.
Whether the *facts* allow the step (is the consent in place, is a second
coordinator confirming) is checked by the verb that takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.documents.fields import LogStatus
from app.logs.errors import LogError


class Step(StrEnum):
    """A transition of the log's state."""

    ACTIVATE = "activate"  # pending -> active: consent is in place
    MAKE_PASSIVE = "make_passive"  # active -> passive: all consent withdrawn
    REACTIVATE = "reactivate"  # passive -> active: new consent
    CLOSE = "close"  # active or passive -> closed, with a reason
    REOPEN = "reopen"  # closed -> active, on new consent
    ARCHIVE = "archive"  # closed -> archived: the archivist's export
    BLOCK = "block"  # -> blocked: deletion demanded where the archive duty applies
    SHRED = "shred"  # -> shredded: deletion where it does not (two coordinators)


class Actor(StrEnum):
    """As whom a user takes a step in one log."""

    HOLDER = "holder"
    PARTICIPANT = "participant"
    GUARDIAN = "guardian"  # a confirmed guardian
    YOUTH = "youth"  # the subject from the consent age
    CHILD = "child"  # the subject under the consent age
    UNIT_LEADER = "unit_leader"
    COORDINATOR = "coordinator"
    ARCHIVIST = "archivist"
    STRANGER = "stranger"


@dataclass(frozen=True, slots=True)
class Rule:
    """Where a step may start, where it leads, and who may take it."""

    sources: frozenset[LogStatus]
    target: LogStatus
    actors: frozenset[Actor]


_FAMILY = frozenset({Actor.GUARDIAN, Actor.YOUTH})
_CONSENTING = frozenset({Actor.HOLDER, *_FAMILY})  # the holder records paper consent
_ARCHIVIST = frozenset({Actor.ARCHIVIST})
_OPEN = frozenset({LogStatus.PENDING, LogStatus.ACTIVE, LogStatus.PASSIVE})

RULES: dict[Step, Rule] = {
    Step.ACTIVATE: Rule(frozenset({LogStatus.PENDING}), LogStatus.ACTIVE, _CONSENTING),
    Step.MAKE_PASSIVE: Rule(frozenset({LogStatus.ACTIVE}), LogStatus.PASSIVE, _FAMILY),
    Step.REACTIVATE: Rule(frozenset({LogStatus.PASSIVE}), LogStatus.ACTIVE, _CONSENTING),
    Step.CLOSE: Rule(
        frozenset({LogStatus.ACTIVE, LogStatus.PASSIVE}),
        LogStatus.CLOSED,
        frozenset({Actor.HOLDER, *_FAMILY}),
    ),
    Step.REOPEN: Rule(frozenset({LogStatus.CLOSED}), LogStatus.ACTIVE, _CONSENTING),
    Step.ARCHIVE: Rule(frozenset({LogStatus.CLOSED}), LogStatus.ARCHIVED, _ARCHIVIST),
    Step.BLOCK: Rule(
        _OPEN | {LogStatus.CLOSED, LogStatus.ARCHIVED},
        LogStatus.BLOCKED,
        frozenset({Actor.COORDINATOR}),
    ),
    Step.SHRED: Rule(
        _OPEN | {LogStatus.CLOSED},
        LogStatus.SHREDDED,
        frozenset({Actor.COORDINATOR}),
    ),
}


class StepRefused(LogError):
    """A step that the log's state or the user's part in it does not allow.

    ``code`` names the refusal; the web layer explains it in the user's language.
    """

    def __init__(self, code: str, step: Step, state: LogStatus) -> None:
        """Name the refusal, the step and the state it was tried from."""
        super().__init__(f"{code}: {step.value} from {state.value}")
        self.code = code
        self.step = step
        self.state = state


def next_state(state: LogStatus, step: Step, actor: Actor) -> LogStatus:
    """The state ``step`` leads to, or :class:`StepRefused` with the reason.

    The state is checked first: a step that cannot happen from here is refused
    as such whoever asks ("wrong_state"); then the actor ("not_yours").
    """
    rule = RULES[step]
    if state not in rule.sources:
        raise StepRefused("wrong_state", step, state)
    if actor not in rule.actors:
        raise StepRefused("not_yours", step, state)
    return rule.target


def next_state_as(state: LogStatus, step: Step, actors: frozenset[Actor]) -> LogStatus:
    """Like :func:`next_state` for a user who is several actors at once (a holder who
    is also the coordinator): allowed if any of them may take the step."""
    rule = RULES[step]
    if state not in rule.sources:
        raise StepRefused("wrong_state", step, state)
    if not actors & rule.actors:
        raise StepRefused("not_yours", step, state)
    return rule.target


def steps_from(state: LogStatus, actor: Actor) -> list[Step]:
    """The steps ``actor`` may take from ``state`` (what a page offers)."""
    return [step for step, rule in RULES.items() if state in rule.sources and actor in rule.actors]
