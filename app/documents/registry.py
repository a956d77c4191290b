"""All document kinds in one place, and strict validation into the right model."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.documents.base import DocumentBase
from app.documents.errors import FieldProblem, InvalidDocument
from app.documents.meetings import CalendarEntry, Meeting, Message, MinutesAmendment
from app.documents.overview import Initiative, LogOverview, Presentation
from app.documents.people import Consent, ConsentRequest, Guardian, Participant
from app.documents.records import (
    ArchiveDelivery,
    Attachment,
    BatonHandover,
    DeletionRequest,
    LevelChange,
    StatusChange,
)
from app.documents.work import Activity, Evaluation, Goal

MODELS: dict[str, type[DocumentBase]] = {
    model.model_fields["kind"].default: model
    for model in (
        LogOverview,
        Presentation,
        Initiative,
        Goal,
        Activity,
        Evaluation,
        Meeting,
        MinutesAmendment,
        Message,
        CalendarEntry,
        Participant,
        Consent,
        ConsentRequest,
        Guardian,
        Attachment,
        LevelChange,
        BatonHandover,
        StatusChange,
        DeletionRequest,
        ArchiveDelivery,
    )
}


def validate_document(data: dict[str, Any]) -> DocumentBase:
    """Validate raw values into the log document model named by ``kind``."""
    return validate_kind(data, MODELS)


def validate_kind(data: dict[str, Any], models: dict[str, type[DocumentBase]]) -> DocumentBase:
    """Validate raw values into the model of ``models`` named by ``kind``, or raise."""
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in models:
        known = ", ".join(sorted(models))
        raise InvalidDocument(str(kind), [FieldProblem("kind", f"must be one of: {known}")])
    try:
        return models[kind].model_validate(data)
    except ValidationError as exc:
        raise InvalidDocument(kind, _problems(exc, union=False)) from None


def _problems(exc: ValidationError, union: bool = True) -> list[FieldProblem]:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        location = [str(part) for part in error["loc"][1 if union else 0 :]]
        problems.append(FieldProblem(".".join(location) or "(document)", error["msg"]))
    return problems
