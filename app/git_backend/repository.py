"""One bare repository: read files at a revision, commit with compare-and-swap, history."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pygit2
from pygit2.enums import ObjectType, SortMode

from app.git_backend.errors import (
    FileNotInRevision,
    GitBackendError,
    RevisionConflict,
    RevisionNotFound,
)
from app.git_backend.locking import exclusive_writer
from app.git_backend.names import check_id, check_path
from app.git_backend.types import CommitInfo

BRANCH = "refs/heads/main"
_EMAIL_DOMAIN = "users.stafettlogg.invalid"


class LogRepository:
    """A bare repository with a single branch; every write names its expected parent."""

    def __init__(self, path: Path) -> None:
        """Open the repository at ``path`` (cheap: about 0.1 ms)."""
        self.path = path
        self._repo = pygit2.Repository(str(path))

    def close(self) -> None:
        """Release libgit2 resources now instead of at garbage collection."""
        self._repo.free()

    def __enter__(self) -> LogRepository:
        """Use as a context manager that closes on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the repository."""
        self.close()

    # -- reading -------------------------------------------------------------

    def head(self) -> str | None:
        """The current tip of the branch, or None for a repository with no commit."""
        ref = self._repo.references.get(BRANCH)
        return None if ref is None else str(ref.target)

    def read_file(self, path: str, revision: str | None = None) -> bytes:
        """The bytes of one file at ``revision`` (default: the tip)."""
        tree = self._tree(revision)
        try:
            entry = tree[check_path(path)]
        except KeyError:
            raise FileNotInRevision(path) from None
        return self._blob_data(entry)

    def read_all(self, revision: str | None = None) -> dict[str, bytes]:
        """Every file at ``revision`` (default: the tip), keyed by path."""
        if revision is None and self.head() is None:
            return {}
        return dict(self._walk_tree(self._tree(revision), ""))

    def list_paths(self, revision: str | None = None) -> list[str]:
        """Every file path at ``revision`` without reading the contents."""
        if revision is None and self.head() is None:
            return []
        return [path for path, _oid in self._walk_oids(self._tree(revision), "")]

    def file_ids(self, revision: str | None = None) -> dict[str, str]:
        """Path → blob id at ``revision``: lets callers re-read only what changed."""
        if revision is None and self.head() is None:
            return {}
        return {path: str(oid) for path, oid in self._walk_oids(self._tree(revision), "")}

    def read_blob(self, blob_id: str) -> bytes:
        """The bytes of a blob named by :meth:`file_ids`."""
        blob = self._lookup(blob_id)
        if not isinstance(blob, pygit2.Blob):
            raise FileNotInRevision(blob_id)
        return blob.data

    def commit_info(self, revision: str) -> CommitInfo:
        """Describe one commit of this repository."""
        return _info(self._commit(revision))

    def history(self, path: str | None = None, limit: int | None = None) -> list[CommitInfo]:
        """Commits newest first; with ``path``, only those that changed that file."""
        head = self.head()
        if head is None:
            return []
        if path is not None:
            check_path(path)
        found: list[CommitInfo] = []
        for commit in self._repo.walk(pygit2.Oid(hex=head), SortMode.TOPOLOGICAL | SortMode.TIME):
            if path is None or self._changes(commit, path):
                found.append(_info(commit))
                if limit is not None and len(found) >= limit:
                    break
        return found

    def contains(self, commit_id: str) -> bool:
        """Whether ``commit_id`` is the tip or one of its ancestors."""
        head = self.head()
        if head is None:
            return False
        try:
            oid = pygit2.Oid(hex=commit_id)
        except (ValueError, TypeError):
            return False
        if commit_id == head:
            return True
        return oid in self._repo and bool(self._repo.descendant_of(pygit2.Oid(hex=head), oid))

    def is_ancestor(self, ancestor: str, commit_id: str) -> bool:
        """Whether ``ancestor`` is ``commit_id`` or one of its ancestors (False if unknown)."""
        if ancestor == commit_id:
            return True
        try:
            older, newer = pygit2.Oid(hex=ancestor), pygit2.Oid(hex=commit_id)
        except (ValueError, TypeError):
            return False
        if older not in self._repo or newer not in self._repo:
            return False
        return bool(self._repo.descendant_of(newer, older))

    # -- writing -------------------------------------------------------------

    def commit(
        self,
        changes: Mapping[str, bytes | None],
        expected_parent: str | None,
        author_id: str,
        message: str,
    ) -> CommitInfo:
        """Write ``changes`` (path → bytes, or None to delete) as one commit.

        The commit lands only if the branch is still at ``expected_parent``
        (None: the repository must be empty); otherwise RevisionConflict is raised
        and nothing changes. The check is repeated by libgit2 under the ref lock.
        """
        if not changes:
            raise GitBackendError("a commit needs at least one change")
        signature = _signature(author_id)
        with exclusive_writer(self.path):
            actual = self.head()
            if actual != expected_parent:
                raise RevisionConflict(expected_parent, actual)
            tree_id = self._tree_with(changes, actual)
            parents = [] if actual is None else [pygit2.Oid(hex=actual)]
            commit_id = self._repo.create_commit(
                None, signature, signature, message, tree_id, parents
            )
            self._move_branch(commit_id, expected_parent)
        return _info(self._commit(str(commit_id)))

    # -- internals -----------------------------------------------------------

    def _move_branch(self, commit_id: pygit2.Oid, expected: str | None) -> None:
        try:
            if expected is None:
                self._repo.references.create(BRANCH, commit_id)
            else:
                ref = self._repo.references[BRANCH]
                if str(ref.target) != expected:
                    raise RevisionConflict(expected, str(ref.target))
                ref.set_target(commit_id)
        except (pygit2.GitError, pygit2.AlreadyExistsError, ValueError) as exc:
            raise RevisionConflict(expected, self.head()) from exc

    def _tree_with(self, changes: Mapping[str, bytes | None], parent: str | None) -> pygit2.Oid:
        index = pygit2.Index()
        if parent is not None:
            index.read_tree(self._commit(parent).tree)
        for path, data in changes.items():
            check_path(path)
            if data is None:
                if path not in index:
                    raise FileNotInRevision(path)
                index.remove(path)
            else:
                blob_id = self._repo.create_blob(data)
                index.add(pygit2.IndexEntry(path, blob_id, pygit2.enums.FileMode.BLOB))
        return index.write_tree(self._repo)

    def _lookup(self, object_id: str) -> pygit2.Object | None:
        try:
            return self._repo.get(pygit2.Oid(hex=object_id))
        except (ValueError, TypeError):
            return None

    def _commit(self, revision: str) -> pygit2.Commit:
        obj = self._lookup(revision)
        if not isinstance(obj, pygit2.Commit):
            raise RevisionNotFound(revision)
        return obj

    def _tree(self, revision: str | None) -> pygit2.Tree:
        if revision is None:
            revision = self.head()
            if revision is None:
                raise RevisionNotFound("the repository has no commits")
        return self._commit(revision).tree

    def _blob_data(self, obj: pygit2.Object) -> bytes:
        blob = self._repo[obj.id]
        if not isinstance(blob, pygit2.Blob):
            raise FileNotInRevision(obj.name or "")
        return blob.data

    def _walk_oids(self, tree: pygit2.Tree, prefix: str) -> Iterator[tuple[str, pygit2.Oid]]:
        for entry in tree:
            path = f"{prefix}{entry.name}"
            if entry.type == ObjectType.TREE:
                yield from self._walk_oids(self._repo[entry.id], f"{path}/")  # type: ignore[arg-type]
            else:
                yield path, entry.id

    def _walk_tree(self, tree: pygit2.Tree, prefix: str) -> Iterator[tuple[str, bytes]]:
        for path, oid in self._walk_oids(tree, prefix):
            yield path, self._repo[oid].data  # type: ignore[attr-defined]

    def _changes(self, commit: pygit2.Commit, path: str) -> bool:
        mine = _entry_id(commit.tree, path)
        if not commit.parents:
            return mine is not None
        return any(mine != _entry_id(parent.tree, path) for parent in commit.parents)


def _entry_id(tree: pygit2.Tree, path: str) -> pygit2.Oid | None:
    try:
        return tree[path].id
    except KeyError:
        return None


def _signature(author_id: str) -> pygit2.Signature:
    """An author made of an opaque id only: no name, no real e-mail."""
    check_id(author_id, "author id")
    now = int(datetime.now(UTC).timestamp())
    return pygit2.Signature(author_id, f"{author_id}@{_EMAIL_DOMAIN}", now, 0)


def _info(commit: pygit2.Commit) -> CommitInfo:
    return CommitInfo(
        id=str(commit.id),
        parent_ids=tuple(str(p) for p in commit.parent_ids),
        author_id=commit.author.name,
        timestamp=datetime.fromtimestamp(commit.commit_time, UTC),
        message=commit.message,
    )
