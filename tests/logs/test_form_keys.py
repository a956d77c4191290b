"""Idempotency keys: one save per form, racing workers wait, only the owner settles a claim."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.logs import form_keys as module
from app.logs.form_keys import FormKeys


def test_a_key_is_claimed_once_and_then_answers_with_its_revision(tmp_path: Path) -> None:
    keys = FormKeys(tmp_path / "keys.sqlite3")
    done, claim = keys.claim("p-user", "key1", "log1")
    assert done is None and claim
    keys.complete("p-user", "key1", claim, "a" * 40)
    assert keys.claim("p-user", "key1", "log1") == ("a" * 40, "")
    assert keys.claim("p-other", "key1", "log1")[0] is None  # keys are per user
    with pytest.raises(KeyError):
        keys.claim("p-user", "key1", "log2")


def test_a_racing_second_submission_waits_for_the_first(tmp_path: Path) -> None:
    first, second = FormKeys(tmp_path / "k.sqlite3"), FormKeys(tmp_path / "k.sqlite3")
    _done, claim = first.claim("p-user", "key", "log1")
    answers: list[tuple[str | None, str]] = []
    waiter = threading.Thread(target=lambda: answers.append(second.claim("p-user", "key", "log1")))
    waiter.start()
    time.sleep(0.2)
    assert not answers  # still waiting for the first save
    first.complete("p-user", "key", claim, "b" * 40)
    waiter.join(timeout=5)
    assert answers == [("b" * 40, "")]


def test_only_the_owner_settles_a_claim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = FormKeys(tmp_path / "k.sqlite3")
    _done, slow = keys.claim("p-user", "key", "log1")
    monkeypatch.setattr(module, "ABANDONED_SECONDS", 0)  # the slow save looks abandoned
    time.sleep(0.01)
    done, taken = keys.claim("p-user", "key", "log1")
    assert done is None and taken != slow
    keys.release("p-user", "key", slow)  # the slow worker fails: it must not drop the new claim
    keys.complete("p-user", "key", slow, "c" * 40)  # nor overwrite it
    keys.complete("p-user", "key", taken, "d" * 40)
    monkeypatch.setattr(module, "ABANDONED_SECONDS", 600)
    assert keys.claim("p-user", "key", "log1") == ("d" * 40, "")
