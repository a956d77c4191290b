"""The access log is append-only, encrypted and tamper-evident."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.audit import AccessEntry, AccessLog, ChainBroken
from app.encryption import LogCipher

KEY = bytes(range(32))


def _log(tmp_path: Path) -> AccessLog:
    return AccessLog(tmp_path, lambda log_id: LogCipher(log_id, {1: KEY}))


def _entry(n: int) -> AccessEntry:
    return AccessEntry(
        datetime(2026, 11, 22, 12, n, tzinfo=UTC),
        f"s-user{n}",
        "participant",
        "school",
        "work",
        "read",
        "consent:c1",
    )


def _filled(tmp_path: Path, count: int = 5) -> AccessLog:
    log = _log(tmp_path)
    for n in range(count):
        assert log.append("logone", _entry(n)) == n + 1
    log.flush()  # the anchor covers what is on disk; see test_reads_are_fsynced_in_groups
    return log


def test_reads_are_fsynced_in_groups_and_changes_at_once(tmp_path: Path) -> None:
    log = AccessLog(tmp_path, lambda log_id: LogCipher(log_id, {1: KEY}), group_seconds=60)
    for n in range(20):
        log.append("logone", _entry(n))
    assert log.fsyncs == 0  # written (a crashed process loses nothing), not yet synced
    assert len(log.entries("logone")) == 20  # readable and verified right away
    assert log._read_anchor("logone")[0] == 0
    log.append("logone", _entry(21), durable=True)  # a change: synced and anchored at once
    assert log.fsyncs == 1 and log._read_anchor("logone")[0] == 21
    log.append("logone", _entry(22))
    assert log.flush() == 1 and log._read_anchor("logone")[0] == 22
    assert log.flush() == 0
    # Another writer's entries (another process) are seen: the cached tail is checked.
    other = AccessLog(tmp_path, lambda log_id: LogCipher(log_id, {1: KEY}), group_seconds=60)
    assert other.append("logone", _entry(23)) == 23
    assert log.append("logone", _entry(24)) == 24
    assert log.verify("logone") == 24


def test_the_background_flush_anchors_soon(tmp_path: Path) -> None:
    import time

    log = AccessLog(tmp_path, lambda log_id: LogCipher(log_id, {1: KEY}), group_seconds=0.01)
    log.append("logone", _entry(1))
    deadline = time.monotonic() + 5
    while log._read_anchor("logone")[0] != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert log._read_anchor("logone")[0] == 1 and log.fsyncs >= 1


def test_round_trip_and_encrypted_at_rest(tmp_path: Path) -> None:
    log = _filled(tmp_path)
    assert log.entries("logone") == [_entry(n) for n in range(5)]
    assert log.verify("logone") == 5
    raw = (tmp_path / "logone.log").read_bytes()
    assert b"s-user" not in raw and b"consent" not in raw
    assert log.entries("otherlog") == []


def test_changed_entry_is_detected(tmp_path: Path) -> None:
    log = _filled(tmp_path)
    path = tmp_path / "logone.log"
    lines = path.read_bytes().splitlines()
    label, payload = lines[2].split(b" ")
    flipped = payload[:-6] + (b"A" if payload[-6:-5] != b"A" else b"B") + payload[-5:]
    lines[2] = label + b" " + flipped
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(ChainBroken, match="entry 3"):
        log.verify("logone")


@pytest.mark.parametrize("mutation", ["remove_middle", "swap", "truncate_tail", "empty"])
def test_removed_reordered_or_truncated_entries_are_detected(tmp_path: Path, mutation: str) -> None:
    log = _filled(tmp_path)
    path = tmp_path / "logone.log"
    lines = path.read_bytes().splitlines()
    if mutation == "remove_middle":
        del lines[1]
    elif mutation == "swap":
        lines[1], lines[2] = lines[2], lines[1]
    elif mutation == "truncate_tail":
        lines = lines[:-2]
    else:
        lines = []
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    with pytest.raises(ChainBroken):
        log.verify("logone")


def test_entry_copied_from_another_log_is_detected(tmp_path: Path) -> None:
    log = _filled(tmp_path)
    _log(tmp_path).append("logtwo", _entry(9))
    other = (tmp_path / "logtwo.log").read_bytes()
    path = tmp_path / "logone.log"
    path.write_bytes(path.read_bytes() + other.replace(b"1 ", b"6 ", 1))
    with pytest.raises(ChainBroken):
        log.verify("logone")


def test_torn_last_line_from_a_crash_is_cut_and_chain_continues(tmp_path: Path) -> None:
    log = _filled(tmp_path, 3)
    path = tmp_path / "logone.log"
    path.write_bytes(path.read_bytes() + b"4 dG9ybi")  # a crash mid-append: never acknowledged
    assert log.append("logone", _entry(7)) == 4
    assert log.verify("logone") == 4


def test_crash_between_append_and_anchor_keeps_chain(tmp_path: Path) -> None:
    log = _filled(tmp_path, 3)
    anchor = (tmp_path / "logone.anchor").read_text()
    log.append("logone", _entry(4))
    (tmp_path / "logone.anchor").write_text(anchor)  # as if the anchor write never happened
    assert log.append("logone", _entry(5)) == 5
    assert log.verify("logone") == 5
