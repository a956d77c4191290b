"""Child process for the crash test: saves to one log forever, reporting each revision.

A revision is printed (and flushed) only after ``save`` returned, i.e. after
the change was acknowledged; the parent kills this process with SIGKILL.
"""

from __future__ import annotations

import sys

from app.config import load_settings
from app.documents.work import Goal
from app.instance import open_instance
from app.logs.layout import DocRef


def main(log_id: str, goal_id: str) -> None:
    """Save a new title for the goal in a loop, printing each acknowledged revision."""
    instance = open_instance(load_settings())
    logs = instance.logs
    revision = logs.head(log_id)
    goal = logs.read_document(log_id, DocRef("goal", goal_id))
    assert isinstance(goal, Goal)
    number = 0
    while True:
        number += 1
        revision = logs.save(
            log_id,
            [goal.revised(title=f"Versjon {number}")],
            expected_revision=revision,
            actor_id="s-crasher1",
        )
        sys.stdout.write(revision + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
