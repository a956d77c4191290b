"""A closed log's whole export for the archive: the Noark 5 package and the full history.

``export_log`` writes ``<root>/logg-<id>/`` holding the ``avleveringspakke``
folder, the history as ``historikk.bundle`` and ``eksport.json`` (what was
exported: the log's revision, counts and checksums). Everything is built in
a private folder beside it and swapped in at the end, so a crash leaves the
earlier export or none, never half of one. A log whose revision is the one
already exported is skipped (a batch can be run again after an interruption).
"""

from __future__ import annotations

import json
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from app.archive.authors import author_names
from app.archive.content import ArchivedLog, LogContent
from app.archive.history_bundle import Author, BundleReport, write_history_bundle
from app.archive.history_document import history_html, history_steps
from app.archive.noark5.package import PACKAGE, PackageReport, write_package
from app.archive.noark5.structure import Conversion
from app.archive.pdfa import TOOL
from app.archive.workspace import swap_in
from app.audit.chain import AccessEntry
from app.config import Settings
from app.documents.fields import ENDED_STATUSES
from app.instance import Instance
from app.logs.snapshot import LogSnapshot

MANIFEST = "eksport.json"
BUNDLE = "historikk.bundle"


class ArchiveNotConfigured(Exception):
    """The archive settings still hold a placeholder where the archive needs a real value."""


class LogNotEnded(Exception):
    """Only a closed, archived or blocked log is exported in full."""


@dataclass(frozen=True)
class ExportReport:
    """Where the export is and what it holds."""

    folder: Path
    revision: str
    skipped: bool
    package: PackageReport | None = None
    bundle: BundleReport | None = None


def folder_of(root: Path, log_id: str) -> Path:
    """The export's folder for a log (its opaque id; never a name)."""
    return root / f"logg-{log_id}"


def log_content(
    instance: Instance,
    snapshot: LogSnapshot,
    author_of: Callable[[str], Author] | None = None,
    access: Iterable[AccessEntry] | None = None,
) -> LogContent:
    """What of this snapshot goes to the archive or a printout, with names resolved.

    ``access`` is the access log, for a copy whose reader may see it (the family's).
    """
    log_id = snapshot.log_id
    units = {u.unit_id: u.name for u in instance.directory.snapshot().units.values()}
    return LogContent(
        snapshot,
        author_of or author_names(instance, log_id),
        units,
        lambda attachment_id: instance.logs.read_attachment(
            log_id, attachment_id, snapshot.revision
        ),
        access,
        instance.settings.municipality,
    )


def archived_log(
    instance: Instance, log_id: str, author_of: Callable[[str], Author] | None = None
) -> tuple[ArchivedLog, str]:
    """The log as the archive receives it, and who created it (by name)."""
    author_of = author_of or author_names(instance, log_id)
    content = log_content(instance, instance.logs.snapshot(log_id), author_of)
    steps = history_steps(instance.logs, log_id, author_of)
    history = history_html(steps, {**content.print_context(), "title": content.history_title()})
    first = instance.logs.history(log_id)[-1]
    return content.archived_log(history), author_of(first.author_id).name


def export_log(
    instance: Instance,
    log_id: str,
    root: Path,
    *,
    by: str,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> ExportReport:
    """Export one ended log under ``root`` (see module doc); LogNotEnded for any other."""
    check_archive_settings(instance.settings)
    revision = instance.logs.head(log_id)
    target = folder_of(root, log_id)
    if not force and _already(target, revision):
        return ExportReport(target, revision, skipped=True)
    author_of = author_names(instance, log_id)
    log, created_by = archived_log(instance, log_id, author_of)
    if log.status not in ENDED_STATUSES:
        raise LogNotEnded(log_id)
    root.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(prefix=".partial-", dir=root))  # 0700, same file system
    try:
        staged = private / target.name
        staged.mkdir()
        # konvertertAv names the system, so exports by different people agree;
        # who exported is in eksport.json and the access log.
        conversion = Conversion(now or datetime.now(UTC), "stafettlogg", TOOL)
        package = write_package(
            [log],
            staged / PACKAGE,
            instance.settings.archive,
            conversion,
            {log_id: created_by},
            workers=workers,
            progress=progress,
        )
        bundle = write_history_bundle(instance.logs, log_id, staged / BUNDLE, author_of)
        manifest = {
            "log": log_id,
            "revision": revision,
            "exported_at": conversion.at.isoformat(timespec="seconds"),
            "exported_by": by,
            "package": {
                "folders": package.folders,
                "registrations": package.registrations,
                "documents": package.documents,
                "changes": package.changes,
                "bytes": package.size,
            },
            "history": {
                "commits": bundle.commits,
                "documents": bundle.documents,
                "attachments": bundle.attachments,
            },
        }
        (staged / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        swap_in(staged, target, private)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    package = replace(package, path=target / PACKAGE)
    bundle = replace(bundle, path=target / BUNDLE)
    return ExportReport(target, revision, False, package, bundle)


def check_archive_settings(settings: Settings) -> None:
    """In production the record creator must be the municipality's organisasjonsnummer."""
    creator = settings.archive.creator_id
    if settings.production and not re.fullmatch(r"\d{9}", creator):
        raise ArchiveNotConfigured(
            "set [archive] creator_id in config.toml to the municipality's "
            "organisasjonsnummer (9 digits) before exporting to the archive"
        )


def write_tar(folder: Path, destination: Path) -> None:
    """The export folder as one uncompressed .tar (PDFs and bundles do not compress)."""
    with tarfile.open(destination, "w", format=tarfile.PAX_FORMAT) as archive:
        for path in sorted(folder.rglob("*")):
            archive.add(path, arcname=path.relative_to(folder.parent).as_posix(), recursive=False)


def _already(target: Path, revision: str) -> bool:
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(manifest, dict)
        and manifest.get("revision") == revision
        and (target / PACKAGE / "arkivuttrekk.xml").is_file()
        and (target / BUNDLE).is_file()
    )
