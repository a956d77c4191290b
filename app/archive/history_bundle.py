"""The log's full history as a plain ``git bundle`` the archive can read without our keys.

Every commit of the encrypted repository is replayed, oldest first, into a
fresh repository in a private temporary folder: the same files decrypted
(Markdown with YAML front matter, read back with python-frontmatter before
anything is offered), attachments under their real type, the original
dates, and the author resolved to a name and a role at export. The result is
bundled with the git command line, and the bundle is verified (``git bundle
verify``, ``git fsck``) before it is moved into place: a failure leaves
nothing at the destination. The bundle is for the archive's copy of the full
history (issue 9); a bundle is not an approved archive format on its own, so
the archive package carries a rendered history beside it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import pygit2

from app.git_backend.maintenance import bundle, fsck
from app.logs.events import LogEvent
from app.logs.layout import ATTACHMENT_SUFFIX
from app.logs.service import LogService

_BRANCH = "refs/heads/main"
_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_BLOB = pygit2.enums.FileMode.BLOB


@dataclass(frozen=True)
class Author:
    """Who made a commit, as the archive reads it."""

    name: str
    role: str


@dataclass(frozen=True)
class BundleReport:
    """What was written: how many commits and files, and where."""

    path: Path
    commits: int
    documents: int
    attachments: int


def write_history_bundle(
    logs: LogService, log_id: str, destination: Path, author_of: Callable[[str], Author]
) -> BundleReport:
    """Replay the log's history in plain text and write it as one verified git bundle.

    ``author_of`` turns a commit's opaque author id into a name and a role
    (the directory for staff, the log's guardians and subject for citizens).
    """
    with tempfile.TemporaryDirectory(prefix="stafettlogg-bundle-") as folder:
        os.chmod(folder, 0o700)  # decrypted children's data: owner only
        plain = pygit2.init_repository(str(Path(folder) / "history.git"), bare=True)
        parent: list[pygit2.Oid] = []
        commits = 0
        files: dict[str, bytes] = {}
        # Each distinct file is read back and stored once, not once per commit it is in
        # (a file unchanged across 500 commits is the same bytes 500 times).
        parsed: dict[bytes, frontmatter.Post] = {}
        blobs: dict[bytes, pygit2.Oid] = {}
        for commit, files in logs.replay(log_id):
            # Every document read as the archive reads it; attachments named by their type.
            front = {}
            for path, data in files.items():
                if path.endswith(".md"):
                    if data not in parsed:
                        parsed[data] = frontmatter.loads(data.decode("utf-8"))
                    front[path] = parsed[data]
            index = pygit2.Index()
            for path, data in sorted(files.items()):
                if data not in blobs:
                    blobs[data] = plain.create_blob(data)
                index.add(pygit2.IndexEntry(_plain_path(path, front), blobs[data], _BLOB))
            tree = index.write_tree(plain)
            author = author_of(commit.author_id)
            when = int(commit.timestamp.timestamp())
            offset = int(commit.timestamp.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
            signature = pygit2.Signature(author.name or "ukjent", _email(author.role), when, offset)
            message = _message(commit.message, author)
            new = plain.create_commit(_BRANCH, signature, signature, message, tree, parent)
            parent = [new]
            commits += 1
        if not commits:
            raise ValueError(f"log {log_id} has no history")
        plain.set_head(_BRANCH)
        documents = sum(1 for p in files if p.endswith(".md"))  # at the last commit
        attachments = sum(1 for p in files if p.endswith(ATTACHMENT_SUFFIX))
        repository = Path(folder) / "history.git"
        checked = fsck(log_id, repository)
        if not checked.ok:
            raise RuntimeError(f"the replayed history does not pass git fsck: {checked.output}")
        written = Path(folder) / "history.bundle"
        bundle(repository, written)
        verified = subprocess.run(  # noqa: S603 (fixed arguments, our own file)
            ["git", "-C", str(repository), "bundle", "verify", str(written)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if verified.returncode != 0:
            raise RuntimeError(f"git bundle verify failed: {verified.stderr}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".partial")
        shutil.copyfile(written, partial)
        os.chmod(partial, 0o600)
        os.replace(partial, destination)  # complete and verified, or nothing
    return BundleReport(destination, commits, documents, attachments)


def _plain_path(path: str, front: dict[str, frontmatter.Post]) -> str:
    """An attachment's bytes under their real type (from its metadata beside them)."""
    if not path.endswith(ATTACHMENT_SUFFIX):
        return path
    stem = path[: -len(ATTACHMENT_SUFFIX)]
    metadata = front.get(stem + ".md")
    media_type = str(metadata.get("media_type", "")) if metadata is not None else ""
    return stem + _EXTENSIONS.get(media_type, ".bin")


def _email(role: str) -> str:
    """Git needs an address; the archive needs the role. No real address is exported."""
    return f"{re.sub(r'[^a-z0-9-]+', '-', role.lower()).strip('-') or 'ukjent'}@stafettlogg.invalid"


def _message(original: str, author: Author) -> str:
    """The change in words: what was done to which documents, and by whom."""
    event = LogEvent.from_message(original)
    if event is None:
        return f"{original.strip()}\n\nAv: {author.name} ({author.role})\n"
    documents = "\n".join(f"- {ref}" for ref in event.documents)
    return f"{event.action.value}\n\nAv: {author.name} ({author.role})\n\n{documents}\n"
