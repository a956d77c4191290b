"""Goals, activities and evaluations: the work agreed in the log."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from app.documents.base import DocumentBase
from app.documents.fields import Arena, Body, DocumentId, ShortText, UserId

Position = Annotated[
    int, Field(ge=0, le=100_000, description="Place in its list; lower comes first.")
]


class Goal(DocumentBase):
    """A concrete goal in one arena (home/leisure, kindergarten/school, partners)."""

    kind: Literal["goal"] = Field("goal", description="Document kind.")
    title: ShortText = Field(min_length=1, description="The goal in plain words.")
    arena: Arena = Field(description="Where the goal is pursued.")
    status: Literal["active", "reached", "discontinued"] = Field(
        "active", description="Whether the goal is still worked on."
    )
    position: Position = 0
    created_by: UserId | None = Field(None, description="Opaque id of the user who wrote it.")


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
    position: Position = 0
    created_by: UserId | None = Field(None, description="Opaque id of the user who wrote it.")

    @property
    def is_open(self) -> bool:
        """Still to be done (neither completed nor cancelled)."""
        return self.status in ("planned", "ongoing")


class Evaluation(DocumentBase):
    """An evaluation of an activity by its responsible, or a comment on a goal or activity.

    A comment keeps its text in the body; an evaluation answers what worked, what
    did not and why, and ends in a decision (seed 002 §5.4).
    """

    kind: Literal["evaluation"] = Field("evaluation", description="Document kind.")
    entry: Literal["evaluation", "comment"] = Field(
        "evaluation", description="An evaluation of an activity, or a comment."
    )
    target_kind: Literal["goal", "activity"] = Field(description="What is evaluated.")
    target: DocumentId = Field(description="The goal or activity evaluated.")
    author: DocumentId | None = Field(
        None, description="Participant who wrote it; None when a guardian or the subject did."
    )
    author_role: Literal["participant", "guardian", "subject"] = Field(
        "participant", description="Who wrote it."
    )
    written_on: date = Field(description="Date of the evaluation.")
    written_by: UserId | None = Field(
        None, description="Opaque id of the user who wrote it (staff id or person key)."
    )
    worked: Body = Field("", description="Evaluation: what worked.")
    did_not_work: Body = Field("", description="Evaluation: what did not work.")
    why: Body = Field("", description="Evaluation: why it went as it did.")
    decision: Literal["continue", "change", "stop", "involve_others"] | None = Field(
        None, description="Evaluation: what happens with the activity next."
    )
