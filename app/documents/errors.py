"""Typed errors for documents that cannot be parsed or do not validate."""

from __future__ import annotations

from dataclasses import dataclass


class DocumentError(Exception):
    """Base class: the document was refused and nothing was written."""


class InvalidFrontMatter(DocumentError):
    """The bytes are not a well-formed, safe front-matter document."""


@dataclass(frozen=True)
class FieldProblem:
    """One validation problem: where (dotted field path) and what."""

    field: str
    message: str


class InvalidDocument(DocumentError):
    """The front-matter parsed, but the values do not fit the document kind."""

    def __init__(self, kind: str, problems: list[FieldProblem]) -> None:
        """Keep the problems for display; the message lists them all."""
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"invalid {kind} document: {detail}")
        self.kind = kind
        self.problems = problems
