"""What only the git command line does well: fsck, bundle and gc.

These run through GitPython's command wrapper, one short-lived process per
call, always closed; the server's hot path never uses them (see PERF-NOTES:
GitPython spawns processes and is not meant for long-running use).
"""

from __future__ import annotations

from pathlib import Path

import git

from app.git_backend.locking import exclusive_writer
from app.git_backend.types import FsckResult

# Durable writes for any CLI operation, matching libgit2's fsync setting.
_DURABLE = ("-c", "core.fsync=committed", "-c", "core.fsyncMethod=fsync")


def _run(path: Path, *args: str) -> tuple[bool, str]:
    repo = git.Repo(path)
    try:
        status, out, err = repo.git.execute(
            ["git", *_DURABLE, *args], with_extended_output=True, with_exceptions=False
        )
    finally:
        repo.close()
    return status == 0, "\n".join(part for part in (out, err) if part)


def fsck(repo_id: str, path: Path) -> FsckResult:
    """Run ``git fsck --full --strict`` on one repository."""
    ok, output = _run(path, "fsck", "--full", "--strict", "--no-dangling")
    return FsckResult(repo_id, ok, output)


def bundle(path: Path, destination: Path) -> None:
    """Write the whole history of a repository into one git bundle file."""
    ok, output = _run(path, "bundle", "create", str(destination), "--all")
    if not ok:
        raise RuntimeError(f"git bundle failed: {output}")


def gc(path: Path) -> bool:
    """Pack loose objects (encrypted blobs never delta, but packing halves disk use)."""
    with exclusive_writer(path):
        ok, _output = _run(path, "gc", "--quiet", "--prune=now")
    return ok
