"""Benchmark of the encrypted log store; prints medians against the targets.

    python bench/store.py            # about a minute on the 2-core machine

Everything is real: a temporary instance with fsync on, AES-GCM, pygit2 and
SQLite. "my logs among 10,000" fills the index with the rows of 10,000 logs
(subject, two guardians, three participants each; one staff member on 400 of
them), because that query reads only the index, never the repositories.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.config import load_settings
from app.documents.fields import Arena, LogTemplate
from app.documents.overview import Subject
from app.documents.work import Activity, Goal
from app.instance import Instance, initialise, open_instance
from app.logs.ids import new_document_id
from tests.conftest import TODAY, fnr, guardian_consent, holder


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` in milliseconds over ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def new_log(instance: Instance, serial: int) -> str:
    """Create a school log for a fresh synthetic subject."""
    subject = Subject(
        fnr=fnr(1 + serial % 28, 1 + serial % 12, 2015, serial % 900),
        given_name="Bench",
        family_name=f"Barn{serial}",
        birth_date=date(2015, 1, 1),
    )
    snap = instance.logs.create_log(
        actor_id="s-bench001",
        template=LogTemplate.SCHOOL,
        subject=subject,
        municipality="M",
        unit_id="enhet-bench",
        holder=holder("s-bench001"),
        today=TODAY,
        consents=[
            guardian_consent("Mor", fnr(3, 4, 1985, 200)),
            guardian_consent("Far", fnr(5, 6, 1984, 300)),
        ],
    )
    return snap.log_id


def main() -> None:
    """Run every measurement and print a table."""
    workdir = Path(tempfile.mkdtemp(prefix="stafettlogg-bench-"))
    settings = load_settings({"STAFETTLOGG_INSTANCE": str(workdir / "instance")})
    initialise(settings)
    instance = open_instance(settings)
    logs = instance.logs
    results: list[tuple[str, float, float]] = []
    print(f"benchmark instance in {workdir} (fsync on)")

    serial = iter(range(1, 10**6))
    results.append(
        (
            "create a log (5 documents, keys, index)",
            median_ms(lambda: new_log(instance, next(serial)), 50),
            20.0,
        )
    )

    log_id = new_log(instance, next(serial))
    goals = [
        Goal(
            id=new_document_id(),
            title=f"Mål {i}",
            arena=Arena.HOME_LEISURE,
            body="Et konkret mål med aktiviteter. " * 20,
        )
        for i in range(7)
    ]
    activities = [
        Activity(
            id=new_document_id(),
            goal=goals[i % 7].id,
            title=f"Aktivitet {i}",
            responsible=new_document_id(),
            deadline=TODAY,
            body="Hvem gjør hva, og når. " * 30,
        )
        for i in range(8)
    ]
    revision = logs.save(
        log_id, [*goals, *activities], expected_revision=logs.head(log_id), actor_id="s-bench001"
    )
    count = len(logs.snapshot(log_id).documents)
    state = {"rev": revision, "n": 0}

    def commit_one() -> None:
        state["n"] += 1
        goal = goals[state["n"] % 7].revised(title=f"Mål versjon {state['n']}")
        state["rev"] = logs.save(
            log_id, [goal], expected_revision=state["rev"], actor_id="s-bench001"
        )

    results.append(("commit one document with compare-and-swap", median_ms(commit_one, 300), 5.0))
    results.append(
        (
            f"read all {count} documents at HEAD (decrypt + parse)",
            median_ms(lambda: logs.snapshot(log_id), 200),
            5.0,
        )
    )

    while len(logs.history(log_id)) < 500:
        commit_one()
    results.append(
        ("history of a 500-commit log", median_ms(lambda: logs.history(log_id), 30), 50.0)
    )

    rng = random.Random(1)
    staff = [f"s-staff{n:04d}" for n in range(300)]
    for n in range(10_000):
        people = [f"0101{n:07d}"[:11], f"0202{n:07d}"[:11], f"0303{n:07d}"[:11]]
        members = {"s-busy0001"} if n % 25 == 0 else set()
        members.update(rng.sample(staff, 3))
        relations = [
            (instance.index.person_principal(people[1]), "guardian"),
            (instance.index.person_principal(people[2]), "guardian"),
            (instance.index.person_principal(people[0]), "subject"),
            *((member, "participant") for member in members),
        ]
        instance.index.record(
            f"benchlog{n:06d}",
            head="0" * 40,
            status="active",
            subject_fnr=people[0],
            unit_id="enhet-bench",
            relations=relations,
        )
    guardian = instance.index.person_principal(f"0202{123:07d}")
    one = median_ms(lambda: instance.index.logs_for(guardian), 500)
    busy = median_ms(lambda: instance.index.logs_for("s-busy0001"), 500)
    results.append(("my logs among 10,000: a guardian (1 log)", one, 2.0))
    results.append(
        (
            f"my logs among 10,000: staff on {len(instance.index.logs_for('s-busy0001'))} logs",
            busy,
            2.0,
        )
    )

    print(f"\n{'measurement':<58} {'median':>10} {'target':>9}")
    for name, value, target in results:
        verdict = "ok" if value <= target else "OVER"
        print(f"{name:<58} {value:>7.2f} ms {target:>6.1f} ms  {verdict}")
    instance.close()


if __name__ == "__main__":
    main()
