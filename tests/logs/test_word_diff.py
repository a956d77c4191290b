"""Word-level diffs for the history page: exact reconstruction, ordering, fields, speed."""

from __future__ import annotations

import itertools
import random
import time
from datetime import date

import pytest

from app.logs.diff import DiffLine, WordSegment, as_text, diff_fields, diff_lines, diff_words


def old_side(segments: list[WordSegment]) -> str:
    """The old text rebuilt from a diff."""
    return "".join(s.text for s in segments if s.op != "added")


def new_side(segments: list[WordSegment]) -> str:
    """The new text rebuilt from a diff."""
    return "".join(s.text for s in segments if s.op != "removed")


def assert_well_formed(old: str, new: str, segments: list[WordSegment]) -> None:
    """Both texts rebuild exactly; runs are non-empty, merged and removed-before-added."""
    assert old_side(segments) == old
    assert new_side(segments) == new
    assert all(s.text for s in segments)
    for first, second in itertools.pairwise(segments):
        assert first.op != second.op
        assert (first.op, second.op) != ("added", "removed")


def changed(segments: list[WordSegment]) -> list[tuple[str, str]]:
    """Only the removed and added segments, as (op, text)."""
    return [(s.op, s.text) for s in segments if s.op != "same"]


# --- diff_words: exact results ------------------------------------------------------------


def test_one_word_replaced() -> None:
    assert diff_words("Hei på deg, Kari!", "Hei på dere, Kari og Ola!") == [
        WordSegment("same", "Hei på "),
        WordSegment("removed", "deg"),
        WordSegment("added", "dere"),
        WordSegment("same", ", Kari"),
        WordSegment("added", " og Ola"),
        WordSegment("same", "!"),
    ]


def test_replaced_region_lists_removed_text_before_added_text() -> None:
    assert diff_words("Vi møtes mandag.", "Vi møtes tirsdag.") == [
        WordSegment("same", "Vi møtes "),
        WordSegment("removed", "mandag"),
        WordSegment("added", "tirsdag"),
        WordSegment("same", "."),
    ]


def test_words_are_whole_tokens_not_characters() -> None:
    # A character diff would keep "ka" and "e"; words are replaced whole.
    assert changed(diff_words("kake", "katte")) == [("removed", "kake"), ("added", "katte")]


def test_punctuation_and_whitespace_are_their_own_tokens() -> None:
    assert diff_words("hei,verden", "hei, verden") == [
        WordSegment("same", "hei,"),
        WordSegment("added", " "),
        WordSegment("same", "verden"),
    ]
    assert changed(diff_words("a  b", "a b")) == [("removed", "  "), ("added", " ")]
    assert changed(diff_words("(ja)", "[ja]")) == [
        ("removed", "("),
        ("added", "["),
        ("removed", ")"),
        ("added", "]"),
    ]


def test_unicode_word_characters_form_one_token() -> None:
    assert changed(diff_words("Blåbærsyltetøy er godt", "Jordbærsyltetøy er godt")) == [
        ("removed", "Blåbærsyltetøy"),
        ("added", "Jordbærsyltetøy"),
    ]


def test_deletion_and_insertion_alone() -> None:
    assert diff_words("a b c", "a c") == [
        WordSegment("same", "a "),
        WordSegment("removed", "b "),
        WordSegment("same", "c"),
    ]
    assert diff_words("a c", "a b c") == [
        WordSegment("same", "a "),
        WordSegment("added", "b "),
        WordSegment("same", "c"),
    ]


def test_newline_changes_are_shown() -> None:
    segments = diff_words("linje en\nlinje to\n", "linje en\n\nlinje to")
    assert_well_formed("linje en\nlinje to\n", "linje en\n\nlinje to", segments)
    assert changed(segments) == [("removed", "\n"), ("added", "\n\n"), ("removed", "\n")]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", []),
        ("same", "same", [WordSegment("same", "same")]),
        ("", "ny", [WordSegment("added", "ny")]),
        ("gammel", "", [WordSegment("removed", "gammel")]),
        (" ", "\t", [WordSegment("removed", " "), WordSegment("added", "\t")]),
    ],
)
def test_trivial_cases(old: str, new: str, expected: list[WordSegment]) -> None:
    assert diff_words(old, new) == expected


# --- diff_words: reconstruction on many pairs ---------------------------------------------


def test_every_blns_string_against_its_neighbour(blns: list[str]) -> None:
    for old, new in itertools.pairwise(blns):
        assert_well_formed(old, new, diff_words(old, new))


def test_every_blns_string_against_empty_itself_and_an_edit(blns: list[str]) -> None:
    for text in blns:
        assert diff_words(text, text) == ([WordSegment("same", text)] if text else [])
        assert diff_words("", text) == ([WordSegment("added", text)] if text else [])
        assert diff_words(text, "") == ([WordSegment("removed", text)] if text else [])
        edited = f"Før: {text} – etter."
        assert_well_formed(text, edited, diff_words(text, edited))
        assert_well_formed(edited, text, diff_words(edited, text))


