"""The life-cycle verbs beneath HTTP: the rules a form cannot show (real Git, real keys)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.access import Section, User, UserKind, covered_services
from app.access.facts import facts_from_documents
from app.documents.fields import LogStatus, LogTemplate, Service
from app.documents.overview import Subject
from app.documents.people import Consent, ConsentRequest, Participant
from app.documents.records import BatonHandover, StatusChange
from app.gateway import NoAccess, Portal
from app.gateway.changes import Change
from app.gateway.lifecycle import LifecycleRefused
from app.instance import Instance
from app.lifecycle.machine import Step, StepRefused
from app.logs.errors import RuleViolation
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from tests.conftest import (
    TODAY,
    fnr,
    guardian_consent,
    guardians_of,
    holder,
)

MOTHER, FATHER = fnr(3, 4, 1985, 200), fnr(5, 6, 1984, 300)
HOLDER = User("s-holder01", UserKind.STAFF)


def _log(instance: Instance, services: list[Service], serial: int = 100) -> str:
    consents = [
        guardian_consent("Mor Testesen", MOTHER, services),
        guardian_consent("Far Testesen", FATHER, services),
    ]
    second = Participant(
        id=new_document_id(),
        user_id="s-second01",
        name="Andre Ansatt",
        service=Service.SCHOOL,
        joined_on=TODAY,
    )
    snapshot = instance.logs.create_log(
        actor_id="s-holder01",
        template=LogTemplate.SCHOOL,
        subject=Subject(
            fnr=fnr(1, 2, 2016, serial),
            given_name="Testbarn",
            family_name="Testesen",
            birth_date=date(2016, 2, 1),
        ),
        municipality="Testkommune",
        unit_id="enhet-test",
        holder=holder(),
        consents=consents,
        guardians=guardians_of(consents),
        today=TODAY,
    )
    instance.logs.save(
        snapshot.log_id, [second], expected_revision=snapshot.revision, actor_id="s-holder01"
    )
    return snapshot.log_id


def _citizen(instance: Instance, number: str) -> User:
    return User(instance.index.person_principal(number), UserKind.CITIZEN)


def _covered(instance: Instance, log_id: str) -> frozenset[Service]:
    snapshot = instance.logs.snapshot(log_id)
    facts = facts_from_documents(
        log_id, snapshot.documents.values(), instance.index.person_principal
    )
    return covered_services(facts, datetime.now(UTC))


def test_withdrawing_one_service_keeps_the_rest_and_the_log_active(instance: Instance) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL, Service.PPT])
    mother = _citizen(instance, MOTHER)
    mine = next(
        c for c in instance.logs.snapshot(log_id).of_kind(Consent) if c.given_by_fnr == MOTHER
    )
    portal.withdraw_consent(
        mother,
        log_id,
        consent_id=mine.id,
        only=Service.PPT,
        seen_revision=instance.logs.head(log_id),
    )
    snapshot = instance.logs.snapshot(log_id)
    assert snapshot.overview.status == LogStatus.ACTIVE
    hers = [c for c in snapshot.of_kind(Consent) if c.given_by_fnr == MOTHER]
    assert len(hers) == 2 and [c.services for c in hers if c.withdrawn_at] == [
        [Service.SCHOOL, Service.PPT]
    ]
    assert [c.services for c in hers if c.withdrawn_at is None] == [[Service.SCHOOL]]
    # The father's consent still names PPT, but her withdrawal keeps PPT out.
    assert _covered(instance, log_id) == {Service.SCHOOL}
    # Nobody withdraws someone else's consent.
    father = _citizen(instance, FATHER)
    with pytest.raises(NoAccess):
        portal.withdraw_consent(
            father, log_id, consent_id=mine.id, seen_revision=instance.logs.head(log_id)
        )


def test_withdrawing_everything_makes_the_log_passive_in_the_same_commit(
    instance: Instance,
) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    before = instance.logs.head(log_id)
    portal.withdraw_consent(_citizen(instance, FATHER), log_id, seen_revision=before)
    snapshot = instance.logs.snapshot(log_id)
    assert snapshot.overview.status == LogStatus.PASSIVE
    assert [s.step for s in snapshot.of_kind(StatusChange)] == [Step.MAKE_PASSIVE.value]
    with instance.logs.store.open(log_id) as repo:  # the withdrawal and the step: one commit
        assert repo.commit_info(snapshot.revision).parent_ids == (before,)
    # Passive: the holder is out; the state machine refuses a level change or a handover.
    with pytest.raises(NoAccess):
        portal.open_log(HOLDER, log_id)
    with pytest.raises(NoAccess):
        portal.change_level(
            HOLDER,
            log_id,
            level=2,
            changed_on=TODAY,
            reason="x",
            seen_revision=snapshot.revision,
        )
    # The mother renews with one click: the log is active again.
    portal.renew_consent(_citizen(instance, FATHER), log_id, seen_revision=snapshot.revision)
    assert instance.logs.snapshot(log_id).overview.status == LogStatus.ACTIVE


def test_the_ordinary_pipeline_cannot_take_a_life_cycle_step(instance: Instance) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    snapshot = instance.logs.snapshot(log_id)
    overview = snapshot.overview
    second = next(p for p in snapshot.of_kind(Participant) if p.user_id == "s-second01")
    forged = [
        overview.revised(status=LogStatus.CLOSED, closed_on=TODAY, closing_reason="other"),
        overview.revised(holder=second.id),
        overview.revised(level=3),
        guardian_consent("Mor Testesen", MOTHER, [Service.PPT]),
        BatonHandover(
            id=new_document_id(),
            from_holder=overview.holder,
            to_holder=second.id,
            handed_over_on=TODAY,
        ),
    ]
    for document in forged:
        with pytest.raises(RuleViolation) as refused:
            portal.change(HOLDER, log_id, Change((document,)), expected_revision=snapshot.revision)
        assert refused.value.code == "lifecycle_verb"
    assert instance.logs.head(log_id) == snapshot.revision


def test_a_handover_waits_for_the_new_holder_and_only_they_accept(instance: Instance) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    snapshot = instance.logs.snapshot(log_id)
    second = next(p for p in snapshot.of_kind(Participant) if p.user_id == "s-second01")
    with pytest.raises(LifecycleRefused) as refused:  # not in the directory: cannot hold it
        portal.offer_baton(HOLDER, log_id, second.id, seen_revision=snapshot.revision)
    assert refused.value.code == "handover_target"


def test_closing_refuses_from_the_wrong_state_and_needs_a_note_for_other(
    instance: Instance,
) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    head = instance.logs.head(log_id)
    with pytest.raises(LifecycleRefused) as refused:
        portal.close_log(HOLDER, log_id, reason="other", seen_revision=head)  # type: ignore[arg-type]
    assert refused.value.code == "note_required"
    portal.close_log(HOLDER, log_id, reason="goals_reached", seen_revision=head)  # type: ignore[arg-type]
    closed = instance.logs.head(log_id)
    with pytest.raises((StepRefused, NoAccess)):
        portal.close_log(
            _citizen(instance, MOTHER),
            log_id,
            reason="goals_reached",  # type: ignore[arg-type]
            seen_revision=closed,
        )
    assert instance.logs.head(log_id) == closed


def test_a_status_record_names_only_steps_of_the_machine() -> None:
    allowed = set(StatusChange.model_fields["step"].annotation.__args__)  # type: ignore[union-attr]
    assert allowed == {s.value for s in Step} - {"shred"}
    assert Section.OVERVIEW  # the records live in the overview section


def test_withdrawing_after_a_refusal_keeps_the_refused_service_out(instance: Instance) -> None:
    """A guardian said yes to school and no to PPT; withdrawing the yes must not let PPT in."""
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL, Service.PPT])
    snapshot = instance.logs.snapshot(log_id)
    mine = next(c for c in snapshot.of_kind(Consent) if c.given_by_fnr == MOTHER)
    answer = mine.revised(services=[Service.SCHOOL], refused=[Service.PPT])
    instance.logs.save(log_id, [answer], expected_revision=snapshot.revision, actor_id="s-holder01")
    assert _covered(instance, log_id) == {Service.SCHOOL}
    mother = _citizen(instance, MOTHER)
    portal.withdraw_consent(mother, log_id, seen_revision=instance.logs.head(log_id))
    assert _covered(instance, log_id) == frozenset()
    assert instance.logs.snapshot(log_id).overview.status == LogStatus.PASSIVE


def test_reopened_without_the_old_content_staff_see_only_what_came_after(
    instance: Instance,
) -> None:
    """Part 9: the guardians decide; the history stays in Git but the participants don't see it."""
    from app.documents.work import Goal

    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    old_goal = Goal(id=new_document_id(), title="Gammelt mål", arena="home_leisure")
    instance.logs.save(
        log_id, [old_goal], expected_revision=instance.logs.head(log_id), actor_id="s-holder01"
    )
    portal.close_log(
        HOLDER, log_id, reason="goals_reached", seen_revision=instance.logs.head(log_id)
    )
    portal.request_consent(
        HOLDER,
        log_id,
        purpose="reopen",
        services=[Service.SCHOOL],
        seen_revision=instance.logs.head(log_id),
    )
    request = instance.logs.snapshot(log_id).of_kind(ConsentRequest)[-1]
    closed_head = instance.logs.head(log_id)
    for number in (MOTHER, FATHER):
        before_reopening = instance.logs.head(log_id)
        portal.answer_consent(
            _citizen(instance, number),
            log_id,
            request.id,
            consented=[Service.SCHOOL],
            refused=[],
            show_old_content=number == MOTHER,
            seen_revision=instance.logs.head(log_id),
        )
    overview = instance.logs.snapshot(log_id).overview
    assert overview.status == LogStatus.ACTIVE and overview.hidden_before is not None
    assert overview.hidden_before == before_reopening  # the last revision before it
    # One guardian said no: the holder no longer sees the old goal, its versions or the history.
    page = portal.open_log(HOLDER, log_id)
    assert DocRef("goal", old_goal.id) not in page.snapshot.documents
    assert Section.HISTORY not in page.readable
    with pytest.raises(NoAccess):
        portal.read_version(HOLDER, log_id, DocRef("goal", old_goal.id), closed_head)
    assert portal.last_version(HOLDER, log_id, DocRef("goal", old_goal.id)) is None
    # The family still sees everything; what is written now is seen by the staff.
    mother_page = portal.open_log(_citizen(instance, MOTHER), log_id)
    assert DocRef("goal", old_goal.id) in mother_page.snapshot.documents
    new_goal = Goal(id=new_document_id(), title="Nytt mål", arena="home_leisure")
    portal.change(HOLDER, log_id, Change((new_goal,)), expected_revision=page.revision)
    assert DocRef("goal", new_goal.id) in portal.open_log(HOLDER, log_id).snapshot.documents
