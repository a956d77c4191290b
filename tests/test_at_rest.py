"""No plaintext at rest: after `stafettlogg demo`, Git holds no names, numbers or text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from app.config import load_settings
from app.instance import open_instance

ROOT = Path(__file__).resolve().parents[1]
_STRUCTURAL = re.compile(r"^[a-z0-9_.:+-]+$|^\d{4}-\d{2}-\d{2}")  # ids, enums, dates


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_demo_leaves_no_plaintext_in_any_git_object(tmp_path: Path) -> None:
    env = {**os.environ, "STAFETTLOGG_INSTANCE": str(tmp_path / "inst")}
    cli = [sys.executable, "-m", "app.cli"]
    subprocess.run([*cli, "init", "--demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*cli, "demo"], env=env, check=True, cwd=ROOT, capture_output=True)

    instance = open_instance(load_settings(env))
    markers: set[str] = set()
    for log_id in instance.store.repo_ids():
        for document in instance.logs.snapshot(log_id).documents.values():
            for text in _strings(document.model_dump(mode="json")):
                markers.update(
                    part for part in text.split() if len(part) >= 4 and not _STRUCTURAL.match(part)
                )
                if len(text) >= 4 and not _STRUCTURAL.match(text):
                    markers.add(text)
    directory = instance.directory.snapshot()
    for document in [*directory.units.values(), *directory.staff.values()]:
        for text in _strings(document.model_dump(mode="json")):
            if len(text) >= 4 and not _STRUCTURAL.match(text):
                markers.add(text)
    instance.close()
    assert len(markers) > 60 and {"Nora", "Berg", "Jonas", "Ahmed", "Bjørn Strand"} <= markers

    dumps = b""
    repos = sorted((tmp_path / "inst" / "content_store").rglob("*.git"))
    assert len(repos) == 6  # five logs and the municipal directory
    for repo in repos:
        dumps += subprocess.run(
            ["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch"],
            capture_output=True,
            check=True,
        ).stdout
        dumps += "\n".join(p.name for p in repo.rglob("*")).encode()
    assert len(dumps) > 10_000
    leaked = sorted(m for m in markers if m.encode() in dumps)
    assert leaked == []
