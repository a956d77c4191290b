"""The coordinator's overview beneath HTTP (issue 8, part 11): real logs, the clock moved on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.access import StaffRole, User, UserKind
from app.documents.fields import LogTemplate, Service
from app.documents.overview import Subject
from app.documents.people import Consent
from app.documents.records import BatonHandover
from app.gateway import NoAccess, Portal
from app.instance import Instance
from app.logs.ids import new_document_id
from tests.conftest import TODAY, fnr, guardian_consent, guardians_of, holder
from tests.lifecycle.test_verbs import FATHER, MOTHER, _citizen, _log

COORDINATOR = User("s-coord001", UserKind.STAFF, frozenset({StaffRole.COORDINATOR}))


def _at(days: int) -> datetime:
    """Noon in Norway, ``days`` from today."""
    return datetime.combine(TODAY + timedelta(days=days), time(11), tzinfo=UTC)


def test_each_list_holds_the_logs_that_need_acting_on_and_only_them(instance: Instance) -> None:
    portal = Portal(instance)
    quiet, expiring, handed, passive = (_log(instance, [Service.SCHOOL], 100 + n) for n in range(4))
    # One log's consents were given a while ago and end in 30 days.
    snapshot = instance.logs.snapshot(expiring)
    shortened = [
        c.revised(valid_until=TODAY + timedelta(days=30)) for c in snapshot.of_kind(Consent)
    ]
    instance.logs.save(
        expiring, shortened, expected_revision=snapshot.revision, actor_id="s-holder01"
    )
    # One has a handover nobody answered for 20 days.
    snapshot = instance.logs.snapshot(handed)
    second = next(p for p in snapshot.of_kind_active_participants() if p.user_id == "s-second01")
    offer = BatonHandover(
        id=new_document_id(),
        from_holder=snapshot.overview.holder,
        to_holder=second.id,
        state="offered",
        offered_by="s-holder01",
        offered_on=TODAY - timedelta(days=20),
    )
    instance.logs.save(handed, [offer], expected_revision=snapshot.revision, actor_id="s-holder01")
    # One became passive: both guardians withdrew everything.
    for number in (MOTHER, FATHER):
        portal.withdraw_consent(
            _citizen(instance, number), passive, seen_revision=instance.logs.head(passive)
        )

    found = portal.coordinator_overview(COORDINATOR, now=_at(0))
    assert [line.log_id for line in found.expiring] == [expiring]
    assert found.expiring[0].on == TODAY + timedelta(days=30)
    assert [line.log_id for line in found.stale_handovers] == [handed]
    assert [line.log_id for line in found.passive] == [passive]
    assert found.stale_pending == [] and found.deletions == []
    assert quiet not in {line.log_id for rows in (found.expiring, found.passive) for line in rows}
    # The coordinator takes part in none of them: ids and units, no names.
    assert all(line.name == "" for line in found.expiring + found.stale_handovers + found.passive)
    # Every listed log records the coordinator's look in its access log.
    entries = instance.access_log.entries(expiring)
    assert any(e.actor == COORDINATOR.principal and e.basis == "coordinator" for e in entries)
    # Renewed: the mother's new consent outlasts the old one, so no reminder for her.
    mother = _citizen(instance, MOTHER)
    portal.renew_consent(mother, expiring, seen_revision=instance.logs.head(expiring))
    father = _citizen(instance, FATHER)
    portal.renew_consent(father, expiring, seen_revision=instance.logs.head(expiring))
    assert portal.coordinator_overview(COORDINATOR).expiring == []  # renewed from today
    # Sixty days before the renewed ones run out they are listed again.
    later = portal.coordinator_overview(COORDINATOR, now=_at(2 * 365 - 50))
    assert expiring in {line.log_id for line in later.expiring}


def test_a_unit_leader_sees_their_units_and_other_staff_nothing(instance: Instance) -> None:
    portal = Portal(instance)
    _log(instance, [Service.SCHOOL])
    with pytest.raises(NoAccess):
        portal.coordinator_overview(User("s-holder01", UserKind.STAFF))
    with pytest.raises(NoAccess):
        portal.coordinator_overview(User(_citizen(instance, MOTHER).principal, UserKind.CITIZEN))
    stranger_leader = User("s-nobody01", UserKind.STAFF, frozenset({StaffRole.UNIT_LEADER}))
    found = portal.coordinator_overview(stranger_leader, now=_at(800))
    assert found.expiring == [] and not found.decides_deletions  # leads no unit here


def test_the_holder_and_the_family_see_the_reminder_on_their_lists(instance: Instance) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    holder = User("s-holder01", UserKind.STAFF)
    mother = _citizen(instance, MOTHER)
    other = User("s-second01", UserKind.STAFF)

    def line(user: User, days: int):  # type: ignore[no-untyped-def]
        return next(s for s in portal.my_logs(user, now=_at(days)) if s.log_id == log_id)

    assert line(holder, 0).consent_ends is None  # two years left: no reminder
    ends = TODAY + timedelta(days=730)
    assert line(holder, 730 - 59).consent_ends == ends  # inside the 60 days
    assert line(mother, 730 - 59).consent_ends == ends
    assert line(other, 730 - 59).consent_ends is None  # a participant is not reminded
    assert line(holder, 730 - 61).consent_ends is None
    # Once it has run out, the family's list says so (the staff no longer see the log).
    lapsed = line(mother, 731)
    assert lapsed.consent_expired and lapsed.consent_ends is None
    assert all(s.log_id != log_id for s in portal.my_logs(holder, now=_at(731)))


def test_the_guardians_consent_stands_past_the_birthday_until_the_youth_answers(
    instance: Instance,
) -> None:
    portal = Portal(instance)
    renewed = [guardian_consent("Mor Testesen", MOTHER), guardian_consent("Far Testesen", FATHER)]
    lapsing = [  # the first consents, given two years ago, run out after the birthday
        c.revised(
            id=new_document_id(),
            valid_from=TODAY - timedelta(days=690),
            valid_until=TODAY + timedelta(days=40),
        )
        for c in renewed
    ]
    consents = lapsing + renewed
    birth = date(2010, 12, 20)  # 16 a month after TODAY
    log_id = instance.logs.create_log(
        actor_id="s-holder01",
        template=LogTemplate.SCHOOL,
        subject=Subject(
            fnr=fnr(20, 12, 2010, 300), given_name="Ung", family_name="Testesen", birth_date=birth
        ),
        municipality="Testkommune",
        unit_id="enhet-test",
        holder=holder(),
        consents=consents,
        guardians=guardians_of(renewed),
        today=TODAY,
    ).log_id
    mother = _citizen(instance, MOTHER)
    after = _at(60)  # past the birthday; the youth has not answered anything
    line = next(s for s in portal.my_logs(mother, now=after) if s.log_id == log_id)
    assert not line.consent_expired and line.consent_ends is None
    holders_line = next(
        s
        for s in portal.my_logs(User("s-holder01", UserKind.STAFF), now=after)
        if s.log_id == log_id
    )
    assert holders_line.status == "active" and holders_line.opens
