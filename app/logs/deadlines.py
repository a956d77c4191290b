"""What is due in a log: deadlines passed, evaluations due, and what comes soon.

An activity still open (planned or ongoing) is overdue the day after its
deadline. Its evaluation is due from its evaluation date until an evaluation
of it is written on or after that date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.documents.base import DocumentBase
from app.documents.work import Activity, Evaluation

SOON = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Due:
    """One date that matters for an activity."""

    activity: Activity
    what: Literal["deadline", "evaluation"]
    on: date
    overdue: bool


def due_items(documents: Iterable[DocumentBase], today: date) -> list[Due]:
    """Overdue and soon-due deadlines and evaluations, the most urgent first."""
    documents = list(documents)
    evaluated: dict[str, date] = {}
    for document in documents:
        if isinstance(document, Evaluation) and document.entry == "evaluation":
            last = evaluated.get(document.target)
            if last is None or document.written_on > last:
                evaluated[document.target] = document.written_on
    found = []
    for activity in (d for d in documents if isinstance(d, Activity)):
        if not activity.is_open:
            continue
        if activity.deadline <= today + SOON:
            found.append(Due(activity, "deadline", activity.deadline, activity.deadline < today))
        when = activity.evaluate_on
        done = evaluated.get(activity.id)
        if when is not None and when <= today + SOON and (done is None or done < when):
            found.append(Due(activity, "evaluation", when, when <= today))
    return sorted(found, key=lambda due: (not due.overdue, due.on, due.activity.title))


def open_activities(documents: Iterable[DocumentBase]) -> list[Activity]:
    """Every activity still to be done, the nearest deadline first."""
    found = [d for d in documents if isinstance(d, Activity) and d.is_open]
    return sorted(found, key=lambda activity: (activity.deadline, activity.title))


def overdue_count(documents: Iterable[DocumentBase], today: date, responsible: set[str]) -> int:
    """How many overdue items belong to the given participants (empty set: all of them)."""
    return sum(
        1
        for due in due_items(documents, today)
        if due.overdue
        and (
            not responsible
            or (
                not due.activity.responsible_is_guardian and due.activity.responsible in responsible
            )
        )
    )
