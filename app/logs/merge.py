"""Three-way merge of one document's fields, so concurrent edits are proposed, not lost."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import merge3

from app.logs.diff import as_text

START_MARKER = "<<<<<<< Din versjon"
MID_MARKER = "======="
END_MARKER = ">>>>>>> Den andre versjonen"


@dataclass(frozen=True, slots=True)
class FieldMerge:
    """One field as opened, as submitted, as saved meanwhile, and the proposed value."""

    name: str
    base: str
    mine: str
    theirs: str
    proposal: str
    conflict: bool


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The fields that differ between base, mine and theirs, each with its proposal."""

    fields: tuple[FieldMerge, ...]

    @property
    def clean(self) -> bool:
        """Whether every field merged without a conflict."""
        return not any(field.conflict for field in self.fields)


def merge_text(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """Line-based three-way merge; returns (proposal, conflict) with conflict markers if any."""
    base, mine, theirs = (_normalise(text) for text in (base, mine, theirs))
    if mine == theirs or theirs == base:
        return mine, False
    if mine == base:
        return theirs, False
    (base_lines, base_nl), (mine_lines, mine_nl), (theirs_lines, theirs_nl) = (
        _split(text) for text in (base, mine, theirs)
    )
    # The final newline is merged as a flag of its own, so adding or dropping it on one side
    # never conflicts with line edits on the other.
    final_nl = mine_nl if mine_nl != base_nl else theirs_nl
    lines, conflict = _merge_lines(base_lines, mine_lines, theirs_lines)
    # A lone newline is no content: a text emptied on one side stays empty.
    return "\n".join(lines) + ("\n" if final_nl and lines else ""), conflict


def merge_fields(
    base: Mapping[str, object],
    mine: Mapping[str, object],
    theirs: Mapping[str, object],
    text_fields: Collection[str] = ("body",),
) -> MergeResult:
    """Merge field by field: text fields line by line, other fields as whole values."""
    names = dict.fromkeys([*mine, *theirs, *base])
    fields = []
    for name in names:
        b, m, t = as_text(base.get(name)), as_text(mine.get(name)), as_text(theirs.get(name))
        if b == m == t:
            continue
        if name in text_fields:
            proposal, conflict = merge_text(b, m, t)
        elif m == t or t == b:
            proposal, conflict = m, False
        elif m == b:
            proposal, conflict = t, False
        else:
            # Both changed a single value differently: keep what the user typed and let
            # them choose, with theirs shown beside it.
            proposal, conflict = m, True
        fields.append(FieldMerge(name, b, m, t, proposal, conflict))
    return MergeResult(tuple(fields))


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n")


def _split(text: str) -> tuple[list[str], bool]:
    # Lines without their "\n" plus whether the text ended with one. Only "\n" splits, not
    # str.splitlines' extra separators (\x0b, \x1c, \u2028 …), which are ordinary characters
    # inside a line here.
    ends = text.endswith("\n")
    body = text[:-1] if ends else text
    return (body.split("\n") if body else []), ends


def _merge_lines(base: list[str], mine: list[str], theirs: list[str]) -> tuple[list[str], bool]:
    # merge3's default matcher is difflib's with autojunk: in texts of 200 lines or more, lines
    # that make up over 1 % of them (blank lines, "---") cannot anchor a match but are still
    # absorbed at its edges. Without it, matching two unrelated long texts takes seconds.
    merger = merge3.Merge3(base, mine, theirs)
    result: list[str] = []
    conflict = False
    # Reprocessing splits each conflict at lines both sides agree on, so only the truly
    # disputed lines are shown twice.
    for region in merger.reprocess_merge_regions(merger.merge_regions()):
        if len(region) == 7:
            _, _, _, ia, amatch, ib, bmatch = region
            result += [START_MARKER, *mine[ia:amatch], MID_MARKER, *theirs[ib:bmatch], END_MARKER]
            conflict = True
        elif region[0] == "unchanged":
            result += base[region[1] : region[2]]
        elif region[0] == "b":
            result += theirs[region[1] : region[2]]
        else:
            result += mine[region[1] : region[2]]
    return result, conflict
