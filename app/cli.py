"""The ``stafettlogg`` command: set up, fill, check and maintain an instance."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from app.config import CONFIG_FILE, PROJECT_ROOT, ConfigError, load_settings
from app.encryption import KeyringError, LocalMasterKey, write_keyring_file
from app.instance import Instance, initialise, load_keyring, open_instance

CONFIG_TEMPLATE = """\
# stafettlogg instance configuration. Environment variables override these.
municipality = "Demo kommune"
# Age from which the subject decides who has access (16 by law; some use 15).
youth_consent_age = 16
# Demo mode: demo users and one-click login. Never in production.
demo = {demo}
# content_store = "/srv/stafettlogg/content_store"
# master_key_file = "/etc/stafettlogg/master-keys.json"

# The life of a log (every key optional; these are the defaults). Every line
# after [lifecycle] belongs to it, until the next [table].
[lifecycle]
# How long a consent lasts, in months.
# consent_period_months = 24
# The BTI levels a new log may start at; the first is the default.
# start_levels = [1, 2]
# From how many days before expiry a consent is shown as soon to expire.
# reminder_days = 60
# Unanswered handovers and logs without consent shown to the coordinator after:
# handover_stale_days = 14
# pending_stale_days = 30

# The municipal archive: ask the archivist (every key optional; defaults shown).
[archive]
# creator_id = "Oppgi organisasjonsnummer"     # the municipality's organisasjonsnummer
# creator_name = "<municipality>"
# archive_title = "Stafettlogger (BTI)"
# series_title = "Stafettlogger, avsluttede"
# classification_title = "Kommunens arkivnøkkel"
# class_id = "BTI"
# class_title = "Bedre tverrfaglig innsats: stafettlogger"
# access_restriction = "Unntatt offentlighet"
# restriction_basis = "Offl. § 13, jf. fvl. § 13 første ledd nr. 1"
# document_format = "PDF"
"""


def _instance() -> Instance:
    try:
        return open_instance(load_settings())
    except (ConfigError, KeyringError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """stafettlogg: encrypted Git logs for BTI."""


@main.command()
@click.option("--demo", is_flag=True, help="Mark the instance as a demo instance.")
def init(demo: bool) -> None:
    """Create the instance folder, its configuration and a master key."""
    try:
        settings = load_settings()
        for line in initialise(settings):
            click.echo(line)
        config = settings.instance_path / CONFIG_FILE
        if not config.exists():
            config.write_text(CONFIG_TEMPLATE.format(demo=str(demo).lower()), encoding="utf-8")
            click.echo(f"wrote {config}")
        instance = open_instance(load_settings())
    except (ConfigError, KeyringError) as exc:
        raise click.ClickException(str(exc)) from None
    instance.close()
    click.echo(f"instance ready: {settings.instance_path}")
    click.echo(f"content store:  {settings.content_store}")


@main.command()
def demo() -> None:
    """Create the demo logs (several logs with history); existing ones are kept."""
    from app.demo import build_demo

    instance = _instance()
    click.echo("creating the demo directory and demo logs …")
    ids = build_demo(instance.directory, instance.logs, progress=click.echo)
    click.echo(f"{len(ids)} demo logs in {instance.settings.content_store}")
    instance.close()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="Sync workers (one per core).")
def serve(host: str, port: int, workers: int) -> None:
    """Run the web gateway under gunicorn with sync workers."""
    import os

    instance = _instance()  # fail early, with a clear message, if the instance is not ready
    demo = instance.settings.demo
    instance.close()
    address = f"http://{host}:{port}/"
    click.echo(f"stafettlogg gateway: {address}  (stop with Ctrl+C)")
    if demo:
        click.echo(f"demo login:          {address}demo/logg-inn")
    sys.stdout.flush()
    os.execvp(  # noqa: S606 (replaces this process with gunicorn; fixed arguments)
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"{host}:{port}",
            "--worker-class",
            "sync",
            # An archive export renders every document to PDF/A in the request: large
            # logs take tens of seconds (bench/export.py), more than gunicorn's default 30.
            "--timeout",
            "300",
            "app:create_app()",
        ],
    )


@main.command()
def reindex() -> None:
    """Rebuild the index of logs, relations and subjects from the repositories."""
    instance = _instance()
    log_ids = instance.store.repo_ids()
    instance.index.clear()
    done = 0
    with click.progressbar(log_ids, label="reindexing", show_pos=True) as bar:
        for log_id in bar:
            done += instance.logs.reindex([log_id])
    click.echo(f"indexed {done} of {len(log_ids)} logs")
    instance.close()


@main.command()
def migrate() -> None:
    """Bring every log's documents up to the current schema (each change is a commit)."""
    from app.logs.errors import LogError

    instance = _instance()
    keyed = set(instance.keys.log_ids())  # a shredded log has no keys and nothing to migrate
    log_ids = [log_id for log_id in instance.store.repo_ids() if log_id in keyed]
    changed = documents = 0
    failed = []
    with click.progressbar(log_ids, label="migrating", show_pos=True) as bar:
        for log_id in bar:
            try:
                added = instance.logs.add_system_ids(log_id)
            except LogError as exc:  # one unreadable log must not stop the others
                failed.append(f"log {log_id}: {type(exc).__name__}")
                continue
            changed += bool(added)
            documents += added
    instance.close()
    click.echo(f"gave {documents} documents in {changed} of {len(log_ids)} logs their systemID")
    for problem in failed:
        click.echo(f"PROBLEM: {problem}", err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("log_id", required=False)
@click.option(
    "--closed-since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Every log that ended on or after this date (YYYY-MM-DD) instead of one log.",
)
@click.option(
    "--to",
    "to_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write into: one logg-<id>/ folder per log.",
)
@click.option("--workers", default=2, show_default=True, help="Processes rendering PDF/A.")
@click.option("--force", is_flag=True, help="Export again even if nothing changed since.")
def export(
    log_id: str | None, closed_since: datetime | None, to_dir: Path, workers: int, force: bool
) -> None:
    """Export ended logs for the archive: Noark 5 package, PDF/A and full history.

    A log already exported and unchanged since is skipped, so a batch that
    was interrupted can simply be run again. Each export is written to the
    log's access log.
    """
    from app.archive.export import ArchiveNotConfigured, LogNotEnded, export_log
    from app.archive.noark5.package import PackageInvalid
    from app.archive.workspace import clear_stale
    from app.audit.chain import AccessEntry
    from app.documents.fields import ENDED_STATUSES
    from app.logs.errors import LogError
    from app.logs.events import SYSTEM_ACTOR

    if (log_id is None) == (closed_since is None):
        raise click.UsageError("give either LOG_ID or --closed-since DATE")
    instance = _instance()
    leftovers = clear_stale(to_dir, ".partial-*", older_than=3600)
    if leftovers:
        click.echo(f"removed {leftovers} unfinished export(s) an earlier run left in {to_dir}")
    if log_id is not None:
        if log_id not in instance.index.log_ids():
            raise click.ClickException(f"there is no log {log_id}")
        chosen = [log_id]
    else:
        assert closed_since is not None
        chosen = []
        for candidate in instance.index.log_ids():
            overview = instance.logs.snapshot(candidate).overview
            if (
                overview.status in ENDED_STATUSES
                and overview.closed_on is not None
                and overview.closed_on >= closed_since.date()
            ):
                chosen.append(candidate)
    written = skipped = size = 0
    failed: list[str] = []
    with click.progressbar(chosen, label="exporting", show_pos=True) as bar:
        for current in bar:
            try:
                report = export_log(
                    instance,
                    current,
                    to_dir,
                    by="stafettlogg export",
                    workers=workers,
                    force=force,
                )
            except ArchiveNotConfigured as exc:
                raise click.ClickException(str(exc)) from None
            except LogNotEnded:
                failed.append(f"log {current}: not ended (only closed or blocked logs)")
                continue
            except (LogError, PackageInvalid) as exc:
                failed.append(f"log {current}: {type(exc).__name__}: {exc}")
                continue
            except Exception as exc:  # one bad log must not stop the batch
                failed.append(f"log {current}: could not be exported: {type(exc).__name__}")
                continue
            if report.skipped:
                skipped += 1
                continue
            written += 1
            size += report.package.size if report.package else 0
            instance.access_log.append(
                current,
                AccessEntry(
                    datetime.now(UTC),
                    SYSTEM_ACTOR,
                    "archivist",
                    "",
                    "history",
                    "export",
                    "operator:cli",
                ),
                durable=True,
            )
    instance.close()
    click.echo(
        f"exported {written} log(s) to {to_dir} ({size / 1e6:.1f} MB of packages), "
        f"skipped {skipped} unchanged, {len(failed)} failed"
    )
    for problem in failed:
        click.echo(f"PROBLEM: {problem}", err=True)
    sys.exit(1 if failed else 0)


@main.command()
def fsck() -> None:
    """Recover crash leftovers, then check every repository, key file and index row."""
    from app.maintenance import check_instance

    instance = _instance()
    report = check_instance(instance, progress=click.echo)
    instance.close()
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


@main.group()
def keys() -> None:
    """Master key operations."""


@keys.command("list")
def keys_list() -> None:
    """Show the master keys and which of them still wrap data keys."""
    instance = _instance()
    in_use = instance.keys.master_key_ids_in_use()
    ring = instance.keys.keyring
    for key_id in ring.key_ids():
        state = "active" if key_id == ring.active.key_id else "retired"
        click.echo(f"{key_id}  {state}  {'in use' if key_id in in_use else 'unused'}")
    instance.close()


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-wrap every data key under a new master key; no repository is touched."""
    settings = load_settings()
    if settings.master_key_env:
        raise click.ClickException(
            "the master key comes from STAFETTLOGG_MASTER_KEY; rotate it in its key manager "
            "or use STAFETTLOGG_MASTER_KEY_FILE"
        )
    instance = _instance()
    ring = load_keyring(settings).rotated(LocalMasterKey.generate())
    write_keyring_file(settings.keyring_file, ring)  # new key first: a crash loses nothing
    instance.keys.keyring = ring
    count = instance.keys.rewrap_all(
        progress=lambda done, total: (
            click.echo(f"  re-wrapped {done}/{total}") if done % 500 == 0 or done == total else None
        )
    )
    click.echo(f"active master key is now {ring.active.key_id}; re-wrapped {count} key files")
    click.echo(f"retire the old key with: stafettlogg keys retire {ring.retired[0].key_id}")
    instance.close()


@keys.command("retire")
@click.argument("key_id")
def keys_retire(key_id: str) -> None:
    """Remove a retired master key once no data key is wrapped by it."""
    settings = load_settings()
    instance = _instance()
    if key_id in instance.keys.master_key_ids_in_use():
        raise click.ClickException(f"{key_id} still wraps data keys; run `keys rotate` first")
    try:
        ring = instance.keys.keyring.without(key_id)
    except KeyringError as exc:
        raise click.ClickException(str(exc)) from None
    write_keyring_file(settings.keyring_file, ring)
    click.echo(f"retired {key_id}")
    instance.close()


@main.command()
@click.option("--check", is_flag=True, help="Fail if schemas/ is out of date instead of writing.")
@click.option("--directory", type=click.Path(path_type=Path), default=PROJECT_ROOT / "schemas")
def schemas(check: bool, directory: Path) -> None:
    """Write JSON Schema for every document kind into schemas/."""
    from app.directory.models import DIRECTORY_MODELS
    from app.documents.registry import MODELS
    from app.documents.schemas import stale_schemas, write_schemas

    models = {**MODELS, **DIRECTORY_MODELS}
    if check:
        stale = stale_schemas(directory, models)
        if stale:
            raise click.ClickException(f"schemas are stale: {', '.join(stale)}")
        click.echo("schemas are up to date")
        return
    names = write_schemas(directory, models)
    click.echo(f"wrote {len(names)} schemas to {directory}")


if __name__ == "__main__":
    main()
