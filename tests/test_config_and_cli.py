"""Instance folders, configuration safety and the command line, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT, ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def _cli(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_default_instance_uses_project_content_store() -> None:
    settings = load_settings({})
    assert settings.instance_path == PROJECT_ROOT / "instance"
    assert settings.content_store == PROJECT_ROOT / "content_store"


def test_chosen_instance_keeps_its_own_content_store(tmp_path: Path) -> None:
    a = load_settings({"STAFETTLOGG_INSTANCE": str(tmp_path / "a")})
    b = load_settings({"STAFETTLOGG_INSTANCE": str(tmp_path / "b")})
    assert a.content_store == tmp_path / "a" / "content_store"
    assert a.content_store != b.content_store and a.keystore_path != b.keystore_path


def test_keys_inside_content_store_are_refused(tmp_path: Path) -> None:
    env = {
        "STAFETTLOGG_INSTANCE": str(tmp_path / "i"),
        "STAFETTLOGG_MASTER_KEY_FILE": str(tmp_path / "i" / "content_store" / "k.json"),
    }
    with pytest.raises(ConfigError, match="inside the content store"):
        load_settings(env)
    with pytest.raises(ConfigError, match="inside the content store"):
        load_settings(
            {
                "STAFETTLOGG_INSTANCE": str(tmp_path / "i"),
                "STAFETTLOGG_CONTENT_STORE": str(tmp_path / "i"),
            }
        )


@pytest.mark.parametrize("text", ["youth_consent_age = 12", "youth_consent_age = 'x'", "= broken"])
def test_bad_config_file_gives_clear_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(ConfigError):
        load_settings({"STAFETTLOGG_INSTANCE": str(tmp_path)})


def test_cli_lifecycle_init_demo_fsck_reindex_rotate_retire(tmp_path: Path) -> None:
    env = {"STAFETTLOGG_INSTANCE": str(tmp_path / "inst")}
    assert "generated a master key" in _cli(env, "init", "--demo").stdout
    assert "generated" not in _cli(env, "init").stdout  # idempotent, never overwrites the key
    out = _cli(env, "demo").stdout
    assert out.count("created") == 6 and "5 demo logs" in out and "9 staff" in out
    assert _cli(env, "demo").stdout.count("already present") == 6
    assert "OK" in _cli(env, "fsck").stdout
    assert "indexed 5 of 5" in _cli(env, "reindex").stdout

    keyring = tmp_path / "inst" / "master-keys.json"
    old_key = json.loads(keyring.read_text())["active"]
    before = _all_documents(env)
    rotated = _cli(env, "keys", "rotate").stdout
    key_files = list((tmp_path / "inst" / "keys").rglob("*.json"))
    assert len(key_files) >= 7  # 5 logs, the directory and at least the index secret
    assert f"re-wrapped {len(key_files)} key files" in rotated
    new_key = json.loads(keyring.read_text())["active"]
    assert new_key != old_key
    _cli(env, "keys", "retire", old_key)
    assert [k["id"] for k in json.loads(keyring.read_text())["keys"]] == [new_key]
    assert "OK" in _cli(env, "fsck").stdout
    assert _all_documents(env) == before  # every version readable without the old key
    assert "indexed 5 of 5" in _cli(env, "reindex").stdout
    refused = _cli(env, "keys", "retire", new_key, ok=False)
    assert refused.returncode != 0 and "wraps data keys" in refused.stderr


def _all_documents(env: dict[str, str]) -> dict[str, object]:
    """Every document of every log at every revision, decrypted in a fresh process."""
    from app.instance import open_instance

    instance = open_instance(load_settings(env))
    found: dict[str, object] = {}
    for log_id in instance.store.repo_ids():
        for entry in instance.logs.history(log_id):
            found[f"{log_id}@{entry.revision}"] = instance.logs.snapshot(log_id, entry.revision)
    instance.close()
    assert len(found) > 10
    return found


def test_fsck_reports_a_corrupt_repository(tmp_path: Path) -> None:
    env = {"STAFETTLOGG_INSTANCE": str(tmp_path / "inst")}
    _cli(env, "init")
    _cli(env, "demo")
    repo = next((tmp_path / "inst" / "content_store").glob("*.git"))
    victim = sorted((repo / "objects").glob("??/*"))[0]
    victim.chmod(0o600)
    victim.write_bytes(b"broken")
    result = _cli(env, "fsck", ok=False)
    assert result.returncode == 1 and "git fsck failed" in result.stderr


def test_commands_without_instance_explain_what_to_do(tmp_path: Path) -> None:
    result = _cli({"STAFETTLOGG_INSTANCE": str(tmp_path / "none")}, "demo", ok=False)
    assert result.returncode != 0 and "stafettlogg init" in result.stderr


def test_schemas_check_command() -> None:
    assert "up to date" in _cli({}, "schemas", "--check").stdout


def test_fsck_detects_a_tampered_access_log(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from app.access import User, UserKind
    from app.demo import demo_citizens
    from app.gateway import Portal
    from app.instance import open_instance

    env = {"STAFETTLOGG_INSTANCE": str(tmp_path / "inst")}
    _cli(env, "init")
    _cli(env, "demo")
    instance = open_instance(load_settings(env))
    kari = demo_citizens(datetime.now(UTC).date())["kari"]
    user = User(instance.index.person_principal(kari.fnr), UserKind.CITIZEN)
    portal = Portal(instance)
    (log,) = portal.my_logs(user)
    for _ in range(3):
        portal.open_log(user, log.log_id)
    instance.close()
    assert "OK" in _cli(env, "fsck").stdout

    access_log = tmp_path / "inst" / "access-log" / f"{log.log_id}.log"
    lines = access_log.read_bytes().splitlines()
    access_log.write_bytes(lines[0] + b"\n" + lines[2] + b"\n")  # an entry removed
    result = _cli(env, "fsck", ok=False)
    assert result.returncode == 1 and "access log is broken" in result.stderr
