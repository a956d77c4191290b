"""Benchmark of the archive export of one large closed log; prints time and peak memory.

    python bench/export.py            # builds the log (about a minute), then exports it

The log has two years of activity: 500 commits, about 150 documents, 10
approved minutes and 5 consents given on paper with a two-page scanned PDF
each. Everything is real: encrypted store, WeasyPrint, poppler, lxml, git.
Targets on the 2-core machine: the export within 60 s and 500 MB peak memory
(this process and, separately, the largest rendering worker).
"""

from __future__ import annotations

import hashlib
import io
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw

from app.archive.export import export_log
from app.config import load_settings
from app.documents.fields import Service
from app.documents.meetings import AgendaOutcome, Attendee, Meeting
from app.documents.people import Consent
from app.documents.records import Attachment
from app.documents.work import Activity, Evaluation, Goal
from app.instance import Instance, initialise, open_instance
from app.logs.ids import new_document_id
from tests.conftest import create_log, end_directly, fnr

START = datetime(2024, 11, 1, 9, 0, tzinfo=UTC)
TEXT = (
    "Vi ble enige om at Ola får lese høyt hver dag, at hjemmet øver på det samme, og at "
    "helsesykepleier tar kontakt med familien før neste møte. "
) * 4


def scanned_pdf(serial: int) -> bytes:
    """A two-page scan as a scanner makes it: A4 images at 150 dpi in a PDF."""
    pages = []
    for number in (1, 2):
        page = Image.new("L", (1240, 1754), 250)
        draw = ImageDraw.Draw(page)
        for line in range(40):
            draw.text(
                (120, 120 + line * 38), f"Samtykke {serial} side {number} linje {line}", fill=20
            )
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()


def build(instance: Instance) -> tuple[str, int]:
    """The large log, closed; returns its id and the number of commits."""
    snap = create_log(instance)
    log_id, revision, holder_id = snap.log_id, snap.revision, snap.overview.holder
    commits = 1

    def save(documents: list, when: datetime | None = None) -> None:
        nonlocal revision, commits
        revision = instance.logs.save(
            log_id, documents, expected_revision=revision, actor_id="s-holder01"
        )
        commits += 1

    goals = [
        Goal(
            id=new_document_id(), title=f"Mål {i}: lese og skrive", arena="home_leisure", body=TEXT
        )
        for i in range(30)
    ]
    save(goals)
    activities = [
        Activity(
            id=new_document_id(),
            goal=goals[i % 30].id,
            title=f"Tiltak {i}",
            responsible=holder_id,
            deadline=date(2025, 1, 1) + timedelta(days=12 * i),
            body=TEXT,
        )
        for i in range(60)
    ]
    for chunk in range(0, 60, 6):
        save(activities[chunk : chunk + 6])
    evaluations = [
        Evaluation(
            id=new_document_id(),
            target_kind="activity",
            target=activities[i].id,
            written_on=date(2025, 1, 15) + timedelta(days=21 * (i // 2)),
            author=holder_id,
            worked=TEXT,
            did_not_work=TEXT,
            why=TEXT,
            decision="continue",
        )
        for i in range(40)
    ]
    for evaluation in evaluations:
        save([evaluation])
    for i in range(10):
        at = START + timedelta(days=70 * i)
        save(
            [
                Meeting(
                    id=new_document_id(),
                    title=f"Møte {i + 1}",
                    starts_at=at,
                    status="held",
                    approved_at=at + timedelta(days=2),
                    approved_by="s-holder01",
                    attendees=[Attendee(participant=holder_id)],
                    body=TEXT,
                    agenda=["Status", "Tiltak", "Veien videre"],
                    outcomes=[AgendaOutcome(item=f"Sak {n}", agreed=TEXT) for n in range(3)],
                )
            ]
        )
    for i in range(5):
        data = scanned_pdf(i)
        scan = Attachment(
            id=new_document_id(),
            title=f"Signert samtykke {i + 1}",
            filename="skann.pdf",
            media_type="application/pdf",
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by="s-holder01",
            uploaded_at=START + timedelta(days=140 * i),
        )
        revision = instance.logs.attach(
            log_id, scan, data, expected_revision=revision, actor_id="s-holder01"
        )
        commits += 1
        save(
            [
                Consent(
                    id=new_document_id(),
                    given_by_name=f"Foresatt {i}",
                    given_by_fnr=fnr(3, 4, 1985, 400 + i),
                    role="guardian",
                    purpose="new_service",
                    services=[Service.PPT],
                    valid_from=date(2025, 1, 1) + timedelta(days=140 * i),
                    valid_until=date(2027, 1, 1),
                    method="paper",
                    paper_scan=scan.id,
                )
            ]
        )
    # Two years of everyday edits: goals and activities revised until 500 commits.
    editable = [*goals, *activities]
    round_ = 0
    while commits < 499:
        document = editable[round_ % len(editable)]
        editable[round_ % len(editable)] = document = document.revised(
            body=f"{TEXT}\n\nRevidert {round_}."
        )
        save([document])
        round_ += 1
    end_directly(instance, log_id, at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    commits += 1
    return log_id, commits


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="stafettlogg-bench-") as folder:
        settings = load_settings({"STAFETTLOGG_INSTANCE": str(Path(folder) / "instance")})
        initialise(settings)
        instance = open_instance(settings)
        started = time.perf_counter()
        log_id, commits = build(instance)
        documents = len(instance.logs.snapshot(log_id).documents)
        print(
            f"built the log: {commits} commits, {documents} documents "
            f"({time.perf_counter() - started:.0f} s)"
        )
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        report = export_log(instance, log_id, Path(folder) / "export", by="bench", workers=2)
        seconds = time.perf_counter() - started
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        assert report.package is not None and report.bundle is not None
        print(f"export: {seconds:.1f} s (target ≤ 60 s)")
        print(
            f"  package: {report.package.registrations} registrations, "
            f"{report.package.documents} PDF/A files, {report.package.changes} changes, "
            f"{report.package.size / 1e6:.1f} MB"
        )
        print(
            f"  history bundle: {report.bundle.commits} commits, "
            f"{report.bundle.path.stat().st_size / 1e6:.1f} MB"
        )
        print(
            f"peak memory: this process {own:.0f} MB ({before:.0f} MB before the export), "
            f"largest worker {worker:.0f} MB (target ≤ 500 MB)"
        )
        instance.close()


if __name__ == "__main__":
    main()
