"""One writer per repository at a time, across threads and processes.

A writer holds a thread lock (same process) and an ``flock`` on a file in the
repository (other processes). The kernel drops an ``flock`` when its process
dies, so whoever holds it knows that any ``*.lock`` file Git left behind belongs
to a writer that crashed; those are removed before writing. This is how a
SIGKILL in the middle of a commit never blocks the next write.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

WRITER_FILE = "stafettlogg-writer"
_thread_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def _thread_lock(repo_path: Path) -> threading.Lock:
    key = str(repo_path)
    with _registry_lock:
        return _thread_locks.setdefault(key, threading.Lock())


@contextmanager
def exclusive_writer(repo_path: Path) -> Iterator[None]:
    """Hold the repository's writer lock and clear stale Git locks first."""
    with _thread_lock(repo_path):
        fd = os.open(repo_path / WRITER_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            remove_stale_git_locks(repo_path)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def remove_stale_git_locks(repo_path: Path) -> list[Path]:
    """Delete ``*.lock`` files in a repository; call only while holding its writer lock."""
    removed = []
    for lock_file in [*repo_path.glob("*.lock"), *(repo_path / "refs").rglob("*.lock")]:
        lock_file.unlink(missing_ok=True)
        removed.append(lock_file)
    if removed:
        log.warning("removed %d stale git lock file(s) left by a crashed writer", len(removed))
    return removed
