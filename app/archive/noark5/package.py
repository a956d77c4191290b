"""One avleveringspakke, built in a private folder and moved into place only when valid.

The documents are rendered to PDF/A-2b (in a bounded pool of processes when
asked: rendering is the slow part), written under ``DOKUMENT/<year>/`` with
their document object's UUID as name (no personal data in any path), then
the XML is written, the official schemas copied byte for byte, and the whole
package checked (``checks.check_package``). Only a package without problems
is moved to the destination; otherwise the private folder is removed and
nothing is left behind.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from app.archive.content import ArchivedDocument, ArchivedLog, upload_html
from app.archive.noark5 import SCHEMAS, STANDARD
from app.archive.noark5.addml import PackageFacts, arkivuttrekk
from app.archive.noark5.checks import DOCUMENTS, check_package, sha256_of
from app.archive.noark5.structure import (
    Conversion,
    RenderedFile,
    arkivstruktur,
    changes_of,
    endringslogg,
)
from app.archive.pdfa import PdfInfo, render_pdfa
from app.archive.uploads import page_images
from app.archive.workspace import swap_in
from app.config import ArchiveSettings

PACKAGE = "avleveringspakke"


class PackageInvalid(Exception):
    """The package failed its own checks; nothing was offered."""

    def __init__(self, problems: list[str]) -> None:
        """Keep every problem for the operator."""
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


@dataclass(frozen=True)
class PackageReport:
    """What the package holds."""

    path: Path
    folders: int
    registrations: int
    documents: int
    changes: int
    size: int


def render_document(document: ArchivedDocument, log: ArchivedLog, workdir: Path) -> bytes:
    """The PDF/A-2b of one document (a process-pool job: plain values in and out)."""
    html = document.html
    if document.upload:
        pages = page_images(document.upload, document.media_type, workdir)
        html = upload_html(document, pages, log)
    info = PdfInfo(document.title, "nb", document.created)
    return render_pdfa(html, info, document.object_id.bytes)


def write_package(
    logs: Sequence[ArchivedLog],
    destination: Path,
    settings: ArchiveSettings,
    conversion: Conversion,
    created_by: dict[str, str],
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> PackageReport:
    """Write the package for ``logs`` at ``destination`` (replacing one there), or raise."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(prefix=".partial-", dir=destination.parent))  # 0700
    try:
        folder = private / PACKAGE
        folder.mkdir()
        files = _render_all(logs, folder, workers, progress)
        structure = arkivstruktur(logs, files, settings, conversion, created_by)
        changes = {log.log_id: changes_of(log) for log in logs}
        (folder / "arkivstruktur.xml").write_bytes(structure)
        (folder / "endringslogg.xml").write_bytes(endringslogg(logs, changes))
        for name in SCHEMAS:
            shutil.copyfile(STANDARD / name, folder / name)
        checksums = {
            name: sha256_of(folder / name)
            for name in ("arkivstruktur.xml", "endringslogg.xml", *SCHEMAS)
        }
        registrations = sum(len(log.registrations) for log in logs)
        change_count = sum(len(c) for c in changes.values())
        facts = PackageFacts(
            creator=settings.creator_name,
            system_name="stafettlogg",
            archive=settings.archive_title,
            start=min(log.opened_on for log in logs),
            end=max(log.closed_at for log in logs).date(),
            shielded=True,
            discarded=False,
            to_be_discarded=False,
            document_files=len(files),
            checksums=checksums,
            folders=len(logs),
            registrations=registrations,
            changes=change_count,
        )
        (folder / "arkivuttrekk.xml").write_bytes(arkivuttrekk(facts))
        problems = check_package(folder)
        if problems:
            raise PackageInvalid(problems)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        swap_in(folder, destination, private)
        return PackageReport(destination, len(logs), registrations, len(files), change_count, size)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _render_all(
    logs: Sequence[ArchivedLog],
    folder: Path,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> dict[UUID, RenderedFile]:
    jobs = [(document, log) for log in logs for r in log.registrations for document in r.documents]
    files: dict[UUID, RenderedFile] = {}
    pool: Executor | None = None
    if workers > 1 and len(jobs) > 1:
        # spawn, not fork: the gateway and the CLI may hold threads and open repositories.
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        results: Iterable[bytes]
        if pool is None:
            results = (render_document(d, log, folder.parent) for d, log in jobs)
        else:
            documents, logs_of = zip(*jobs, strict=True)
            workdirs = [folder.parent] * len(jobs)
            results = pool.map(render_document, documents, logs_of, workdirs, chunksize=4)
        for done, ((document, _log), pdf) in enumerate(zip(jobs, results, strict=True), 1):
            relative = f"{DOCUMENTS}/{document.created.year}/{document.object_id}.pdf"
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pdf)
            files[document.object_id] = RenderedFile(
                relative, hashlib.sha256(pdf).hexdigest(), len(pdf)
            )
            if progress is not None:
                progress(done, len(jobs))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return files
