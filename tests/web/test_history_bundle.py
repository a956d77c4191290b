"""The full history as a plain git bundle (issue 9, part 4): real Git, real keys, real git CLI.

The bundle is cloned with the git command line, as an archive would in fifty
years without our keys: every commit of the log is there, every document is
readable Markdown with front matter, every attachment is its real file, and
the authors have names and roles instead of opaque ids.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import frontmatter
from flask import Flask

from app.archive.authors import author_names
from app.archive.history_bundle import write_history_bundle
from app.documents.records import Attachment
from tests.web.conftest import csrf_token, demo_log_ids, logged_in


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def test_the_closed_demo_log_replays_into_a_bundle_git_reads(
    fresh_app: Flask, tmp_path: Path
) -> None:
    instance = fresh_app.extensions["stafettlogg"]
    liam = demo_log_ids(fresh_app)["Liam"]
    target = tmp_path / "export" / "historikk.bundle"
    report = write_history_bundle(instance.logs, liam, target, author_names(instance, liam))
    assert target.exists() and not target.with_name("historikk.bundle.partial").exists()
    assert target.stat().st_mode & 0o777 == 0o600
    history = instance.logs.history(liam)
    assert report.commits == len(history) > 1

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(target), str(clone)], check=True)
    assert int(_git("rev-list", "--count", "HEAD", cwd=clone)) == len(history)
    # Every document at the last commit is readable Markdown with its kind in the front matter.
    snapshot = instance.logs.snapshot(liam)
    markdown = sorted(clone.rglob("*.md"))
    assert len(markdown) == len(snapshot.documents) == report.documents
    kinds = {frontmatter.load(str(p))["kind"] for p in markdown}
    assert {"log", "goal", "meeting", "attachment"} <= kinds
    assert "Liam kler på seg selv i garderoben" in (clone / "goals").joinpath(
        next(p.name for p in (clone / "goals").iterdir())
    ).read_text(encoding="utf-8")
    # Attachments are their real files, byte for byte (the demo's final report is a PDF).
    assert snapshot.of_kind(Attachment)
    for attachment in snapshot.of_kind(Attachment):
        extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
        stored = clone / "attachments" / f"{attachment.id}{extension[attachment.media_type]}"
        assert stored.read_bytes() == instance.logs.read_attachment(liam, attachment.id)
    # Original dates and named authors, not opaque ids.
    log = _git("log", "--format=%an|%ae|%at", cwd=clone).splitlines()
    assert [int(line.split("|")[2]) for line in log] == [
        int(entry.timestamp.timestamp()) for entry in history
    ]
    assert any(line.startswith("Hilde Solberg|") for line in log)
    assert not any("s-4f1c2a7e" in line for line in log)  # Hilde's opaque id
    # git itself finds nothing wrong with it.
    _git("fsck", "--full", "--strict", cwd=clone)


def test_only_the_archivist_exports_and_only_ended_logs(fresh_app: Flask, tmp_path: Path) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    ids = demo_log_ids(app)
    liam, nora = ids["Liam"], ids["Nora"]
    anne = logged_in(app, "staff:anne")
    page = anne.get("/arkiv/").data.decode()
    assert "Liam Johansen" in page and "Nora Berg" not in page  # closed only
    assert f"/arkiv/{liam}/historikk" in page
    token = csrf_token(anne, "/arkiv/")
    exported = anne.post(f"/arkiv/{liam}/historikk", data={"csrf_token": token})
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith("attachment;")
    assert f"logg-{liam}-historikk.bundle" in exported.headers["Content-Disposition"]
    assert exported.data.startswith(b"# v2 git bundle") or exported.data.startswith(
        b"# v3 git bundle"
    )
    bundle = tmp_path / "liam.bundle"
    bundle.write_bytes(exported.data)
    exported.close()  # streamed from an open file whose folder is already gone
    subprocess.run(["git", "clone", "-q", str(bundle), str(tmp_path / "c")], check=True)
    entries = instance.access_log.entries(liam)
    assert any(e.action == "export" and e.actor == "s-85c0f4d9" for e in entries)
    # An active log is not exported, even by the archivist.
    assert anne.post(f"/arkiv/{nora}/historikk", data={"csrf_token": token}).status_code == 404
    # Nobody else sees the list or exports, not even the holder of the closed log.
    for who in ("staff:hilde", "staff:bjorn", "citizen:emma"):
        client = logged_in(app, who)
        assert client.get("/arkiv/").status_code == 404, who
        sent = client.post(f"/arkiv/{liam}/historikk", data={"csrf_token": csrf_token(client, "/")})
        assert sent.status_code == 404, who
    assert sum(e.action == "export" for e in instance.access_log.entries(liam)) == 1
