"""Noark 5 systemIDs: given once when a document is first stored, never changed after."""

from __future__ import annotations

from uuid import UUID

from app.documents.work import Goal
from app.instance import Instance
from app.logs.codec import LogCodec
from app.logs.events import SYSTEM_ACTOR, Action, LogEvent
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from tests.conftest import create_log


def _goal(title: str = "Lese hver dag") -> Goal:
    return Goal(id=new_document_id(), title=title, arena="home_leisure")


def test_every_document_of_a_new_log_has_its_own_system_id(instance: Instance) -> None:
    snap = create_log(instance)
    stored = instance.logs.snapshot(snap.log_id).documents.values()
    ids = [d.system_id for d in stored]
    assert all(isinstance(i, UUID) for i in ids)
    assert len(set(ids)) == len(ids)
    assert snap.documents == instance.logs.snapshot(snap.log_id).documents


def test_a_system_id_survives_revisions_and_rebuilt_documents(instance: Instance) -> None:
    snap = create_log(instance)
    goal = _goal()
    r1 = instance.logs.save(snap.log_id, [goal], expected_revision=snap.revision, actor_id="s-a1")
    first = instance.logs.read_document(snap.log_id, DocRef("goal", goal.id))
    assert first.system_id is not None
    # A revision of the read document, a model rebuilt from scratch without the field,
    # and one that claims another systemID: all keep the stored one.
    r2 = instance.logs.save(
        snap.log_id, [first.revised(title="Lese to ganger")], expected_revision=r1, actor_id="s-a1"
    )
    r3 = instance.logs.save(
        snap.log_id, [goal.revised(title="Ny tittel")], expected_revision=r2, actor_id="s-a1"
    )
    other = UUID("00000000-0000-4000-8000-000000000000")
    instance.logs.save(
        snap.log_id, [goal.revised(system_id=other)], expected_revision=r3, actor_id="s-a1"
    )
    for revision in (r2, r3, None):
        again = instance.logs.read_document(snap.log_id, DocRef("goal", goal.id), revision)
        assert again.system_id == first.system_id


def test_migration_gives_old_documents_a_system_id_once(instance: Instance) -> None:
    snap = create_log(instance)
    old = _goal("Skrevet før systemID fantes")
    assert old.system_id is None
    # Store it the way the service did before the field existed: bypassing save().
    with instance.store.open(snap.log_id) as repo:
        codec = LogCodec(instance.keys.log_cipher(snap.log_id))
        path, sealed = codec.encode(old)
        event = LogEvent(Action.SAVE, "s-a1", (DocRef("goal", old.id),))
        commit = repo.commit({path: sealed}, snap.revision, "s-a1", event.to_message())
    instance.logs.ledger.record(snap.log_id, commit.id)
    assert instance.logs.read_document(snap.log_id, DocRef("goal", old.id)).system_id is None

    assert instance.logs.add_system_ids(snap.log_id) == 1
    migrated = instance.logs.read_document(snap.log_id, DocRef("goal", old.id))
    assert migrated.system_id is not None
    assert migrated == old.revised(system_id=migrated.system_id)  # nothing else changed
    newest = instance.logs.history(snap.log_id, limit=1)[0]
    assert newest.event is not None and newest.event.action == Action.MIGRATE
    assert newest.author_id == SYSTEM_ACTOR

    head = instance.logs.head(snap.log_id)
    assert instance.logs.add_system_ids(snap.log_id) == 0  # a migrated log is left alone
    assert instance.logs.head(snap.log_id) == head


def test_a_copy_under_a_new_id_and_a_borrowed_system_id_get_their_own(instance: Instance) -> None:
    snap = create_log(instance)
    goal = _goal()
    r1 = instance.logs.save(snap.log_id, [goal], expected_revision=snap.revision, actor_id="s-a1")
    stored = instance.logs.read_document(snap.log_id, DocRef("goal", goal.id))
    copy = stored.revised(id=new_document_id())  # a new document made from an old one
    assert copy.system_id is None
    borrowed = _goal("Lånt").revised(system_id=stored.system_id)
    instance.logs.save(snap.log_id, [copy, borrowed], expected_revision=r1, actor_id="s-a1")
    ids = [d.system_id for d in instance.logs.snapshot(snap.log_id).documents.values()]
    assert None not in ids and len(ids) == len(set(ids))
