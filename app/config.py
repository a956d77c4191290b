"""Where data lives and how the instance is configured.

Precedence: built-in defaults, then ``<instance>/config.toml``, then environment
variables. ``STAFETTLOGG_INSTANCE`` picks the instance folder (default:
``instance/`` in the project). Without further configuration the project's
``content_store/`` holds the repositories for the default instance, while an
instance folder chosen by ``STAFETTLOGG_INSTANCE`` keeps its own content store
inside it, so two instances never mix. Keys never live in the content store.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "config.toml"
KEYRING_FILE = "master-keys.json"


class ConfigError(Exception):
    """The configuration is missing, malformed or unsafe."""


@dataclass(frozen=True)
class LifecycleSettings:
    """The municipality's rules for the life of a log (config.toml, table ``[lifecycle]``)."""

    #: How long a consent lasts, in months (two years unless the municipality says otherwise).
    consent_period_months: int = 24
    #: The BTI levels a new log may start at; the first is the form's default.
    start_levels: tuple[int, ...] = (1, 2)
    #: From how many days before expiry a consent is shown as soon to expire.
    reminder_days: int = 60
    #: A handover still unanswered after this many days shows on the coordinator's overview.
    handover_stale_days: int = 14
    #: A log still without consent after this many days shows on the coordinator's overview.
    pending_stale_days: int = 30


@dataclass(frozen=True)
class ArchiveSettings:
    """How the municipality's archive wants the logs (config.toml, table ``[archive]``).

    The defaults follow ../shared/noark5/NOTES.md; the questions in its §12 are
    the archivist's to answer, and each answer is one of these values.
    """

    #: The record creator (arkivskaper): the municipality's organisation number and name.
    creator_id: str = "Oppgi organisasjonsnummer"
    creator_name: str = ""
    #: The archive (arkiv) and the part of it (arkivdel) the logs are deposited in.
    archive_title: str = "Stafettlogger (BTI)"
    series_title: str = "Stafettlogger, avsluttede"
    #: Classification: the system's title, and the class every log is filed under.
    classification_title: str = "Kommunens arkivnøkkel"
    class_id: str = "BTI"
    class_title: str = "Bedre tverrfaglig innsats: stafettlogger"
    #: Access restriction (M500) and its legal basis (M501), on every folder and record.
    access_restriction: str = "Unntatt offentlighet"
    restriction_basis: str = "Offl. § 13, jf. fvl. § 13 første ledd nr. 1"
    #: Noark 5 M701: Arkade compares it with the file extension, so "PDF", not a PRONOM id.
    document_format: str = "PDF"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one instance."""

    instance_path: Path
    content_store: Path
    keystore_path: Path
    index_path: Path
    keyring_file: Path
    master_key_env: str | None
    youth_consent_age: int
    max_upload_bytes: int
    municipality: str
    demo: bool
    production: bool
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str
    allow_synthetic_pids: bool
    lifecycle: LifecycleSettings = LifecycleSettings()
    archive: ArchiveSettings = ArchiveSettings()


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from defaults, the instance's config.toml and the environment."""
    env = os.environ if environ is None else environ
    chosen = env.get("STAFETTLOGG_INSTANCE")
    instance = Path(chosen).resolve() if chosen else PROJECT_ROOT / "instance"
    file_config = _read_config_file(instance / CONFIG_FILE)

    default_store = instance / "content_store" if chosen else PROJECT_ROOT / "content_store"
    content_store = _path(
        env.get("STAFETTLOGG_CONTENT_STORE") or file_config.get("content_store"),
        default_store,
        instance,
    )
    keyring_file = _path(
        env.get("STAFETTLOGG_MASTER_KEY_FILE") or file_config.get("master_key_file"),
        instance / KEYRING_FILE,
        instance,
    )
    try:
        youth_age = int(
            str(
                env.get("STAFETTLOGG_YOUTH_CONSENT_AGE") or file_config.get("youth_consent_age", 16)
            )
        )
    except ValueError:
        raise ConfigError("youth_consent_age must be a whole number") from None
    if youth_age not in (15, 16, 17, 18):
        raise ConfigError("youth_consent_age must be between 15 and 18")
    try:
        upload_mb = float(
            str(env.get("STAFETTLOGG_MAX_UPLOAD_MB") or file_config.get("max_upload_mb", 20))
        )
    except ValueError:
        raise ConfigError("max_upload_mb must be a number") from None
    if not 0.1 <= upload_mb <= 200:
        raise ConfigError("max_upload_mb must be between 0.1 and 200")
    settings = Settings(
        instance_path=instance,
        content_store=content_store,
        keystore_path=instance / "keys",
        index_path=instance / "index.sqlite3",
        keyring_file=keyring_file,
        master_key_env=env.get("STAFETTLOGG_MASTER_KEY") or None,
        youth_consent_age=youth_age,
        max_upload_bytes=int(upload_mb * 1024 * 1024),
        municipality=str(file_config.get("municipality", "Demo kommune")),
        demo=_flag(env.get("STAFETTLOGG_DEMO"), file_config.get("demo", False)),
        production=env.get("STAFETTLOGG_ENV", "") == "production"
        or _flag(None, file_config.get("production", False)),
        oidc_issuer=str(env.get("STAFETTLOGG_OIDC_ISSUER") or file_config.get("oidc_issuer", "")),
        oidc_client_id=str(
            env.get("STAFETTLOGG_OIDC_CLIENT_ID") or file_config.get("oidc_client_id", "")
        ),
        oidc_client_secret=str(env.get("STAFETTLOGG_OIDC_CLIENT_SECRET") or ""),
        allow_synthetic_pids=_flag(
            env.get("STAFETTLOGG_ALLOW_SYNTHETIC_PIDS"),
            file_config.get("allow_synthetic_pids", False),
        ),
    )
    settings = replace(
        settings,
        lifecycle=_lifecycle(file_config.get("lifecycle", {})),
        archive=_archive(file_config.get("archive", {}), settings.municipality),
    )
    _refuse_keys_in_content_store(settings)
    if settings.production and (settings.demo or settings.allow_synthetic_pids):
        raise ConfigError(
            "demo mode and synthetic test identities cannot be enabled in a production "
            "configuration"
        )
    return settings


