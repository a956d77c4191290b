"""Three-way merge of one document's fields when two people edited it at once.

The base is the document as the user's form was drawn, "mine" what they sent,
"theirs" what someone else saved meanwhile. Free text merges line by line
(merge3); where both changed the same lines, the proposal holds both versions
between plain markers so nothing is lost and the user chooses. Other fields
take the side that changed; if both changed a field differently, the user's
value is proposed and the field is marked as a conflict.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import merge3

from app.logs.diff import as_text

MINE_MARK = "<<<<<<< Din versjon"
SPLIT_MARK = "======="
THEIRS_MARK = ">>>>>>> Den andre versjonen"


@dataclass(frozen=True, slots=True)
class FieldMerge:
    """One field in the three versions, and the proposed value."""

    name: str
    base: str
    mine: str
    theirs: str
    proposal: str
    conflict: bool


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The fields that differ between any of the three versions."""

    fields: tuple[FieldMerge, ...]

    @property
    def clean(self) -> bool:
        """True when every field could be merged without the user choosing."""
        return not any(field.conflict for field in self.fields)


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n")
    if text and not text.endswith("\n"):
        text += "\n"  # a missing final newline is not a change worth a conflict
    return text.splitlines(keepends=True)


def merge_text(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """Line-based three-way merge; returns the proposal and whether it has a conflict."""
    base, mine, theirs = (t.replace("\r\n", "\n") for t in (base, mine, theirs))
    if mine == theirs or theirs == base:
        return mine, False
    if mine == base:
        return theirs, False
    merger = merge3.Merge3(_lines(base), _lines(mine), _lines(theirs))
    out: list[str] = []
    conflict = False
    for region in merger.merge_regions():
        kind = region[0]
        if kind == "unchanged":
            out += merger.base[region[1] : region[2]]
        elif kind in ("a", "same"):
            out += merger.a[region[1] : region[2]]
        elif kind == "b":
            out += merger.b[region[1] : region[2]]
        else:  # conflict: both versions, mine first
            conflict = True
            out += [MINE_MARK + "\n", *merger.a[region[3] : region[4]], SPLIT_MARK + "\n"]
            out += [*merger.b[region[5] : region[6]], THEIRS_MARK + "\n"]
    merged = "".join(out)
    if not (mine.endswith("\n") or theirs.endswith("\n")):
        merged = merged.removesuffix("\n")
    return merged, conflict


def merge_fields(
    base: Mapping[str, object],
    mine: Mapping[str, object],
    theirs: Mapping[str, object],
    text_fields: Collection[str] = ("body",),
) -> MergeResult:
    """Merge field by field; see the module docstring."""
    names = list(mine) + [n for n in (*theirs, *base) if n not in mine]
    fields = []
    for name in dict.fromkeys(names):
        b, m, t = (as_text(values.get(name)) for values in (base, mine, theirs))
        if b == m == t:
            continue
        if name in text_fields:
            proposal, conflict = merge_text(b, m, t)
        elif m == t or t == b:
            proposal, conflict = m, False
        elif m == b:
            proposal, conflict = t, False
        else:
            proposal, conflict = m, True
        fields.append(FieldMerge(name, b, m, t, proposal, conflict))
    return MergeResult(tuple(fields))
