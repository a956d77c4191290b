"""The "Logghistorikk": the log's whole history as a document an archive accepts.

A git bundle is not an approved archive format (NOTES.md §9), so the package
also carries the history rendered to PDF/A: for every change, oldest first,
when, who (by name and role), what was done, and for each document the lines
that were removed and added. Attachments are named; their bytes are in the
bundle and, where they are records, in their own registration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.archive.content import OSLO, render_print
from app.archive.history_bundle import Author
from app.archive.wording import nb_of
from app.logs import layout
from app.logs.diff import diff_lines
from app.logs.events import LogEvent
from app.logs.service import LogService
from app.web import labels

#: A line longer than this is cut in the rendering (the bundle keeps it whole).
LINE_LIMIT = 400


@dataclass(frozen=True)
class ChangedFile:
    """One document or file in one change."""

    what: str
    state: str  # "ny", "endret", "slettet"
    lines: list[tuple[str, str]]  # ("+"/"-", text)


@dataclass(frozen=True)
class HistoryStep:
    """One commit, as a reader of the history sees it."""

    at: datetime
    who: str
    action: str
    files: list[ChangedFile]


def history_steps(
    logs: LogService, log_id: str, author_of: Callable[[str], Author]
) -> list[HistoryStep]:
    """Every change of the log, oldest first, with the lines it changed."""
    steps = []
    previous: dict[str, bytes] = {}
    for commit, files in logs.replay(log_id):
        event = LogEvent.from_message(commit.message)
        author = author_of(commit.author_id)
        changed = []
        for path in sorted(set(previous) | set(files)):
            old, new = previous.get(path), files.get(path)
            if old == new:
                continue
            state = "ny" if old is None else "slettet" if new is None else "endret"
            kind = layout.kind_of_path(path)
            if kind is None:  # an attachment's bytes
                changed.append(ChangedFile("Fil (vedlegg)", state, []))
                continue
            lines = [
                ("+" if line.op == "added" else "-", _cut(line.text))
                for line in diff_lines(_text(old), _text(new))
                if line.op != "same"
            ]
            changed.append(ChangedFile(nb_of(labels.KIND, kind), state, lines))
        steps.append(
            HistoryStep(
                commit.timestamp.astimezone(OSLO),
                f"{author.name} ({author.role})",
                nb_of(labels.HISTORY_ACTION, event.action.value) if event else "Endring",
                changed,
            )
        )
        previous = files
    return steps


def history_html(steps: list[HistoryStep], context: dict[str, Any]) -> str:
    """The rendered history (see module doc)."""
    return render_print("history.html", steps=steps, **context)


def _text(data: bytes | None) -> str:
    return "" if data is None else data.decode("utf-8", errors="replace")


def _cut(text: str) -> str:
    return text if len(text) <= LINE_LIMIT else text[:LINE_LIMIT] + " …"
