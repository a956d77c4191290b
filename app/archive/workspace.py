"""Where an export is put together: a private folder inside the instance, never /tmp.

An export decrypts (PDFs, the history's Markdown) before it is offered. Doing
that inside the instance folder (mode 0700, on the same disk and the same
backups policy as the keys) keeps it off shared temporary space, and lets
``stafettlogg fsck`` clear what a killed worker left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.config import Settings

#: Work left longer than this is from a worker that died: no export takes a day.
STALE_SECONDS = 24 * 3600


def workspace(settings: Settings) -> Path:
    """The instance's private work folder (created 0700 if missing)."""
    folder = settings.instance_path / "tmp"
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    return folder


def private_folder(settings: Settings, prefix: str) -> Path:
    """A new private folder for one export (0700), inside :func:`workspace`."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=workspace(settings)))


@contextmanager
def private_target(settings: Settings, name: str) -> Iterator[Path]:
    """A path named ``name`` in a new private folder, removed with all in it afterwards.

    For a download: write the file, open it, leave the block; the open handle
    streams the file while nothing of it stays on disk.
    """
    folder = private_folder(settings, "download-")
    try:
        yield folder / name
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def swap_in(finished: Path, destination: Path, private: Path) -> None:
    """Put a finished folder at ``destination``; an earlier one there goes only after.

    ``private`` (on the same file system, removed by the caller) receives the
    earlier folder, so a crash leaves the old complete one or the new one.
    """
    old = None
    if destination.exists():
        old = private / "previous"
        os.replace(destination, old)
    os.replace(finished, destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def clear_stale(folder: Path, pattern: str = "*", older_than: float = STALE_SECONDS) -> int:
    """Remove what a crashed export left in ``folder``; returns how many were removed."""
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for path in folder.glob(pattern):
        try:
            if path.lstat().st_mtime < cutoff:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed
