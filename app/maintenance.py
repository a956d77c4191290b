"""Whole-instance checks for ``stafettlogg fsck``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.archive.workspace import clear_stale, workspace
from app.audit import ChainBroken
from app.git_backend.maintenance import fsck as git_fsck
from app.instance import Instance
from app.logs.deletions import carry_out_deletion
from app.logs.errors import LogError
from app.logs.ledger import RolledBack


@dataclass
class CheckReport:
    """What a check found: how many logs passed, and every problem in words."""

    checked: int = 0
    recovered: int = 0
    shredded: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def summary(self) -> str:
        """One line for the operator."""
        state = "OK" if self.ok else f"{len(self.problems)} problem(s)"
        shredded = f" ({self.shredded} shredded)" if self.shredded else ""
        return (
            f"checked {self.checked} logs{shredded}, cleared {self.recovered} crash leftovers: "
            f"{state}"
        )


def check_instance(instance: Instance, progress: Callable[[str], None] = print) -> CheckReport:
    """Clear stale locks, run git fsck on every log, check keys, and repair index drift."""
    report = CheckReport(recovered=instance.store.recover())
    # Exports a killed worker left half made (decrypted): removed, never offered.
    report.recovered += clear_stale(workspace(instance.settings))
    report.recovered += _finish_shredding(instance, progress)
    repo_ids = instance.store.repo_ids()
    key_ids = set(instance.keys.log_ids())
    for number, repo_id in enumerate(repo_ids, start=1):
        result = git_fsck(repo_id, instance.store.path_of(repo_id))
        if not result.ok:
            report.problems.append(f"log {repo_id}: git fsck failed: {result.output[:500]}")
        if repo_id not in key_ids:
            outcome = instance.deletions.get(repo_id)
            if outcome is not None and outcome.outcome == "shredded":
                report.shredded += 1
                progress(f"  log {repo_id}: shredded on {outcome.decided_on} (deletion register)")
            else:
                report.problems.append(
                    f"log {repo_id}: no data key and no shredding recorded: unreadable"
                )
        else:
            with instance.store.open(repo_id) as repo:
                head = repo.head()
                try:
                    if head is not None:
                        instance.logs.ledger.verify(repo_id, head, repo.contains)
                except RolledBack as exc:
                    report.problems.append(f"log {repo_id}: rolled back: {exc}")
                    continue
            # A decision committed to the log, then a crash before it was carried out
            # (not in a repository git fsck found broken: that needs a person first).
            done = ""
            try:
                if result.ok:
                    done = carry_out_deletion(instance.logs, instance.deletions, repo_id)
            except (LogError, RuntimeError) as exc:  # tampered, or at odds with the register
                report.problems.append(f"log {repo_id}: cannot be read: {type(exc).__name__}")
            if done:
                report.recovered += 1
                what = "finished shredding" if done == "shredded" else "recorded its blocking"
                progress(f"  log {repo_id}: {what} (a decision in the log, not yet carried out)")
            if done == "shredded":
                report.shredded += 1
                report.checked += 1
                continue
            stray = instance.deletions.get(repo_id)
            if stray is not None and stray.outcome == "shredded" and not stray.done:
                report.problems.append(
                    f"log {repo_id}: the deletion register says shredded, but the log holds no "
                    "such decision: kept; check it by hand"
                )
            if instance.index.head_of(repo_id) != head:
                # A crash between commit and index update: the index is a cache, repair it.
                instance.logs.reindex([repo_id])
                report.recovered += 1
        report.checked += 1
        if number % 100 == 0:
            progress(f"  checked {number}/{len(repo_ids)}")
    directory_store = instance.directory.store
    for repo_id in directory_store.repo_ids():
        result = git_fsck(repo_id, directory_store.path_of(repo_id))
        if not result.ok:
            report.problems.append(f"directory: git fsck failed: {result.output[:500]}")
        with directory_store.open(repo_id) as repo:
            head = repo.head()
            try:
                if head is not None:
                    instance.logs.ledger.verify(repo_id, head, repo.contains)
            except RolledBack as exc:
                report.problems.append(f"directory: rolled back: {exc}")
    for log_id in instance.access_log.log_ids():
        if log_id in key_ids and instance.keys.has_log_keys(log_id):  # not shredded just now
            try:
                instance.access_log.verify(log_id)
            except ChainBroken as exc:
                report.problems.append(f"log {log_id}: access log is broken: {exc}")
    for orphan in sorted(key_ids - set(repo_ids) - set(directory_store.repo_ids())):
        # Never delete keys here: an unmounted content store looks the same.
        progress(f"  notice: data key {orphan} has no repository (creation interrupted?)")
    for stale in sorted(set(instance.index.log_ids()) - set(repo_ids)):
        instance.index.forget(stale)  # a reservation whose creation never finished
        report.recovered += 1
    return report


def _finish_shredding(instance: Instance, progress: Callable[[str], None]) -> int:
    """Mark done the shreddings whose keys are already gone (a crash before the mark).

    A shredding whose keys are still there is finished by the carry-out of the
    log's committed decision (app/logs/deletions.py), never from the register
    alone: a row without a decision in the log must not destroy a log.
    """
    finished = 0
    for outcome in instance.deletions.unfinished():
        if outcome.outcome == "shredded" and not instance.keys.has_log_keys(outcome.log_id):
            instance.deletions.mark_done(outcome.log_id)
            progress(f"  finished shredding log {outcome.log_id} (decided {outcome.decided_on})")
            finished += 1
    return finished
