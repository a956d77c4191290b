"""All document kinds in one place, and strict validation into the right model."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from app.documents.base import DocumentBase
from app.documents.errors import FieldProblem, InvalidDocument
from app.documents.meetings import CalendarEntry, Meeting, Message
from app.documents.overview import Initiative, LogOverview, Presentation
from app.documents.people import Consent, Participant
from app.documents.records import Attachment, BatonHandover, LevelChange
from app.documents.work import Activity, Evaluation, Goal

Document = Annotated[
    LogOverview
    | Presentation
    | Initiative
    | Goal
    | Activity
    | Evaluation
    | Meeting
    | Message
    | CalendarEntry
    | Participant
    | Consent
    | Attachment
    | LevelChange
    | BatonHandover,
    Field(discriminator="kind"),
]

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
        Message,
        CalendarEntry,
        Participant,
        Consent,
        Attachment,
        LevelChange,
        BatonHandover,
    )
}

_ADAPTER: TypeAdapter[Document] = TypeAdapter(Document)


def validate_document(data: dict[str, Any]) -> DocumentBase:
    """Validate raw values into the model named by ``kind``, or raise InvalidDocument."""
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in MODELS:
        known = ", ".join(sorted(MODELS))
        raise InvalidDocument(str(kind), [FieldProblem("kind", f"must be one of: {known}")])
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise InvalidDocument(kind, _problems(exc)) from None


def _problems(exc: ValidationError) -> list[FieldProblem]:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        location = [str(part) for part in error["loc"][1:]]  # drop the union tag
        problems.append(FieldProblem(".".join(location) or "(document)", error["msg"]))
    return problems
