"""Goals, activities and evaluations: the work agreed in the log."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from app.documents.base import DocumentBase
from app.documents.fields import Arena, DocumentId, ShortText


class Goal(DocumentBase):
    """A concrete goal in one arena (home/leisure, kindergarten/school, partners)."""

    kind: Literal["goal"] = Field("goal", description="Document kind.")
    title: ShortText = Field(min_length=1, description="The goal in plain words.")
    arena: Arena = Field(description="Where the goal is pursued.")
    status: Literal["active", "reached", "discontinued"] = Field(
        "active", description="Whether the goal is still worked on."
    )


class Activity(DocumentBase):
    """An activity towards a goal, with a responsible person and a deadline."""

    kind: Literal["activity"] = Field("activity", description="Document kind.")
    goal: DocumentId = Field(description="The goal this activity serves.")
    title: ShortText = Field(min_length=1, description="What will be done.")
    responsible: DocumentId = Field(description="Participant responsible for it.")
    responsible_is_guardian: bool = Field(
        False, description="True when a guardian, not a participant, is responsible."
    )
    deadline: date = Field(description="When it must be done.")
    evaluate_on: date | None = Field(None, description="When it will be evaluated.")
    status: Literal["planned", "ongoing", "completed", "cancelled"] = Field(
        "planned", description="Progress of the activity."
    )


class Evaluation(DocumentBase):
    """An evaluation or comment on a goal or an activity."""

    kind: Literal["evaluation"] = Field("evaluation", description="Document kind.")
    target_kind: Literal["goal", "activity"] = Field(description="What is evaluated.")
    target: DocumentId = Field(description="The goal or activity evaluated.")
    author: DocumentId | None = Field(
        None, description="Participant who wrote it; None when a guardian or the subject did."
    )
    author_role: Literal["participant", "guardian", "subject"] = Field(
        "participant", description="Who wrote it."
    )
    written_on: date = Field(description="Date of the evaluation.")