def test_blns_strings_from_far_apart_in_the_list(blns: list[str]) -> None:
    for old, new in zip(blns, reversed(blns), strict=True):
        assert_well_formed(old, new, diff_words(old, new))


def test_random_edits_rebuild_exactly() -> None:
    rnd = random.Random(7)
    alphabet = ["ord", "mål", "og", " ", "  ", "\n", ".", ",", "æøå", "\u200b", "😀", "\r\n", "x1"]
    for _ in range(300):
        old = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60)))
        pieces = list(old)
        for _ in range(rnd.randint(0, 6)):
            at = rnd.randint(0, len(pieces))
            pieces[at : at + rnd.randint(0, 3)] = rnd.choice(alphabet)
        new = "".join(pieces)
        assert_well_formed(old, new, diff_words(old, new))


# --- diff_fields ----------------------------------------------------------------------------


def test_diff_fields_skips_unchanged_fields() -> None:
    old = {"title": "Lese", "status": "active", "body": "Tekst.\n"}
    new = {"title": "Lese mer", "status": "active", "body": "Tekst.\n"}
    assert diff_fields(old, new) == [
        ("title", [WordSegment("same", "Lese"), WordSegment("added", " mer")])
    ]


def test_diff_fields_of_identical_documents_is_empty() -> None:
    doc = {"title": "Lese", "tags": ["a", "b"], "note": None}
    assert diff_fields(doc, dict(doc)) == []


def test_diff_fields_orders_new_keys_then_old_only_keys() -> None:
    old = {"gone": "borte", "b": "1", "a": "1"}
    new = {"a": "2", "b": "2", "added": "ny"}
    result = diff_fields(old, new)
    assert [name for name, _ in result] == ["a", "b", "added", "gone"]
    assert dict(result)["gone"] == [WordSegment("removed", "borte")]
    assert dict(result)["added"] == [WordSegment("added", "ny")]


def test_diff_fields_compares_values_as_text() -> None:
    old = {"note": None, "count": 1, "services": ["school", "health"], "on": date(2026, 1, 2)}
    new = {"note": "", "count": "1", "services": ["school", "kindergarten"], "on": "2026-01-02"}
    assert diff_fields(old, new) == [
        (
            "services",
            [
                WordSegment("same", "school\n"),
                WordSegment("removed", "health"),
                WordSegment("added", "kindergarten"),
            ],
        )
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        ("tekst", "tekst"),
        (3, "3"),
        (False, "False"),
        (["a", "b"], "a\nb"),
        (("a", None, 2), "a\n\n2"),
        ([], ""),
        (date(2026, 11, 22), "2026-11-22"),
    ],
)
def test_as_text(value: object, text: str) -> None:
    assert as_text(value) == text


def test_diff_lines_is_unchanged() -> None:
    assert diff_lines("a\nb\n", "a\nc\n") == [
        DiffLine("same", 1, 1, "a"),
        DiffLine("removed", 2, None, "b"),
        DiffLine("added", None, 2, "c"),
    ]


# --- diff_words: speed on long texts --------------------------------------------------------


def _prose(rnd: random.Random, chars: int, line_end: str = ".\n") -> str:
    words = ["og", "i", "det", "barnet", "skolen", "møte", *(f"ord{k}" for k in range(2000))]
    parts: list[str] = []
    length = 0
    while length < chars:
        sentence = " ".join(rnd.choice(words) for _ in range(rnd.randint(4, 18))) + line_end
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)


def _edit_words(rnd: random.Random, text: str, count: int) -> str:
    words = text.split(" ")
    for at in rnd.sample(range(len(words)), count):
        words[at] = "ENDRET"
    return " ".join(words)


def _timed(old: str, new: str) -> list[WordSegment]:
    started = time.perf_counter()
    segments = diff_words(old, new)
    assert time.perf_counter() - started < 2.0
    assert_well_formed(old, new, segments)
    return segments


@pytest.mark.parametrize("line_end", [".\n", ". ", " "], ids=["lines", "one-line", "no-stops"])
def test_long_text_against_edited_copy_is_fast_and_local(line_end: str) -> None:
    rnd = random.Random(11)
    old = _prose(rnd, 50_000, line_end)
    new = _edit_words(rnd, old, 100)
    segments = _timed(old, new)
    added = [s.text for s in segments if s.op == "added"]
    # Each edit shows up on its own, not as one huge replaced block.
    assert sum(text.count("ENDRET") for text in added) >= 95
    assert sum(len(text) for text in added) < 5_000


def test_unrelated_long_texts_are_fast() -> None:
    rnd = random.Random(12)
    _timed(_prose(rnd, 50_000), _prose(rnd, 50_000))
    _timed(_prose(rnd, 50_000, " "), _prose(rnd, 50_000, " "))


def test_repetitive_long_texts_are_fast() -> None:
    _timed("a " * 25_000, "b " * 25_000)
    _timed("a " * 25_000, "a " * 12_000 + "b " + "a " * 13_000)
    _timed("linje\n" * 10_000, "linje\n" * 5_000 + "ny\n" + "linje\n" * 4_000)
    _timed("x" * 50_000, "y" * 50_000)
