"""The log service over a real instance: create, save, history, diff, restore, index."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from app.documents.base import DocumentBase
from app.documents.fields import Arena, LogStatus, LogTemplate, Service
from app.documents.overview import Presentation, Subject
from app.documents.people import Consent, Participant
from app.documents.records import Attachment, BatonHandover
from app.documents.work import Goal
from app.instance import Instance, open_instance
from app.logs.errors import (
    CorruptLog,
    DocumentNotFound,
    EditConflict,
    LogNotFound,
    RuleViolation,
    SubjectAlreadyHasLog,
)
from app.logs.events import Action
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.roles import Relation
from tests.conftest import TODAY, create_log, fnr, guardian_consent, guardians_of, holder


def _goal(title: str = "Lese hver dag") -> Goal:
    return Goal(id=new_document_id(), title=title, arena=Arena.HOME_LEISURE)


@pytest.mark.parametrize(
    ("template", "title"),
    [
        (LogTemplate.KINDERGARTEN, "Meg som barnehagebarn"),
        (LogTemplate.SCHOOL, "Meg som elev"),
        (LogTemplate.HEALTH_STATION, "Meg som barn"),
        (LogTemplate.PREGNANCY, "Meg som gravid"),
    ],
)
def test_create_from_each_template(instance: Instance, template: LogTemplate, title: str) -> None:
    snap = instance.logs.create_log(
        actor_id="s-holder01",
        template=template,
        subject=Subject(
            fnr=fnr(1, 2, 2016), given_name="A", family_name="B", birth_date=date(2016, 2, 1)
        ),
        municipality="M",
        unit_id="enhet-a",
        holder=holder(),
        consents=[mother := guardian_consent("Mor", fnr(3, 4, 1985, 200), note="Far er ukjent.")],
        guardians=guardians_of([mother]),
        today=TODAY,
    )
    again = instance.logs.snapshot(snap.log_id)
    assert again.documents == snap.documents
    assert again.of_kind(Presentation)[0].title == title
    assert again.overview.template == template and again.overview.id == snap.log_id


def test_existing_subject_is_found_not_duplicated(instance: Instance) -> None:
    snap = create_log(instance)
    assert instance.logs.find_by_subject(snap.overview.subject.fnr) == snap.log_id
    with pytest.raises(SubjectAlreadyHasLog) as info:
        create_log(instance, subject_fnr=snap.overview.subject.fnr)
    assert info.value.log_id == snap.log_id
    assert instance.logs.find_by_subject(fnr(9, 9, 2015)) is None


def test_creation_requires_consent_rules(instance: Instance) -> None:
    subject = Subject(
        fnr=fnr(1, 2, 2016), given_name="A", family_name="B", birth_date=date(2016, 2, 1)
    )
    common = {
        "actor_id": "s-holder01",
        "template": LogTemplate.SCHOOL,
        "subject": subject,
        "municipality": "M",
        "unit_id": "enhet-a",
        "holder": holder(),
        "today": TODAY,
    }
    mother = guardian_consent("Mor", fnr(3, 4, 1985))
    with pytest.raises(RuleViolation, match="only one guardian"):
        instance.logs.create_log(consents=[mother], guardians=guardians_of([mother]), **common)
    with pytest.raises(RuleViolation, match="registered guardian"):  # a name proves nothing
        instance.logs.create_log(consents=[mother.revised(single_guardian_note="x")], **common)
    assert instance.store.repo_ids() == []  # refused before anything was stored
    # Without consent the log is started, pending until consent is in place.
    started = instance.logs.create_log(**common)
    assert started.overview.status == LogStatus.PENDING


def test_youth_may_consent_alone_from_the_configured_age(instance: Instance) -> None:
    born = date(TODAY.year - 16, 1, 1)
    subject = Subject(fnr=fnr(1, 1, born.year), given_name="Ung", family_name="B", birth_date=born)
    own = Consent(
        id=new_document_id(),
        given_by_name="Ung B",
        given_by_fnr=subject.fnr,
        role="subject",
        purpose="create",
        services=[Service.SCHOOL_HEALTH],
        valid_from=TODAY,
        valid_until=TODAY + timedelta(days=700),
        method="digital",
    )
    snap = instance.logs.create_log(
        actor_id="s-holder01",
        template=LogTemplate.HEALTH_STATION,
        subject=subject,
        municipality="M",
        unit_id="enhet-a",
        holder=holder(),
        consents=[own],
        today=TODAY,
    )
    assert snap.log_id
    younger = Subject(
        fnr=fnr(2, 1, born.year + 1),
        given_name="Yngre",
        family_name="B",
        birth_date=date(born.year + 1, 1, 2),
    )
    with pytest.raises(RuleViolation):
        instance.logs.create_log(
            actor_id="s-holder01",
            template=LogTemplate.HEALTH_STATION,
            subject=younger,
            municipality="M",
            unit_id="enhet-a",
            holder=holder(),
            consents=[own.revised(given_by_fnr=younger.fnr)],
            today=TODAY,
        )


def test_save_history_diff_restore(instance: Instance) -> None:
    snap = create_log(instance)
    goal = _goal("Lese 10 minutter")
    r1 = instance.logs.save(
        snap.log_id, [goal], expected_revision=snap.revision, actor_id="s-holder01"
    )
    r2 = instance.logs.save(
        snap.log_id,
        [goal.revised(title="Lese 20 minutter")],
        expected_revision=r1,
        actor_id="s-other01",
    )
    ref = DocRef("goal", goal.id)
    history = instance.logs.history(snap.log_id, ref)
    assert [h.revision for h in history] == [r2, r1]
    assert history[0].author_id == "s-other01" and history[0].event.action == Action.SAVE
    assert history[0].event.documents == (ref,)
    assert [h.event.action for h in instance.logs.history(snap.log_id)] == [
        Action.SAVE,
        Action.SAVE,
        Action.CREATE_LOG,
    ]

    diff = instance.logs.diff(snap.log_id, ref, r1, r2)
    assert [(d.op, d.text) for d in diff if d.op != "same"] == [
        ("removed", "title: Lese 10 minutter"),
        ("added", "title: Lese 20 minutter"),
    ]
    created = instance.logs.diff(snap.log_id, ref, snap.revision, r1)
    assert created and all(d.op == "added" for d in created)

    r3 = instance.logs.restore(snap.log_id, ref, r1, expected_revision=r2, actor_id="s-holder01")
    assert instance.logs.read_document(snap.log_id, ref).title == "Lese 10 minutter"
    assert instance.logs.read_document(snap.log_id, ref, r2).title == "Lese 20 minutter"
    assert instance.logs.history(snap.log_id, limit=1)[0].event.action == Action.RESTORE
    assert [h.revision for h in instance.logs.history(snap.log_id, ref)] == [r3, r2, r1]


def test_stale_save_is_a_conflict(instance: Instance) -> None:
    snap = create_log(instance)
    instance.logs.save(snap.log_id, [_goal()], expected_revision=snap.revision, actor_id="s-a0001")
    with pytest.raises(EditConflict):
        instance.logs.save(
            snap.log_id, [_goal()], expected_revision=snap.revision, actor_id="s-b0001"
        )
    assert len(instance.logs.snapshot(snap.log_id).of_kind(Goal)) == 1


def test_delete_and_missing_documents(instance: Instance) -> None:
    snap = create_log(instance)
    goal = _goal()
    r1 = instance.logs.save(
        snap.log_id, [goal], expected_revision=snap.revision, actor_id="s-a0001"
    )
    r2 = instance.logs.save(
        snap.log_id,
        [],
        deletions=[DocRef("goal", goal.id)],
        expected_revision=r1,
        actor_id="s-a0001",
    )
    assert instance.logs.snapshot(snap.log_id).of_kind(Goal) == []
    assert _same_content(
        instance.logs.read_document(snap.log_id, DocRef("goal", goal.id), r1), goal
    )
    with pytest.raises(DocumentNotFound):
        instance.logs.read_document(snap.log_id, DocRef("goal", goal.id))
    with pytest.raises(DocumentNotFound):
        instance.logs.save(
            snap.log_id,
            [],
            deletions=[DocRef("goal", goal.id)],
            expected_revision=r2,
            actor_id="s-a0001",
        )
    with pytest.raises(RuleViolation):
        instance.logs.save(
            snap.log_id,
            [],
            deletions=[DocRef("log", snap.log_id)],
            expected_revision=r2,
            actor_id="s-a0001",
        )


def test_holder_can_never_be_removed(instance: Instance) -> None:
    snap = create_log(instance)
    holder_ref = DocRef("participant", snap.overview.holder)
    with pytest.raises(RuleViolation, match="holder"):
        instance.logs.save(
            snap.log_id,
            [],
            deletions=[holder_ref],
            expected_revision=snap.revision,
            actor_id="s-a0001",
        )
    with pytest.raises(RuleViolation, match="holder"):
        instance.logs.save(
            snap.log_id,
            [snap.overview.revised(holder="nosuchperson1")],
            expected_revision=snap.revision,
            actor_id="s-a0001",
        )
    # Nor can the holder's participation end: the baton is handed on first.
    holder = snap.documents[holder_ref]
    with pytest.raises(RuleViolation, match="holder"):
        instance.logs.save(
            snap.log_id,
            [holder.revised(left_on=holder.joined_on)],  # type: ignore[attr-defined]
            expected_revision=snap.revision,
            actor_id="s-a0001",
        )
    assert instance.logs.head(snap.log_id) == snap.revision


def test_handover_moves_baton_and_index(instance: Instance) -> None:
    snap = create_log(instance)
    ppt = Participant(
        id=new_document_id(), user_id="s-ppt00001", name="PPT", service=Service.PPT, joined_on=TODAY
    )
    r1 = instance.logs.save(
        snap.log_id, [ppt], expected_revision=snap.revision, actor_id="s-holder01"
    )
    with pytest.raises(RuleViolation):
        instance.logs.hand_over(
            snap.log_id, "nosuchperson1", expected_revision=r1, actor_id="s-holder01"
        )
    instance.logs.hand_over(
        snap.log_id, ppt.id, expected_revision=r1, actor_id="s-holder01", today=TODAY
    )
    after = instance.logs.snapshot(snap.log_id)
    assert after.overview.holder == ppt.id
    (handover,) = after.of_kind(BatonHandover)
    assert handover.from_holder == snap.overview.holder and handover.to_holder == ppt.id
    relations = {(r.log_id, r.relation) for r in instance.index.logs_for("s-ppt00001")}
    assert relations == {(snap.log_id, "holder"), (snap.log_id, "participant")}
    assert {r.relation for r in instance.index.logs_for("s-holder01")} == {"participant"}


def test_attachment_bytes_are_encrypted_and_checked(instance: Instance) -> None:
    snap = create_log(instance)
    data = b"%PDF-1.7 signert samtykke Kari Nordmann"
    meta = Attachment(
        id=new_document_id(),
        title="Samtykke",
        filename="samtykke.pdf",
        media_type="application/pdf",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by="s-holder01",
        uploaded_at=datetime.now(UTC),
    )
    with pytest.raises(RuleViolation):
        instance.logs.attach(
            snap.log_id, meta, data + b"x", expected_revision=snap.revision, actor_id="s-holder01"
        )
    instance.logs.attach(
        snap.log_id, meta, data, expected_revision=snap.revision, actor_id="s-holder01"
    )
    assert instance.logs.read_attachment(snap.log_id, meta.id) == data
    with instance.store.open(snap.log_id) as repo:
        assert all(b"Kari" not in blob for blob in repo.read_all().values())


def test_index_relations_follow_the_documents(instance: Instance) -> None:
    snap = create_log(instance)
    mother = instance.index.person_principal(fnr(3, 4, 1985, 200))
    child = instance.index.person_principal(snap.overview.subject.fnr)
    assert [(r.log_id, r.relation) for r in instance.index.logs_for(mother)] == [
        (snap.log_id, Relation.GUARDIAN)
    ]
    assert [r.relation for r in instance.index.logs_for(child)] == [Relation.SUBJECT]
    assert {r.relation for r in instance.index.logs_for("s-holder01")} == {"holder", "participant"}
    stranger = instance.index.person_principal(fnr(7, 7, 1977))
    assert instance.index.logs_for(stranger) == []
    # The index is a cache: wipe it and rebuild from the repositories.
    instance.index.clear()
    assert instance.index.logs_for(mother) == []
    assert instance.logs.reindex() == 1
    assert [r.log_id for r in instance.index.logs_for(mother)] == [snap.log_id]
    assert instance.index.head_of(snap.log_id) == snap.revision


def test_index_never_stores_fnr_in_clear(instance: Instance) -> None:
    snap = create_log(instance)
    instance.index.close()
    raw = instance.settings.index_path.read_bytes()
    for suffix in ("-wal", "-shm"):
        extra = instance.settings.index_path.with_name(instance.settings.index_path.name + suffix)
        raw += extra.read_bytes() if extra.exists() else b""
    assert snap.overview.subject.fnr.encode() not in raw
    assert b"Testbarn" not in raw


def test_shredded_log_is_unreadable_everywhere(instance: Instance) -> None:
    snap = create_log(instance)
    instance.logs.shred(snap.log_id)
    with pytest.raises(LogNotFound):
        instance.logs.snapshot(snap.log_id)
    with pytest.raises(LogNotFound):
        instance.logs.history(snap.log_id)
    assert instance.logs.find_by_subject(snap.overview.subject.fnr) is None
    assert instance.logs.reindex() == 0
    assert instance.store.exists(snap.log_id)  # ciphertext remains, unreadable


def test_tampered_file_is_reported_as_corrupt_not_as_user_error(instance: Instance) -> None:
    snap = create_log(instance)
    with instance.store.open(snap.log_id) as repo:
        log_file = repo.read_file("log.md")
        repo.commit({"presentation.md": log_file}, snap.revision, "s-attacker", "swap")
    with pytest.raises(CorruptLog):
        instance.logs.snapshot(snap.log_id)


def test_unknown_log_and_revision(instance: Instance) -> None:
    with pytest.raises(LogNotFound):
        instance.logs.snapshot("nosuchlog123")
    with pytest.raises(LogNotFound):
        instance.logs.snapshot("../../etc")
    snap = create_log(instance)
    with pytest.raises(DocumentNotFound):
        instance.logs.snapshot(snap.log_id, "0" * 40)


def test_concurrent_creation_for_one_subject_yields_one_log(instance: Instance) -> None:
    import threading

    number = fnr(8, 8, 2017)
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def create() -> None:
        barrier.wait()
        try:
            outcomes.append(create_log(instance, subject_fnr=number).log_id)
        except SubjectAlreadyHasLog as exists:
            outcomes.append(exists)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [o for o in outcomes if isinstance(o, str)]
    assert len(created) == 1 and len(instance.store.repo_ids()) == 1
    assert all(o.log_id == created[0] for o in outcomes if isinstance(o, SubjectAlreadyHasLog))


def test_failed_creation_leaves_no_reservation_behind(instance: Instance) -> None:
    number = fnr(9, 9, 2017)
    blocker = instance.keys.root / "logs"
    blocker.write_text("a file where the key folder belongs: key storage fails")
    with pytest.raises(OSError):
        create_log(instance, subject_fnr=number)
    assert instance.logs.find_by_subject(number) is None
    assert instance.store.repo_ids() == []
    blocker.unlink()
    assert create_log(instance, subject_fnr=number).log_id


def test_new_data_key_version_seals_new_writes_and_keeps_history(instance: Instance) -> None:
    from app.encryption import envelope

    snap = create_log(instance)
    goal = _goal()
    r1 = instance.logs.save(
        snap.log_id, [goal], expected_revision=snap.revision, actor_id="s-a0001"
    )
    assert instance.keys.add_log_key_version(snap.log_id) == 2
    r2 = instance.logs.save(
        snap.log_id, [goal.revised(title="Ny")], expected_revision=r1, actor_id="s-a0001"
    )
    with instance.store.open(snap.log_id) as repo:
        versions = {
            rev: envelope.unpack(repo.read_file(f"goals/{goal.id}.md", rev))[0] for rev in (r1, r2)
        }
    assert versions[r1].data_key_version == 1 and versions[r2].data_key_version == 2
    assert _same_content(
        instance.logs.read_document(snap.log_id, DocRef("goal", goal.id), r1), goal
    )


def test_a_rolled_back_log_is_refused(instance: Instance) -> None:
    import subprocess

    from app.maintenance import check_instance

    snap = create_log(instance)
    goal = _goal()
    r1 = instance.logs.save(
        snap.log_id, [goal], expected_revision=snap.revision, actor_id="s-a0001"
    )
    withdrawn = (
        instance.logs.snapshot(snap.log_id)
        .of_kind(Consent)[0]
        .revised(withdrawn_at=datetime(2026, 11, 22, tzinfo=UTC))
    )
    instance.logs.save(snap.log_id, [withdrawn], expected_revision=r1, actor_id="s-a0001")
    # Someone with write access to the content store moves the branch back to before the
    # withdrawal: every blob is validly encrypted, only the ledger can tell.
    subprocess.run(
        [
            "git",
            "-C",
            str(instance.store.path_of(snap.log_id)),
            "update-ref",
            "refs/heads/main",
            r1,
        ],
        check=True,
    )
    with pytest.raises(CorruptLog, match="rolled back"):
        instance.logs.snapshot(snap.log_id)
    with pytest.raises(CorruptLog):
        instance.logs.save(
            snap.log_id, [goal.revised(title="x")], expected_revision=r1, actor_id="s-a0001"
        )
    report = check_instance(instance, progress=lambda _line: None)
    assert any("rolled back" in problem for problem in report.problems)


def test_a_head_ahead_of_the_ledger_is_accepted(instance: Instance) -> None:
    """A crash between commit and ledger update leaves the repository ahead: that is fine."""
    snap = create_log(instance)
    r1 = instance.logs.save(
        snap.log_id, [_goal()], expected_revision=snap.revision, actor_id="s-a0001"
    )
    instance.logs.ledger.record(snap.log_id, snap.revision)  # as if the update never happened
    assert instance.logs.snapshot(snap.log_id).revision == r1


def test_an_altered_ledger_entry_is_refused(instance: Instance) -> None:
    import sqlite3

    snap = create_log(instance)
    path = instance.settings.instance_path / "head-ledger.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("UPDATE heads SET head = ? WHERE repo = ?", ("0" * 40, snap.log_id))
    restarted = open_instance(instance.settings)  # a process that has not verified it yet
    with pytest.raises(CorruptLog):
        restarted.logs.snapshot(snap.log_id)
    restarted.close()


def test_a_rollback_is_seen_by_a_process_that_verified_the_old_head(instance: Instance) -> None:
    """Worker A verified r1; worker B committed r2; the branch is reset to r1: A refuses it."""
    import subprocess

    snap = create_log(instance)
    other = open_instance(instance.settings)  # another worker, with its own ledger memo
    r1 = other.logs.save(snap.log_id, [_goal()], expected_revision=snap.revision, actor_id="s-b")
    assert instance.logs.snapshot(snap.log_id).revision == r1  # A verifies r1
    other.logs.save(snap.log_id, [_goal()], expected_revision=r1, actor_id="s-b")  # B: r2
    path = str(instance.store.path_of(snap.log_id))
    subprocess.run(["git", "-C", path, "update-ref", "refs/heads/main", r1], check=True)
    with pytest.raises(CorruptLog, match="rolled back"):
        instance.logs.snapshot(snap.log_id)
    other.close()


def test_a_slow_writer_never_moves_the_ledger_back(instance: Instance) -> None:
    """Writers record in the other order than they committed: the newer head stays."""
    snap = create_log(instance)
    r1 = instance.logs.save(snap.log_id, [_goal()], expected_revision=snap.revision, actor_id="s-a")
    r2 = instance.logs.save(snap.log_id, [_goal()], expected_revision=r1, actor_id="s-a")
    with instance.store.open(snap.log_id) as repo:
        instance.logs.ledger.record(snap.log_id, r1, repo.is_ancestor)  # the late record of r1
        assert repo.is_ancestor(r1, r2) and not repo.is_ancestor(r2, r1)
    import subprocess

    path = str(instance.store.path_of(snap.log_id))
    subprocess.run(["git", "-C", path, "update-ref", "refs/heads/main", r1], check=True)
    fresh = open_instance(instance.settings)
    with pytest.raises(CorruptLog, match="rolled back"):
        fresh.logs.snapshot(snap.log_id)  # r2 is still the known head: r1 is a rollback
    fresh.close()


def _same_content(stored: DocumentBase, written: DocumentBase) -> bool:
    """Stored as written, plus the systemID the service gives on first save."""
    return stored.system_id is not None and stored == written.revised(system_id=stored.system_id)
