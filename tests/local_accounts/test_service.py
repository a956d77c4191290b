"""Local child accounts: activation, three factors, single-use codes, lockout, rate limits."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pyotp
import pytest

from app.local_accounts import ActivationFailed, LocalAccounts, LoginFailed, PasswordRejected
from app.local_accounts.service import ADDRESS_MAX_ATTEMPTS, MAX_FAILURES

PASSWORD = "blå tog over fjellet"
KEY = bytes(range(32))


@pytest.fixture
def accounts(tmp_path: Path) -> LocalAccounts:
    return LocalAccounts(tmp_path / "accounts.sqlite3", KEY)


def _active(accounts: LocalAccounts, username: str = "nora.b") -> tuple[str, pyotp.TOTP]:
    code = accounts.enrol("p-child", username, "s-holder01")
    seed = accounts.activate(username, code, PASSWORD)
    totp = pyotp.TOTP(seed)
    accounts.confirm(username, totp.at(time.time() - 30))  # previous step: leaves now for login
    return username, totp


def test_full_enrolment_and_login(accounts: LocalAccounts) -> None:
    _username, totp = _active(accounts)
    assert accounts.state_of("p-child") == "active"
    assert accounts.authenticate("Nora.B ", PASSWORD, totp.now(), "10.0.0.1") == "p-child"


def test_each_code_is_accepted_once(accounts: LocalAccounts) -> None:
    username, totp = _active(accounts)
    code = totp.now()
    accounts.authenticate(username, PASSWORD, code, "a")
    with pytest.raises(LoginFailed):
        accounts.authenticate(username, PASSWORD, code, "a")
    with pytest.raises(LoginFailed):  # an older step than the last accepted one
        accounts.authenticate(username, PASSWORD, totp.at(time.time() - 30), "a")
    assert accounts.authenticate(username, PASSWORD, totp.at(time.time() + 30), "a")


@pytest.mark.parametrize("which", ["password", "code", "username", "all"])
def test_any_wrong_factor_fails_the_same_way(accounts: LocalAccounts, which: str) -> None:
    username, totp = _active(accounts)
    args = {"username": username, "password": PASSWORD, "code": totp.now()}
    if which in ("password", "all"):
        args["password"] = "feil passord her"
    if which in ("code", "all"):
        args["code"] = "000000" if args["code"] != "000000" else "111111"
    if which == "username":
        args["username"] = "finnes.ikke"
    with pytest.raises(LoginFailed) as info:
        accounts.authenticate(args["username"], args["password"], args["code"], "a")
    assert str(info.value) == ""  # one answer for every failure: nothing to learn from it


def test_lockout_after_repeated_failures(tmp_path: Path, accounts: LocalAccounts) -> None:
    username, totp = _active(accounts)
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginFailed):
            accounts.authenticate(username, "feil passord her", totp.now(), "a")
    with pytest.raises(LoginFailed):  # locked: even the right factors fail now
        accounts.authenticate(username, PASSWORD, totp.now(), "a")
    with sqlite3.connect(tmp_path / "accounts.sqlite3") as db:  # the lock runs out
        db.execute("UPDATE accounts SET locked_until = ?", (time.time() - 1,))
    assert accounts.authenticate(username, PASSWORD, totp.at(time.time() + 30), "a")


def test_rate_limit_per_address(accounts: LocalAccounts) -> None:
    username, totp = _active(accounts)
    for _ in range(ADDRESS_MAX_ATTEMPTS):
        with pytest.raises(LoginFailed):
            accounts.authenticate("ukjent.bruker", "x" * 10, "123456", "203.0.113.9")
    with pytest.raises(LoginFailed):
        accounts.authenticate(username, PASSWORD, totp.now(), "203.0.113.9")
    assert accounts.authenticate(username, PASSWORD, totp.now(), "198.51.100.7")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kort", "too_short"),
        ("x" * 200, "too_long"),
        ("passord123", "guessable"),
        ("sommer2024", "guessable"),
        ("nora.b", "too_short"),
    ],
)
def test_weak_passwords_refused(accounts: LocalAccounts, password: str, reason: str) -> None:
    code = accounts.enrol("p-child", "nora.b", "s-holder01")
    with pytest.raises(PasswordRejected) as info:
        accounts.activate("nora.b", code, password)
    assert info.value.reason == reason
    assert accounts.activate("nora.b", code, PASSWORD)  # the code is still usable after a refusal


def test_activation_code_is_single_use_and_expires(tmp_path: Path, accounts: LocalAccounts) -> None:
    code = accounts.enrol("p-child", "nora.b", "s-holder01")
    with pytest.raises(ActivationFailed):
        accounts.activate("nora.b", "AAAA-BBBB-CCCC", PASSWORD)
    accounts.activate("nora.b", code, PASSWORD)
    with pytest.raises(ActivationFailed):
        accounts.activate("nora.b", code, PASSWORD)
    expired = accounts.enrol("p-other", "liam.j", "s-holder01")
    with sqlite3.connect(tmp_path / "accounts.sqlite3") as db:
        db.execute(
            "UPDATE accounts SET activation_expires = ? WHERE username = 'liam.j'",
            (time.time() - 1,),
        )
    with pytest.raises(ActivationFailed):
        accounts.activate("liam.j", expired, PASSWORD)


def test_not_active_until_the_app_is_confirmed(accounts: LocalAccounts) -> None:
    code = accounts.enrol("p-child", "nora.b", "s-holder01")
    seed = accounts.activate("nora.b", code, PASSWORD)
    with pytest.raises(LoginFailed):
        accounts.authenticate("nora.b", PASSWORD, pyotp.TOTP(seed).now(), "a")
    with pytest.raises(ActivationFailed):
        accounts.confirm("nora.b", "000000" if pyotp.TOTP(seed).now() != "000000" else "111111")


def test_seed_and_password_are_not_stored_in_clear(tmp_path: Path, accounts: LocalAccounts) -> None:
    code = accounts.enrol("p-child", "nora.b", "s-holder01")
    seed = accounts.activate("nora.b", code, PASSWORD)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("accounts.sqlite3*"))
    assert seed.encode() not in raw and PASSWORD.encode() not in raw and code.encode() not in raw
    assert b"$argon2id$" in raw


def test_username_belongs_to_one_child(accounts: LocalAccounts) -> None:
    accounts.enrol("p-child", "nora.b", "s-holder01")
    with pytest.raises(ActivationFailed):
        accounts.enrol("p-other", "NORA.B", "s-holder01")
    for bad in ("ab", "a" * 41, "nora b", "nora/b", "<script>"):
        with pytest.raises(ActivationFailed):
            accounts.enrol("p-x", bad, "s-holder01")


def test_disabled_account_cannot_log_in(accounts: LocalAccounts) -> None:
    username, totp = _active(accounts)
    accounts.disable("p-child")
    with pytest.raises(LoginFailed):
        accounts.authenticate(username, PASSWORD, totp.now(), "a")
