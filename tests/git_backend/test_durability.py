"""Concurrent writers and crashes never lose an acknowledged change."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.documents.fields import Arena
from app.documents.work import Goal
from app.instance import Instance
from app.logs.errors import EditConflict
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.maintenance import check_instance
from tests.conftest import create_log

ROOT = Path(__file__).resolve().parents[2]


def _goal(title: str) -> Goal:
    return Goal(id=new_document_id(), title=title, arena=Arena.HOME_LEISURE)


def test_two_threads_same_parent_exactly_one_wins(instance: Instance) -> None:
    snap = create_log(instance)
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}
    goals = {name: _goal(name) for name in ("first", "second")}

    def write(name: str) -> None:
        barrier.wait()
        try:
            outcome[name] = instance.logs.save(
                snap.log_id, [goals[name]], expected_revision=snap.revision, actor_id="s-writer01"
            )
        except EditConflict as conflict:
            outcome[name] = conflict

    threads = [threading.Thread(target=write, args=(name,)) for name in goals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, r in outcome.items() if isinstance(r, str)]
    losers = [n for n, r in outcome.items() if isinstance(r, EditConflict)]
    assert len(winners) == 1 and len(losers) == 1
    # The loser reloads and saves again: both changes are present, nothing lost.
    instance.logs.save(
        snap.log_id,
        [goals[losers[0]]],
        expected_revision=instance.logs.head(snap.log_id),
        actor_id="s-writer01",
    )
    titles = {g.title for g in instance.logs.snapshot(snap.log_id).of_kind(Goal)}
    assert titles == {"first", "second"}


_RACER = """
import sys
from app.config import load_settings
from app.documents.work import Goal
from app.instance import open_instance
from app.logs.errors import EditConflict
logs = open_instance(load_settings()).logs
log_id, parent, goal_id, go = sys.argv[1:5]
goal = Goal(id=goal_id, title="racer " + goal_id, arena="home_leisure")
import os, time
while not os.path.exists(go):
    time.sleep(0.001)
try:
    print("won", logs.save(log_id, [goal], expected_revision=parent, actor_id="s-racer01"))
except EditConflict:
    print("conflict")
"""


def test_two_processes_same_parent_exactly_one_wins(instance: Instance, tmp_path: Path) -> None:
    snap = create_log(instance)
    go = tmp_path / "go"
    env = {**os.environ, "STAFETTLOGG_INSTANCE": str(instance.settings.instance_path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, snap.log_id, snap.revision, new_document_id(), str(go)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    time.sleep(1.0)  # both processes start and wait for the signal
    go.touch()
    results = sorted(p.communicate(timeout=60)[0].split()[0] for p in procs)
    assert results == ["conflict", "won"]
    assert len(instance.logs.history(snap.log_id)) == 2


@pytest.mark.slow
def test_sigkill_mid_write_loses_nothing_acknowledged(instance: Instance) -> None:
    snap = create_log(instance)
    goal = _goal("Versjon 0")
    instance.logs.save(snap.log_id, [goal], expected_revision=snap.revision, actor_id="s-crasher1")
    env = {**os.environ, "STAFETTLOGG_INSTANCE": str(instance.settings.instance_path)}
    rng = random.Random(20261122)
    acknowledged: list[str] = []
    for _round in range(12):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.crash_writer", snap.log_id, goal.id],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        time.sleep(rng.uniform(0.6, 1.2))  # interpreter start-up is ~0.5 s
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        acknowledged += out.split()
    assert len(acknowledged) > 50, "the child should have committed many times"

    report = check_instance(instance, progress=lambda _line: None)
    assert report.ok, report.problems
    with instance.store.open(snap.log_id) as repo:
        missing = [rev for rev in acknowledged if not repo.contains(rev)]
    assert missing == []
    head = instance.logs.head(snap.log_id)
    after = instance.logs.save(
        snap.log_id,
        [goal.revised(title="Etter krasj")],
        expected_revision=head,
        actor_id="s-crasher1",
    )
    assert instance.logs.read_document(snap.log_id, DocRef("goal", goal.id)).title == "Etter krasj"
    assert instance.index.head_of(snap.log_id) == after
