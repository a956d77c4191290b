"""A readable line-by-line diff of two versions of a decrypted document."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a diff: kept, removed or added, with line numbers on each side."""

    op: Literal["same", "removed", "added"]
    old_number: int | None
    new_number: int | None
    text: str


def diff_lines(old_text: str, new_text: str) -> list[DiffLine]:
    """All lines of both versions in reading order, each marked same/removed/added."""
    old, new = old_text.splitlines(), new_text.splitlines()
    result: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result += [
                DiffLine("same", i + 1, j + 1, old[i])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        result += [DiffLine("removed", i + 1, None, old[i]) for i in range(i1, i2)]
        result += [DiffLine("added", None, j + 1, new[j]) for j in range(j1, j2)]
    return result
