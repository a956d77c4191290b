"""Document models: strict, described, and in step with schemas/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from app.directory.models import DIRECTORY_MODELS
from app.documents.fnr import complete_check_digits, has_valid_check_digits
from app.documents.overview import LogOverview
from app.documents.registry import MODELS
from app.documents.schemas import stale_schemas, write_schemas
from tests.conftest import fnr

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_KINDS = {
    "log",
    "presentation",
    "initiative",
    "goal",
    "activity",
    "evaluation",
    "meeting",
    "amendment",
    "message",
    "calendar_entry",
    "participant",
    "consent",
    "deletion_request",
    "guardian",
    "attachment",
    "level_change",
    "baton_handover",
    "status_change",
    "consent_request",
    "archive_delivery",
}


def _models_and_nested() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [*MODELS.values(), *DIRECTORY_MODELS.values()]
    while pending:
        model = pending.pop()
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            for arg in (field.annotation, *getattr(field.annotation, "__args__", ())):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    pending.append(arg)
    return found


def test_every_required_kind_exists() -> None:
    assert set(MODELS) == REQUIRED_KINDS


@pytest.mark.parametrize("model", _models_and_nested(), ids=lambda m: m.__name__)
def test_every_field_is_described_and_extra_is_forbidden(model: type[BaseModel]) -> None:
    assert model.model_config.get("extra") == "forbid"
    undocumented = [name for name, field in model.model_fields.items() if not field.description]
    assert undocumented == []


def test_fnr_is_always_a_string_and_checked() -> None:
    number = fnr(14, 3, 2022)
    assert has_valid_check_digits(number)
    assert not has_valid_check_digits(number[:-1] + str((int(number[-1]) + 1) % 10))
    assert not has_valid_check_digits("1234567890")
    assert not has_valid_check_digits("١٢٣٤٥٦٧٨٩٠١")  # non-ASCII digits
    assert (
        complete_check_digits("010203123") is None or len(complete_check_digits("010203123")) == 11
    )
    with pytest.raises(ValidationError):
        LogOverview.model_validate(
            {
                "id": "abcdefgh12",
                "subject": {
                    "fnr": 1402228012,
                    "given_name": "A",
                    "family_name": "B",
                    "birth_date": "2022-03-14",
                },
                "municipality": "M",
                "unit_id": "enhet-a",
                "template": "school",
                "holder": "abcdefgh13",
                "opened_on": "2026-01-01",
            }
        )


def test_closed_log_needs_date_and_reason() -> None:
    base = {
        "id": "abcdefgh12",
        "municipality": "M",
        "unit_id": "enhet-a",
        "template": "school",
        "holder": "abcdefgh13",
        "opened_on": "2026-01-01",
        "subject": {
            "fnr": fnr(1, 2, 2016),
            "given_name": "A",
            "family_name": "B",
            "birth_date": "2016-02-01",
        },
    }
    with pytest.raises(ValidationError, match="closed_on and closing_reason"):
        LogOverview.model_validate({**base, "status": "closed"})
    closed = LogOverview.model_validate(
        {
            **base,
            "status": "closed",
            "closed_on": date(2026, 5, 1),
            "closing_reason": "goals_reached",
        }
    )
    assert closed.revised(status="active", closed_on=None, closing_reason=None).status == "active"


ALL_MODELS = {**MODELS, **DIRECTORY_MODELS}


def test_schemas_directory_is_current() -> None:
    assert stale_schemas(ROOT / "schemas", ALL_MODELS) == [], "run `stafettlogg schemas`"


def test_schema_staleness_is_detected(tmp_path: Path) -> None:
    write_schemas(tmp_path, ALL_MODELS)
    assert stale_schemas(tmp_path, ALL_MODELS) == []
    (tmp_path / "goal.schema.json").write_text("{}")
    (tmp_path / "gone.schema.json").write_text("{}")
    assert stale_schemas(tmp_path, ALL_MODELS) == ["goal.schema.json", "gone.schema.json"]


def test_synthetic_identities_only_outside_production() -> None:
    from app.config import ConfigError, load_settings
    from app.documents.fnr import is_valid_pid

    tenor = fnr(14, 3, 2022)  # month + 80
    assert is_valid_pid(tenor, allow_synthetic=True)
    assert not is_valid_pid(tenor, allow_synthetic=False)
    ordinary = next(n for n in (complete_check_digits(f"140322{i:03d}") for i in range(100)) if n)
    assert is_valid_pid(ordinary, allow_synthetic=False)  # a real-looking number: accepted
    assert not is_valid_pid("31029912345", allow_synthetic=True)  # 31 February
    with pytest.raises(ConfigError, match="synthetic"):
        load_settings(
            {
                "STAFETTLOGG_INSTANCE": "/tmp/unused-instance",
                "STAFETTLOGG_ENV": "production",
                "STAFETTLOGG_ALLOW_SYNTHETIC_PIDS": "1",
            }
        )
