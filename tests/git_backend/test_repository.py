"""The Git backend against real bare repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.git_backend import (
    FileNotInRevision,
    GitBackendError,
    GitStore,
    InvalidName,
    RepositoryExists,
    RepositoryNotFound,
    RevisionConflict,
    RevisionNotFound,
    enable_durability,
)
from app.git_backend.maintenance import bundle, fsck


@pytest.fixture
def store(tmp_path: Path) -> GitStore:
    enable_durability()
    return GitStore(tmp_path / "store")


def test_create_read_commit_history(store: GitStore) -> None:
    first = store.create("log-one", {"log.md": b"a", "goals/g1.md": b"b"}, "s-author1", "create")
    assert store.exists("log-one") and store.repo_ids() == ["log-one"]
    with store.open("log-one") as repo:
        assert repo.head() == first.id
        second = repo.commit({"goals/g2.md": b"c", "log.md": b"a2"}, first.id, "s-author2", "save")
        third = repo.commit({"goals/g1.md": None}, second.id, "s-author1", "delete")
        assert repo.read_all() == {"goals/g2.md": b"c", "log.md": b"a2"}
        assert repo.read_all(first.id) == {"goals/g1.md": b"b", "log.md": b"a"}
        assert repo.read_file("log.md", first.id) == b"a"
        assert [c.id for c in repo.history()] == [third.id, second.id, first.id]
        assert [c.id for c in repo.history("goals/g1.md")] == [third.id, first.id]
        assert [c.id for c in repo.history(limit=1)] == [third.id]
        assert repo.commit_info(second.id).author_id == "s-author2"
        assert second.parent_ids == (first.id,)
        assert repo.contains(first.id) and not repo.contains("0" * 40)
        assert not repo.contains("not-hex")


def test_author_is_opaque_and_nothing_else(store: GitStore) -> None:
    store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    out = subprocess.run(
        ["git", "-C", str(store.path_of("log-one")), "log", "--format=%an|%ae|%cn|%ce"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    identity = "s-author1|s-author1@users.stafettlogg.invalid"
    assert out == f"{identity}|{identity}"


def test_stale_parent_is_a_conflict_and_writes_nothing(store: GitStore) -> None:
    first = store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    with store.open("log-one") as repo:
        second = repo.commit({"a.md": b"y"}, first.id, "s-author1", "save")
        with pytest.raises(RevisionConflict) as info:
            repo.commit({"a.md": b"z"}, first.id, "s-author2", "save")
        assert (info.value.expected, info.value.actual) == (first.id, second.id)
        assert repo.head() == second.id and repo.read_file("a.md") == b"y"
        with pytest.raises(RevisionConflict):
            repo.commit({"a.md": b"z"}, None, "s-author2", "save")


def test_errors_are_typed(store: GitStore) -> None:
    first = store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    with pytest.raises(RepositoryExists):
        store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    with pytest.raises(RepositoryNotFound):
        store.open("log-two")
    with store.open("log-one") as repo:
        with pytest.raises(FileNotInRevision):
            repo.read_file("b.md")
        with pytest.raises(RevisionNotFound):
            repo.read_all("f" * 40)
        with pytest.raises(FileNotInRevision):
            repo.commit({"b.md": None}, first.id, "s-author1", "delete")
        with pytest.raises(GitBackendError):
            repo.commit({}, first.id, "s-author1", "nothing")


@pytest.mark.parametrize(
    "path",
    [
        "..",
        ".git/config",
        "a/../b.md",
        "A.md",
        "a b.md",
        "ø.md",
        "/abs.md",
        "a\\b.md",
        "nul",
        "a.md\x00",
        "",
        ".hidden.md",
        "a//b.md",
    ],
)
def test_unsafe_paths_refused(store: GitStore, path: str) -> None:
    first = store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    with store.open("log-one") as repo, pytest.raises(InvalidName):
        repo.commit({path: b"x"}, first.id, "s-author1", "save")


@pytest.mark.parametrize("bad", ["Kari Nordmann", "01020312345@x", "", "../x", "a" * 80])
def test_unsafe_author_and_repo_ids_refused(store: GitStore, bad: str) -> None:
    with pytest.raises(InvalidName):
        store.create("log-one", {"a.md": b"x"}, bad, "create")
    with pytest.raises(InvalidName):
        store.path_of(bad)
    assert not store.exists("log-one")


def test_fsck_and_bundle(store: GitStore, tmp_path: Path) -> None:
    store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    assert fsck("log-one", store.path_of("log-one")).ok
    target = tmp_path / "log.bundle"
    bundle(store.path_of("log-one"), target)
    verify = subprocess.run(
        ["git", "bundle", "list-heads", str(target)], capture_output=True, text=True
    )
    assert verify.returncode == 0 and "refs/heads/main" in verify.stdout


def test_fsck_detects_corruption(store: GitStore) -> None:
    store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    objects = sorted((store.path_of("log-one") / "objects").glob("??/*"))
    objects[0].chmod(0o600)
    objects[0].write_bytes(b"garbage")
    assert not fsck("log-one", store.path_of("log-one")).ok


def test_stale_lock_does_not_block_next_write(store: GitStore) -> None:
    first = store.create("log-one", {"a.md": b"x"}, "s-author1", "create")
    (store.path_of("log-one") / "refs" / "heads" / "main.lock").write_text("left by a crash")
    with store.open("log-one") as repo:
        assert repo.commit({"a.md": b"y"}, first.id, "s-author1", "save").parent_ids == (first.id,)


def test_recover_clears_half_created_repositories(store: GitStore) -> None:
    import os

    leftover = store.root / ".new-log-two"
    leftover.mkdir()
    os.utime(leftover, (0, 0))
    assert store.recover() == 1 and not leftover.exists()
