"""Reading a log: snapshots, single documents, attachments, history and diffs.

The read side of the log service, kept apart so each module has one job;
:class:`app.logs.service.LogService` adds the verbs that change logs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from app.documents.base import DocumentBase
from app.encryption import DataKeyMissing, KeyStore
from app.git_backend import (
    CommitInfo,
    FileNotInRevision,
    GitStore,
    InvalidName,
    LogRepository,
    RepositoryNotFound,
    RevisionNotFound,
)
from app.logs import layout
from app.logs.cache import LruCache
from app.logs.codec import LogCodec, ref_of
from app.logs.diff import DiffLine, diff_lines
from app.logs.errors import CorruptLog, DocumentNotFound, LogNotFound
from app.logs.events import LogEvent
from app.logs.layout import DocRef
from app.logs.ledger import HeadLedger, RolledBack
from app.logs.snapshot import HistoryEntry, LogSnapshot

_OPEN_REPOSITORIES = 64  # per thread


class LogReader:
    """Decrypting, validating reads of one instance's logs."""

    def __init__(self, store: GitStore, keys: KeyStore, ledger: HeadLedger) -> None:
        """Read from ``store`` with data keys from ``keys``; heads are checked in ``ledger``."""
        self.store = store
        self.keys = keys
        self.ledger = ledger
        # (log id, path, blob id) → document: a blob id is one sealed version, so never
        # stale. The path is part of the key because the path is part of the cipher's
        # associated data: a blob copied to another path must fail to decrypt there.
        self.documents_cache: LruCache[tuple[str, str, str], DocumentBase] = LruCache(50_000)
        # (log id, revision) → the whole snapshot: a revision never changes either.
        self.snapshots_cache: LruCache[tuple[str, str], LogSnapshot] = LruCache(256)
        self._threads = threading.local()

    def snapshot(self, log_id: str, revision: str | None = None) -> LogSnapshot:
        """Every document of a log at ``revision`` (default: the newest).

        Only blobs not seen before are decrypted and parsed; after an edit that
        is the one changed document.
        """
        with self._open(log_id) as (repo, codec):
            revision = revision or self._threads.head  # read and verified by _open just now
            if revision is None:
                raise LogNotFound(log_id)
            known = self.snapshots_cache.get((log_id, revision))
            if known is not None:
                return known
            documents = {}
            for path, blob_id in self._file_ids(repo, revision).items():
                if layout.kind_of_path(path) is not None:
                    document = self._decode_blob(log_id, repo, codec, path, blob_id)
                    documents[ref_of(document)] = document
        snapshot = LogSnapshot(log_id, revision, documents)
        self.snapshots_cache.put((log_id, revision), snapshot)
        return snapshot

    def changed_documents(
        self, log_id: str, refs: Iterable[DocRef], old: str, new: str
    ) -> list[DocRef]:
        """Which of ``refs`` differ between two revisions (by blob id: no decryption)."""
        with self._open(log_id) as (repo, _codec):
            before, after = self._file_ids(repo, old), self._file_ids(repo, new)
        return [
            ref for ref in refs if before.get(layout.path_of(ref)) != after.get(layout.path_of(ref))
        ]

    def is_ancestor(self, log_id: str, old: str, new: str) -> bool:
        """Whether revision ``old`` is ``new`` or comes before it in the log's history."""
        with self._open(log_id) as (repo, _codec):
            return bool(repo.is_ancestor(old, new))

    def has_revision(self, log_id: str, revision: str) -> bool:
        """Whether ``revision`` is in the log's history."""
        with self._open(log_id) as (repo, _codec):
            return repo.contains(revision)

    def read_kinds(
        self, log_id: str, kinds: frozenset[str], revision: str | None = None
    ) -> LogSnapshot:
        """Only the documents of some kinds (decrypting no more than needed)."""
        with self._open(log_id) as (repo, codec):
            revision = revision or repo.head()
            if revision is None:
                raise LogNotFound(log_id)
            return self._read_kinds(log_id, repo, codec, revision, kinds)

    def read_document(self, log_id: str, ref: DocRef, revision: str | None = None) -> DocumentBase:
        """One document at ``revision`` (default: the newest)."""
        with self._open(log_id) as (repo, codec):
            path = layout.path_of(ref)
            return codec.decode(path, self._read_file(repo, path, revision))

    def read_attachment(
        self, log_id: str, attachment_id: str, revision: str | None = None
    ) -> bytes:
        """The decrypted bytes of an attachment."""
        with self._open(log_id) as (repo, codec):
            path = layout.attachment_path(attachment_id)
            return codec.plaintext(path, self._read_file(repo, path, revision))

    def head(self, log_id: str) -> str:
        """The newest revision of a log."""
        with self._open(log_id) as (repo, _codec):
            head = repo.head()
        if head is None:
            raise LogNotFound(log_id)
        return head

    def history(
        self, log_id: str, ref: DocRef | None = None, limit: int | None = None
    ) -> list[HistoryEntry]:
        """Commits of the log (or of one document), newest first."""
        with self._open(log_id) as (repo, _codec):
            path = None if ref is None else layout.path_of(ref)
            commits = repo.history(path, limit)
        return [
            HistoryEntry(c.id, c.author_id, c.timestamp, LogEvent.from_message(c.message))
            for c in commits
        ]

    def replay(self, log_id: str) -> Iterator[tuple[CommitInfo, dict[str, bytes]]]:
        """Every commit of the log, oldest first, with all its files decrypted (path → bytes).

        For the archive's copy of the full history. A file that did not change
        between commits is decrypted once (same sealed blob, same plaintext).
        """
        with self._open(log_id) as (repo, codec):
            commits = list(reversed(repo.history()))
            plain: dict[str, bytes] = {}
            for commit in commits:
                files = {}
                for path, blob_id in self._file_ids(repo, commit.id).items():
                    if blob_id not in plain:
                        plain[blob_id] = codec.plaintext(path, repo.read_blob(blob_id))
                    files[path] = plain[blob_id]
                yield commit, files

    def diff(self, log_id: str, ref: DocRef, old: str, new: str) -> list[DiffLine]:
        """Line-by-line difference of one document between two revisions."""
        with self._open(log_id) as (repo, codec):
            path = layout.path_of(ref)
            texts = []
            for revision in (old, new):
                try:
                    texts.append(codec.plaintext(path, repo.read_file(path, revision)).decode())
                except FileNotInRevision:
                    texts.append("")  # created or deleted between the two revisions
                except RevisionNotFound:
                    raise DocumentNotFound(str(ref)) from None
        return diff_lines(texts[0], texts[1])

    @contextmanager
    def _open(self, log_id: str) -> Iterator[tuple[LogRepository, LogCodec]]:
        try:
            codec = LogCodec(self.keys.log_cipher(log_id))
            repo = self._repository(log_id)
        except (RepositoryNotFound, InvalidName, DataKeyMissing, ValueError):
            raise LogNotFound(log_id) from None
        try:
            head = repo.head()
            if head is not None:
                self.ledger.verify(log_id, head, repo.contains)
        except RolledBack as exc:
            raise CorruptLog(f"log {log_id} was rolled back: {exc}") from None
        self._threads.head = head
        yield repo, codec

    def _repository(self, log_id: str) -> LogRepository:
        """An open repository, kept per thread: opening one costs more than a page view.

        Reusing it is safe because every read asks for the branch's head again
        (libgit2 re-reads the ref from disk) and objects never change.
        """
        opened: OrderedDict[str, LogRepository] | None = getattr(self._threads, "repos", None)
        if opened is None:
            opened = self._threads.repos = OrderedDict()
        repo = opened.get(log_id)
        if repo is None:
            repo = opened[log_id] = self.store.open(log_id)
            if len(opened) > _OPEN_REPOSITORIES:
                _oldest, evicted = opened.popitem(last=False)
                evicted.close()
        else:
            opened.move_to_end(log_id)
        return repo

    @staticmethod
    def _file_ids(repo: LogRepository, revision: str) -> dict[str, str]:
        try:
            return repo.file_ids(revision)
        except RevisionNotFound:
            raise DocumentNotFound(revision) from None

    def _decode_blob(
        self, log_id: str, repo: LogRepository, codec: LogCodec, path: str, blob_id: str
    ) -> DocumentBase:
        key = (log_id, path, blob_id)
        document = self.documents_cache.get(key)
        if document is None:
            document = codec.decode(path, repo.read_blob(blob_id))
            self.documents_cache.put(key, document)
        return document

    @staticmethod
    def _read_file(repo: LogRepository, path: str, revision: str | None) -> bytes:
        try:
            return repo.read_file(path, revision)
        except (FileNotInRevision, RevisionNotFound):
            raise DocumentNotFound(path) from None

    def _read_kinds(
        self,
        log_id: str,
        repo: LogRepository,
        codec: LogCodec,
        revision: str,
        kinds: frozenset[str],
    ) -> LogSnapshot:
        documents = {}
        for path, blob_id in self._file_ids(repo, revision).items():
            if layout.kind_of_path(path) in kinds:
                document = self._decode_blob(log_id, repo, codec, path, blob_id)
                documents[ref_of(document)] = document
        return LogSnapshot(log_id, revision, documents)
