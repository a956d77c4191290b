"""What the guardians hid at a reopening stays hidden from the archive paths and migrations.

A reopening without the old content hides from staff everything written before
it. A schema migration rewrites every stored file, and the holder's filing to
the archive packs documents: neither may bring the hidden content back.
"""

from __future__ import annotations

import tarfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.archive.export import export_log
from app.archive.noark5.checks import check_package
from app.archive.noark5.package import PACKAGE
from app.documents.fields import ClosingReason, Service
from app.documents.meetings import Meeting
from app.documents.people import Consent, ConsentRequest
from app.documents.work import Goal
from app.gateway import Portal
from app.gateway.errors import NoAccess
from app.instance import Instance
from app.logs.codec import LogCodec
from app.logs.events import Action, LogEvent
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from tests.conftest import end_directly
from tests.lifecycle.test_verbs import FATHER, HOLDER, MOTHER, _citizen, _log


def _reopen_hiding_old_content(portal: Portal, instance: Instance, log_id: str) -> None:
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
    for number in (MOTHER, FATHER):  # one guardian says no to the old content: it is hidden
        portal.answer_consent(
            _citizen(instance, number),
            log_id,
            request.id,
            consented=[Service.SCHOOL],
            refused=[],
            show_old_content=number == MOTHER,
            seen_revision=instance.logs.head(log_id),
        )


def test_a_migration_does_not_show_staff_what_was_hidden(instance: Instance) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    old = Goal(id=new_document_id(), title="Gammelt mål", arena="home_leisure")
    head = instance.logs.head(log_id)
    with instance.store.open(log_id) as repo:  # stored as before systemIDs existed
        codec = LogCodec(instance.keys.log_cipher(log_id))
        path, sealed = codec.encode(old)
        event = LogEvent(Action.SAVE, "s-holder01", (DocRef("goal", old.id),))
        commit = repo.commit({path: sealed}, head, "s-holder01", event.to_message())
    instance.logs.ledger.record(log_id, commit.id)
    instance.logs.index.set_head(log_id, commit.id)
    _reopen_hiding_old_content(portal, instance, log_id)
    ref = DocRef("goal", old.id)
    assert ref not in portal.open_log(HOLDER, log_id).snapshot.documents

    assert instance.logs.add_system_ids(log_id) >= 1
    migrated = instance.logs.head(log_id)
    fresh = Portal(instance)
    assert ref not in fresh.open_log(HOLDER, log_id).snapshot.documents
    # Nor through an old version named by the migration's revision.
    with pytest.raises(NoAccess):
        fresh.read_version(HOLDER, log_id, ref, migrated)
    # The family still sees it.
    family = fresh.open_log(_citizen(instance, MOTHER), log_id).snapshot.documents
    assert ref in family


def test_the_holders_filing_leaves_out_what_was_hidden(instance: Instance, tmp_path: Path) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL])
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    hidden = Meeting(
        id=new_document_id(),
        title="Hemmelig gammelt møte",
        starts_at=now,
        status="held",
        approved_at=now,
        approved_by="s-holder01",
        body="GAMMELT",
    )
    instance.logs.save(
        log_id, [hidden], expected_revision=instance.logs.head(log_id), actor_id="s-holder01"
    )
    _reopen_hiding_old_content(portal, instance, log_id)
    target = tmp_path / "leveranse.tar"
    assert portal.deliver_to_archive(HOLDER, log_id, target)
    with tarfile.open(target) as archive:
        (name,) = [n for n in archive.getnames() if n.endswith("arkivstruktur.xml")]
        member = archive.extractfile(name)
        assert member is not None
        structure = member.read().decode()
    assert "Hemmelig gammelt møte" not in structure
    assert "Samtykke" in structure  # the consents given at the reopening are filed


def test_a_partial_withdrawal_gives_the_new_consent_its_own_system_id(
    instance: Instance, tmp_path: Path
) -> None:
    portal = Portal(instance)
    log_id = _log(instance, [Service.SCHOOL, Service.PPT])
    portal.withdraw_consent(
        _citizen(instance, MOTHER),
        log_id,
        only=Service.SCHOOL,
        seen_revision=instance.logs.head(log_id),
    )
    documents = instance.logs.snapshot(log_id).documents.values()
    counts = Counter(d.system_id for d in documents)
    assert None not in counts and max(counts.values()) == 1
    assert len([d for d in documents if isinstance(d, Consent)]) >= 3
    # And the log still exports, with the withdrawal in the change log.
    end_directly(instance, log_id, at=datetime.now(UTC), reason=ClosingReason.CONSENT_WITHDRAWN)
    report = export_log(instance, log_id, tmp_path, by="Arkivar")
    package = report.folder / PACKAGE
    assert check_package(package) == []
    assert "Samtykket er trukket tilbake" in (package / "endringslogg.xml").read_text("utf-8")