def _lifecycle(table: object) -> LifecycleSettings:
    """The ``[lifecycle]`` table, each value checked; a wrong one is a ConfigError."""
    if not isinstance(table, dict):
        raise ConfigError("[lifecycle] must be a table")
    known = set(LifecycleSettings.__dataclass_fields__)
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"[lifecycle] does not know {', '.join(sorted(unknown))}")
    ranges = {
        "consent_period_months": (1, 60),
        "reminder_days": (1, 365),
        "handover_stale_days": (1, 365),
        "pending_stale_days": (1, 365),
    }
    values: dict[str, object] = {}
    for name, (low, high) in ranges.items():
        if name in table:
            value = table[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ConfigError(f"lifecycle.{name} must be a whole number from {low} to {high}")
            values[name] = value
    if "start_levels" in table:
        levels = table["start_levels"]
        if (
            not isinstance(levels, list)
            or not levels
            or any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 3 for v in levels)
            or len(set(levels)) != len(levels)
        ):
            raise ConfigError("lifecycle.start_levels must list different levels from 0 to 3")
        values["start_levels"] = tuple(levels)
    return LifecycleSettings(**values)  # type: ignore[arg-type]


def _archive(table: object, municipality: str) -> ArchiveSettings:
    """The ``[archive]`` table: each value a non-empty line of text."""
    if not isinstance(table, dict):
        raise ConfigError("[archive] must be a table")
    known = set(ArchiveSettings.__dataclass_fields__)
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"[archive] does not know {', '.join(sorted(unknown))}")
    values: dict[str, str] = {}
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip() or len(value) > 500:
            raise ConfigError(f"archive.{name} must be a line of text (1–500 characters)")
        if any(ord(c) < 32 for c in value):
            raise ConfigError(f"archive.{name} must be one line without control characters")
        values[name] = value.strip()
    values.setdefault("creator_name", municipality)
    return ArchiveSettings(**values)


def _flag(env_value: str | None, file_value: object) -> bool:
    if env_value is not None and env_value != "":
        return env_value.lower() in ("1", "true", "yes")
    if not isinstance(file_value, bool):
        raise ConfigError("demo and production must be true or false")
    return file_value


def _read_config_file(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def _path(value: object, default: Path, base: Path) -> Path:
    if value is None or value == "":
        return default
    path = Path(str(value))
    return (path if path.is_absolute() else base / path).resolve()


def _refuse_keys_in_content_store(settings: Settings) -> None:
    store = settings.content_store.resolve()
    for secret in (settings.keystore_path, settings.keyring_file):
        if secret.resolve().is_relative_to(store):
            raise ConfigError(f"{secret} lies inside the content store; keys must live elsewhere")
