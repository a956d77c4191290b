"""JSON Schema for every document kind, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path

from app.documents.base import DocumentBase

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_files(models: dict[str, type[DocumentBase]]) -> dict[str, str]:
    """File name → JSON text, one schema per kind, deterministic output."""
    files = {}
    for kind, model in sorted(models.items()):
        schema = {
            "$schema": SCHEMA_DIALECT,
            "$id": f"https://stafettlogg.invalid/schemas/{kind}.schema.json",
            **model.model_json_schema(),
        }
        schema["properties"]["body"]["description"] = (
            "Markdown text below the front-matter (not a front-matter key)."
        )
        files[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return files


def write_schemas(directory: Path, models: dict[str, type[DocumentBase]]) -> list[str]:
    """Write every schema into ``directory``, removing schemas of vanished kinds."""
    directory.mkdir(parents=True, exist_ok=True)
    files = schema_files(models)
    for stale in directory.glob("*.schema.json"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sorted(files)


def stale_schemas(directory: Path, models: dict[str, type[DocumentBase]]) -> list[str]:
    """Names of schema files that are missing, outdated or left over."""
    files = schema_files(models)
    present = {p.name: p.read_text(encoding="utf-8") for p in directory.glob("*.schema.json")}
    wrong = [name for name, text in files.items() if present.get(name) != text]
    return sorted(wrong + [name for name in present if name not in files])
