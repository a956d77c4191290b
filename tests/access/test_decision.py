"""The access decision as a parametrised matrix: role × log state × consent state × action."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from app.access import (
    Action,
    ConsentFact,
    LogFacts,
    ParticipantFact,
    Section,
    StaffRole,
    User,
    UserKind,
    covered_services,
    decide,
)
from app.documents.fields import LogStatus, Service

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CHILD_BIRTH = date(2016, 5, 1)  # 10 years old at NOW

CITIZENS = {
    "guardian1": "p-g1",
    "guardian2": "p-g2",
    "child": "p-child",
    "stranger": "p-x",
    "self_named": "p-holder",  # the holder's own ID-porten login, named a guardian by the holder
}
CONFIRMED_GUARDIANS = frozenset({"p-g1", "p-g2"})
STAFF = {
    "holder": ("s-holder", frozenset()),
    "ppt": ("s-ppt", frozenset()),
    "health": ("s-health", frozenset()),  # participant whose service no consent covers
    "left": ("s-left", frozenset()),  # left the log
    "outsider": ("s-outside", frozenset()),
    "coordinator": ("s-coord", frozenset({StaffRole.COORDINATOR})),
    "unit_leader": ("s-leader", frozenset({StaffRole.UNIT_LEADER})),
    "archivist": ("s-arch", frozenset({StaffRole.ARCHIVIST})),
}
USERS = {
    **{name: User(p, UserKind.CITIZEN) for name, p in CITIZENS.items()},
    **{name: User(uid, UserKind.STAFF, roles) for name, (uid, roles) in STAFF.items()},
}
PARTICIPANTS = (
    ParticipantFact("pholder001", "s-holder", Service.SCHOOL, True),
    ParticipantFact("pppt000001", "s-ppt", Service.PPT, True),
    ParticipantFact("phealth001", "s-health", Service.HEALTH_STATION, True),
    ParticipantFact("pleft00001", "s-left", Service.SCHOOL, False),
)


def _consent(
    cid: str,
    giver: str,
    services: set[Service],
    start: date = date(2026, 1, 1),
    until: date = date(2027, 12, 31),
    withdrawn: datetime | None = None,
    role: str = "guardian",
    include_guardians: bool = True,
) -> ConsentFact:
    return ConsentFact(
        cid, giver, role, frozenset(services), start, until, withdrawn, include_guardians
    )


BOTH = {Service.SCHOOL, Service.PPT}
CONSENT_STATES = {
    "valid": (_consent("c1", "p-g1", BOTH), _consent("c2", "p-g2", BOTH)),
    "expired": (
        _consent("c1", "p-g1", BOTH, until=date(2026, 6, 30)),
        _consent("c2", "p-g2", BOTH, until=date(2026, 6, 30)),
    ),
    "withdrawn_by_one": (
        _consent("c1", "p-g1", BOTH, withdrawn=datetime(2026, 11, 1, tzinfo=UTC)),
        _consent("c2", "p-g2", BOTH),
    ),
    "reconsented": (
        _consent("c1", "p-g1", BOTH, withdrawn=datetime(2026, 10, 1, tzinfo=UTC)),
        _consent("c3", "p-g1", BOTH, start=date(2026, 10, 15)),
        _consent("c2", "p-g2", BOTH),
    ),
    "school_only": (
        _consent("c1", "p-g1", {Service.SCHOOL}),
        _consent("c2", "p-g2", {Service.SCHOOL}),
    ),
    "not_yet_valid": (
        _consent("c1", "p-g1", BOTH, start=date(2027, 1, 1)),
        _consent("c2", "p-g2", BOTH, start=date(2027, 1, 1)),
    ),
    "withdrawal_in_future": (
        _consent("c1", "p-g1", BOTH, withdrawn=datetime(2026, 12, 1, tzinfo=UTC)),
        _consent("c2", "p-g2", BOTH),
    ),
    # A consent from someone no second person confirmed as a guardian proves nothing.
    "unconfirmed_giver": (_consent("c9", "p-holder", BOTH),),
}
LOG_STATES = ("pending", "active", "passive", "closed", "archived", "blocked", "restricted")


def _log(state: str, consents: tuple[ConsentFact, ...], birth: date = CHILD_BIRTH) -> LogFacts:
    status = {"restricted": LogStatus.CLOSED}.get(state) or LogStatus(state)  # an old sperring
    return LogFacts(
        "log0000001",
        status,
        state == "restricted",
        "p-child",
        birth,
        "pholder001",
        PARTICIPANTS,
        consents,
        CONFIRMED_GUARDIANS,
    )


def _oracle(user: str, state: str, consent: str, action: Action) -> bool:
    """The expected answer for section WORK, written independently of the implementation."""
    if user == "archivist":
        return state in ("closed", "archived", "blocked", "restricted") and action in (
            Action.READ,
            Action.EXPORT,
        )
    if state in ("blocked", "restricted") or action in (Action.EXPORT, Action.MANAGE):
        return False
    if state == "pending":  # only the holder works in it, on what consent collection needs
        return user == "holder" and action == Action.READ
    writable = state == "active"
    if user in ("guardian1", "guardian2", "child"):
        return action == Action.READ or (action == Action.WRITE and writable)
    if state == "passive":  # all consent withdrawn: the participants are out
        return False
    covered = {
        "holder": ("valid", "reconsented", "school_only", "withdrawal_in_future"),
        "ppt": ("valid", "reconsented", "withdrawal_in_future"),
    }.get(user, ())
    return consent in covered and (action == Action.READ or (action == Action.WRITE and writable))


MATRIX = list(itertools.product(USERS, LOG_STATES, CONSENT_STATES, Action))


@pytest.mark.parametrize(("user", "state", "consent", "action"), MATRIX)
def test_matrix_on_the_work_section(user: str, state: str, consent: str, action: Action) -> None:
    log = _log(state, CONSENT_STATES[consent])
    decision = decide(USERS[user], log, action, Section.WORK, NOW)
    assert decision.allowed is _oracle(user, state, consent, action)
    assert bool(decision.basis) is decision.allowed  # an allowed access always has a basis


def test_basis_names_the_consent_or_relation() -> None:
    log = _log("active", CONSENT_STATES["reconsented"])
    assert decide(USERS["ppt"], log, Action.READ, Section.WORK, NOW).basis in (
        "consent:c3",
        "consent:c2",
    )
    assert decide(USERS["guardian1"], log, Action.READ, Section.WORK, NOW).basis == "guardian"
    assert decide(USERS["child"], log, Action.READ, Section.WORK, NOW).basis == "own view"
    closed = _log("closed", CONSENT_STATES["valid"])
    assert decide(USERS["archivist"], closed, Action.EXPORT, Section.WORK, NOW).basis == "archive"


@pytest.mark.parametrize("section", list(Section))
def test_only_holder_manages_and_only_some_sections(section: Section) -> None:
    log = _log("active", CONSENT_STATES["valid"])
    holder = decide(USERS["holder"], log, Action.MANAGE, section, NOW).allowed
    assert holder is (section in (Section.OVERVIEW, Section.PARTICIPANTS, Section.CONSENTS))
    assert not decide(USERS["ppt"], log, Action.MANAGE, section, NOW)
    guardian = decide(USERS["guardian1"], log, Action.MANAGE, section, NOW).allowed
    assert guardian is (section == Section.CONSENTS)  # to withdraw consent


@pytest.mark.parametrize("section", list(Section))
def test_sections_per_user(section: Section) -> None:
    log = _log("active", CONSENT_STATES["valid"])
    assert decide(USERS["guardian1"], log, Action.READ, section, NOW)
    assert decide(USERS["ppt"], log, Action.READ, section, NOW).allowed is (
        section != Section.ACCESS_LOG
    )
    child = decide(USERS["child"], log, Action.READ, section, NOW).allowed
    assert child is (
        section in (Section.OVERVIEW, Section.PRESENTATION, Section.WORK, Section.MEETINGS)
    )
    # The child writes in their presentation and the work, and answers in the meetings section.
    child_writes = decide(USERS["child"], log, Action.WRITE, section, NOW).allowed
    assert child_writes is (section in (Section.PRESENTATION, Section.WORK, Section.MEETINGS))
    assert not decide(USERS["child"], log, Action.MANAGE, section, NOW)
    archived = _log("archived", CONSENT_STATES["valid"])
    assert decide(USERS["archivist"], archived, Action.READ, section, NOW).allowed is (
        section != Section.ACCESS_LOG
    )


def _youth_log(consents: tuple[ConsentFact, ...], age_on_now: int = 16) -> LogFacts:
    return _log("active", consents, birth=date(NOW.year - age_on_now, 1, 1))


def test_from_the_configured_age_the_subject_decides() -> None:
    guardians_only = CONSENT_STATES["valid"]
    log = _youth_log(guardians_only)
    # Until the youth answers, the guardians' consents stand: the help goes on past the birthday.
    assert decide(USERS["ppt"], log, Action.READ, Section.WORK, NOW).basis.startswith("consent:")
    assert decide(USERS["guardian1"], log, Action.READ, Section.WORK, NOW).basis == "guardian"
    assert decide(USERS["child"], log, Action.READ, Section.ACCESS_LOG, NOW).basis == "subject"
    # Once the youth has answered, only the youth's answer counts (here: a refusal of everything).
    refusal = _consent("y0", "p-child", set(), role="subject", include_guardians=False)
    refusal = replace(refusal, refused=frozenset({Service.PPT, Service.SCHOOL}))
    log = _youth_log((*guardians_only, refusal))
    assert not decide(USERS["ppt"], log, Action.READ, Section.WORK, NOW)
    assert not decide(USERS["guardian1"], log, Action.READ, Section.WORK, NOW)

    youth = _consent("y1", "p-child", {Service.PPT}, role="subject", include_guardians=False)
    log = _youth_log((*guardians_only, youth))
    assert decide(USERS["ppt"], log, Action.READ, Section.WORK, NOW).basis == "consent:y1"
    assert not decide(USERS["holder"], log, Action.READ, Section.WORK, NOW)  # school not covered
    assert not decide(USERS["guardian1"], log, Action.READ, Section.WORK, NOW)

    including = replace(youth, include_guardians=True)
    log = _youth_log((*guardians_only, including))
    assert decide(USERS["guardian1"], log, Action.READ, Section.WORK, NOW).basis == "guardian"

    withdrawn = replace(including, withdrawn_at=datetime(2026, 11, 1, tzinfo=UTC))
    log = _youth_log((*guardians_only, withdrawn))
    assert not decide(USERS["ppt"], log, Action.READ, Section.WORK, NOW)
    assert not decide(USERS["guardian1"], log, Action.READ, Section.WORK, NOW)


def test_someone_else_cannot_consent_as_the_subject() -> None:
    fake = _consent("y1", "p-g1", {Service.PPT}, role="subject")
    log = _youth_log((fake,))
    assert not decide(USERS["ppt"], log, Action.READ, Section.WORK, NOW)


@pytest.mark.parametrize(("youth_age", "adult"), [(15, True), (16, False)])
def test_youth_age_is_configurable(youth_age: int, adult: bool) -> None:
    log = _youth_log(CONSENT_STATES["valid"], age_on_now=15)
    decision = decide(USERS["child"], log, Action.READ, Section.ACCESS_LOG, NOW, youth_age)
    assert decision.allowed is adult


def test_a_service_added_without_new_consent_sees_nothing() -> None:
    log = _log("active", CONSENT_STATES["school_only"])
    for section, action in itertools.product(Section, Action):
        assert not decide(USERS["ppt"], log, action, section, NOW)
        assert not decide(USERS["health"], log, action, section, NOW)


def test_decide_is_pure() -> None:
    log = _log("active", CONSENT_STATES["valid"])
    first = [decide(u, log, Action.READ, Section.WORK, NOW) for u in USERS.values()]
    again = [decide(u, log, Action.READ, Section.WORK, NOW) for u in USERS.values()]
    assert first == again


def test_scope_agrees_with_decide_everywhere() -> None:
    """The one-pass scope of a page view gives exactly the decisions decide gives."""
    from app.access import scope

    checked = 0
    for user, facts, now in _scope_cases():
        whole = scope(user, facts, now, 16)
        for action in (Action.READ, Action.WRITE, Action.MANAGE):
            for section in Section:
                assert whole.decision(action, section) == decide(
                    user, facts, action, section, now, 16
                ), (user, action, section)
                checked += 1
    assert checked > 1000


def _scope_cases():  # type: ignore[no-untyped-def]
    """Every user on every log state and consent state, and youth logs around the age."""
    for user, state, consent in itertools.product(USERS, LOG_STATES, CONSENT_STATES):
        yield USERS[user], _log(state, CONSENT_STATES[consent]), NOW
    for user, consent, age in itertools.product(USERS, CONSENT_STATES, (15, 16, 17)):
        yield USERS[user], _youth_log(CONSENT_STATES[consent], age), NOW


@pytest.mark.parametrize("section", list(Section))
def test_a_pending_log_is_the_holders_and_the_familys_consent_request(section: Section) -> None:
    """Before consent: the holder prepares what consent needs; the family answers; no one else."""
    log = _log("pending", ())
    prepares = section in (
        Section.OVERVIEW,
        Section.PARTICIPANTS,
        Section.CONSENTS,
        Section.ATTACHMENTS,
    )
    for action in (Action.WRITE, Action.MANAGE):
        assert decide(USERS["holder"], log, action, section, NOW).allowed is prepares
    assert decide(USERS["holder"], log, Action.READ, section, NOW).allowed is (
        section != Section.ACCESS_LOG
    )
    for family in ("guardian1", "guardian2"):
        reads = decide(USERS[family], log, Action.READ, section, NOW).allowed
        assert reads is (section in (Section.OVERVIEW, Section.CONSENTS))
        answers = decide(USERS[family], log, Action.MANAGE, section, NOW).allowed
        assert answers is (section == Section.CONSENTS)
        assert not decide(USERS[family], log, Action.WRITE, section, NOW)
    for other in ("ppt", "child", "self_named", "stranger", "coordinator", "archivist"):
        for action in Action:
            assert not decide(USERS[other], log, action, section, NOW), (other, action)


def test_a_consent_ends_at_midnight_in_norway_not_in_utc() -> None:
    """Valid until 30 June: at 00:30 Oslo time on 1 July (22:30 UTC on 30 June) it has ended."""
    log = _log("active", CONSENT_STATES["expired"])  # valid until 2026-06-30
    before = datetime(2026, 6, 30, 21, 30, tzinfo=UTC)  # 23:30 in Oslo (summer time)
    after = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 in Oslo on 1 July
    assert decide(USERS["ppt"], log, Action.READ, Section.WORK, before)
    assert not decide(USERS["ppt"], log, Action.READ, Section.WORK, after)


def _school_log(
    consents: tuple[ConsentFact, ...], former: frozenset[str] = frozenset()
) -> LogFacts:
    return replace(_log("active", consents), former_guardians=former)


def test_a_refusal_in_a_guardians_latest_answer_keeps_the_service_out() -> None:
    refusal = replace(_consent("c3", "p-g2", set()), refused=frozenset({Service.PPT}))
    log = _school_log((_consent("c1", "p-g1", BOTH), refusal))
    assert covered_services(log, NOW) == {Service.SCHOOL}
    # Consenting later (a new answer, the refusal withdrawn) lets it in.
    changed = replace(refusal, withdrawn_at=NOW - timedelta(hours=1))
    again = _consent("c4", "p-g2", {Service.PPT}, start=NOW.date())
    assert (
        covered_services(_school_log((_consent("c1", "p-g1", BOTH), changed, again)), NOW) == BOTH
    )


def test_a_withdrawal_by_a_guardian_ended_since_still_counts() -> None:
    withdrawn = _consent("c1", "p-g3", BOTH, withdrawn=datetime(2026, 11, 1, tzinfo=UTC))
    log = _school_log((withdrawn, _consent("c2", "p-g1", BOTH)), former=frozenset({"p-g3"}))
    assert covered_services(log, NOW) == frozenset()
    # A consent given by a guardian after that withdrawal lets the services in again.
    later = _consent("c5", "p-g1", BOTH, start=date(2026, 11, 2))
    log = _school_log((withdrawn, later), former=frozenset({"p-g3"}))
    assert covered_services(log, NOW) == BOTH
