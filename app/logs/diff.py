"""Readable diffs of two versions of a decrypted document: by line, by word and by field."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping
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


def as_text(value: object) -> str:
    """A field value as comparable text: None as "", lists one item a line, else ``str()``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(as_text(item) for item in value)
    return str(value)


_Op = Literal["same", "removed", "added"]


@dataclass(frozen=True, slots=True)
class WordSegment:
    """A run of text that is kept, removed or added between two versions."""

    op: _Op
    text: str


# Coarse to fine: lines, sentences, words with their trailing space, then single tokens (runs
# of word characters, runs of whitespace, any other single character). Each pattern covers
# every character, so joining its matches gives the text back.
_LEVELS = (
    re.compile(r"[^\n]*\n|[^\n]+"),
    re.compile(r"[^.!?]*[.!?]+\s*|[^.!?]+"),
    re.compile(r"\s+|\S+\s*"),
    re.compile(r"\w+|\s+|.", re.DOTALL),
)
_FINEST = len(_LEVELS) - 1
# Token matching is quadratic in how often a token repeats (every space, every "og"), so only
# texts this short are diffed token by token straight away; longer ones go through the
# coarser levels first and only changed blocks are refined.
_DIRECT_CHARS = 4000
# Above this many pairs of equal units the matcher could take seconds (a text of one word
# repeated, say); see _diff_level for what is done instead.
_MAX_WORK = 1_000_000


def diff_words(old_text: str, new_text: str) -> list[WordSegment]:
    """Word-level diff: same/removed/added segments that rebuild both texts exactly."""
    runs: list[tuple[_Op, list[str]]] = []
    _diff_level(old_text, new_text, 0, runs)
    return [WordSegment(op, "".join(parts)) for op, parts in runs]


def diff_fields(
    old: Mapping[str, object], new: Mapping[str, object]
) -> list[tuple[str, list[WordSegment]]]:
    """The word diff of each field whose text changed, in key order of new then old."""
    names = list(dict.fromkeys([*new, *old]))
    result = []
    for name in names:
        before, after = as_text(old.get(name)), as_text(new.get(name))
        if before != after:
            result.append((name, diff_words(before, after)))
    return result


def _diff_level(old: str, new: str, level: int, out: list[tuple[_Op, list[str]]]) -> None:
    if len(old) + len(new) <= _DIRECT_CHARS:
        level = _FINEST
    a, b = _LEVELS[level].findall(old), _LEVELS[level].findall(new)
    # A shared head and tail are cheap to peel off and make single edits in long or
    # repetitive texts fast, since the matcher then only sees the changed middle.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    _emit(out, "same", "".join(a[:head]))
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    costly = _match_work(a_mid, b_mid) > _MAX_WORK
    if costly and level == _FINEST:
        _emit(out, "removed", "".join(a_mid))
        _emit(out, "added", "".join(b_mid))
        _emit(out, "same", "".join(a[len(a) - tail :]))
        return
    # On a coarse level a costly block is matched with autojunk: units making up over 1 % of
    # it (a frequent word) cannot anchor a match, only extend one. What it misses is still
    # refined word by word inside the replaced blocks.
    matcher = difflib.SequenceMatcher(a=a_mid, b=b_mid, autojunk=costly)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(a_mid[i1:i2]), "".join(b_mid[j1:j2])
        if tag == "equal":
            _emit(out, "same", removed)
        elif tag == "replace" and level < _FINEST:
            _diff_level(removed, added, level + 1, out)
        else:
            _emit(out, "removed", removed)
            _emit(out, "added", added)
    _emit(out, "same", "".join(a[len(a) - tail :]))


def _match_work(a: list[str], b: list[str]) -> int:
    # What one longest-match search visits: every pair of equal units across the two sides.
    counts = Counter(a)
    return sum(counts[unit] * n for unit, n in Counter(b).items())


def _emit(out: list[tuple[_Op, list[str]]], op: _Op, text: str) -> None:
    # Parts are collected per run and joined once, so long runs are not copied repeatedly.
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1][1].append(text)
    else:
        out.append((op, [text]))
