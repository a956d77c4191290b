"""The content store: a directory of bare repositories named by opaque ids."""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from pathlib import Path

import pygit2

from app.git_backend.errors import RepositoryExists, RepositoryNotFound
from app.git_backend.locking import exclusive_writer, remove_stale_git_locks
from app.git_backend.names import check_id
from app.git_backend.repository import BRANCH, LogRepository
from app.git_backend.types import CommitInfo

_SUFFIX = ".git"
STAGING_GRACE_SECONDS = 300


def enable_durability() -> None:
    """Make libgit2 fsync objects, refs and their directories before reporting success."""
    pygit2.settings.enable_fsync_gitdir(True)


class GitStore:
    """Creates and opens the repositories under one root directory."""

    def __init__(self, root: Path) -> None:
        """Use ``root`` (created if missing) for all repositories."""
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path_of(self, repo_id: str) -> Path:
        """Where the repository with ``repo_id`` lives."""
        return self.root / f"{check_id(repo_id, 'repository id')}{_SUFFIX}"

    def exists(self, repo_id: str) -> bool:
        """Whether a repository with this id exists."""
        return (self.path_of(repo_id) / "HEAD").exists()

    def create(
        self, repo_id: str, files: Mapping[str, bytes], author_id: str, message: str
    ) -> CommitInfo:
        """Create a bare repository and write its first commit in one step.

        The repository is built under a temporary name and renamed into place only
        after the first commit is durable, so a crash never leaves a half-made log.
        """
        final = self.path_of(repo_id)
        if final.exists():
            raise RepositoryExists(repo_id)
        staging = self.root / f".new-{repo_id}"
        shutil.rmtree(staging, ignore_errors=True)
        repo = pygit2.init_repository(str(staging), bare=True, initial_head="main")
        repo.free()
        try:
            with LogRepository(staging) as new:
                first = new.commit(files, None, author_id, message)
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return first

    def open(self, repo_id: str) -> LogRepository:
        """Open an existing repository; close it (or use ``with``) when done."""
        path = self.path_of(repo_id)
        if not (path / "HEAD").exists():
            raise RepositoryNotFound(repo_id)
        return LogRepository(path)

    def repo_ids(self) -> list[str]:
        """Ids of every repository in the store, sorted."""
        return sorted(
            p.name[: -len(_SUFFIX)]
            for p in self.root.iterdir()
            if p.name.endswith(_SUFFIX) and (p / "HEAD").exists()
        )

    def recover(self) -> int:
        """Clear crash leftovers: stale Git locks and half-created repositories."""
        cleared = 0
        cutoff = time.time() - STAGING_GRACE_SECONDS
        for leftover in self.root.glob(".new-*"):
            if leftover.stat().st_mtime < cutoff:  # younger ones may be mid-creation
                shutil.rmtree(leftover, ignore_errors=True)
                cleared += 1
        for repo_id in self.repo_ids():
            path = self.path_of(repo_id)
            with exclusive_writer(path):
                cleared += len(remove_stale_git_locks(path))
        return cleared


__all__ = ["BRANCH", "GitStore", "enable_durability"]
