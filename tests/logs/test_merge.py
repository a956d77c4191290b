"""Three-way merge of document fields: clean merges, conflict markers, odd text, long text."""

from __future__ import annotations

import itertools
import random
import time
from datetime import date

import pytest

from app.documents.fields import Arena
from app.documents.work import Activity, Goal
from app.logs.ids import new_document_id
from app.logs.merge import FieldMerge, MergeResult, merge_fields, merge_text

START = "<<<<<<< Din versjon"
MID = "======="
END = ">>>>>>> Den andre versjonen"

BASE = "Første linje\nAndre linje\nTredje linje\nFjerde linje\nFemte linje\n"


def conflict_block(mine: str, theirs: str) -> str:
    """The exact text of one conflict region (each side without its final newline)."""
    return f"{START}\n{mine}\n{MID}\n{theirs}\n{END}"


# --- merge_text: clean merges -------------------------------------------------------------


def test_only_mine_changed_takes_mine() -> None:
    mine = BASE.replace("Andre", "ANDRE")
    assert merge_text(BASE, mine, BASE) == (mine, False)


def test_only_theirs_changed_takes_theirs() -> None:
    theirs = BASE.replace("Fjerde", "FJERDE")
    assert merge_text(BASE, BASE, theirs) == (theirs, False)


def test_both_made_the_same_change() -> None:
    same = BASE.replace("Tredje", "Endret tredje") + "Ny sjette linje\n"
    assert merge_text(BASE, same, same) == (same, False)


def test_changes_on_different_lines_merge_cleanly() -> None:
    mine = BASE.replace("Andre", "ANDRE")
    theirs = BASE.replace("Fjerde", "FJERDE")
    expected = "Første linje\nANDRE linje\nTredje linje\nFJERDE linje\nFemte linje\n"
    assert merge_text(BASE, mine, theirs) == (expected, False)


def test_insertions_at_both_ends_merge_cleanly() -> None:
    mine = "Overskrift\n" + BASE
    theirs = BASE + "Etterskrift\n"
    assert merge_text(BASE, mine, theirs) == ("Overskrift\n" + BASE + "Etterskrift\n", False)


def test_deletion_and_edit_elsewhere_merge_cleanly() -> None:
    mine = BASE.replace("Første linje\n", "")
    theirs = BASE.replace("Femte", "FEMTE")
    expected = "Andre linje\nTredje linje\nFjerde linje\nFEMTE linje\n"
    assert merge_text(BASE, mine, theirs) == (expected, False)


def test_both_side_same_change_plus_own_changes() -> None:
    mine = BASE.replace("Første", "FØRSTE").replace("Tredje", "3.")
    theirs = BASE.replace("Femte", "FEMTE").replace("Tredje", "3.")
    expected = "FØRSTE linje\nAndre linje\n3. linje\nFjerde linje\nFEMTE linje\n"
    assert merge_text(BASE, mine, theirs) == (expected, False)


# --- merge_text: conflicts ----------------------------------------------------------------


def test_same_line_changed_differently_gives_exact_markers() -> None:
    mine = BASE.replace("Tredje linje", "Min tredje")
    theirs = BASE.replace("Tredje linje", "Deres tredje")
    proposal, conflict = merge_text(BASE, mine, theirs)
    assert conflict is True
    assert proposal == (
        "Første linje\nAndre linje\n"
        + conflict_block("Min tredje", "Deres tredje")
        + "\nFjerde linje\nFemte linje\n"
    )


def test_marker_lines_are_whole_lines() -> None:
    proposal, conflict = merge_text("a\n", "b\n", "c\n")
    assert conflict
    assert proposal.split("\n") == [START, "b", MID, "c", END, ""]


def test_conflict_with_several_lines_on_each_side() -> None:
    base = "topp\nx\nbunn\n"
    mine = "topp\nm1\nm2\nbunn\n"
    theirs = "topp\nt1\nt2\nt3\nbunn\n"
    proposal, conflict = merge_text(base, mine, theirs)
    assert conflict
    assert proposal == "topp\n" + conflict_block("m1\nm2", "t1\nt2\nt3") + "\nbunn\n"


def test_lines_both_sides_agree_on_stay_outside_the_markers() -> None:
    proposal, conflict = merge_text("a\nb\nc", "a\nX\nY\nc", "a\nX\nZ\nc")
    assert conflict
    assert proposal == "a\nX\n" + conflict_block("Y", "Z") + "\nc"


def test_two_separate_conflicts_each_get_markers() -> None:
    mine = BASE.replace("Første", "M1").replace("Femte", "M5")
    theirs = BASE.replace("Første", "T1").replace("Femte", "T5")
    assert merge_text(BASE, mine, theirs) == (
        conflict_block("M1 linje", "T1 linje")
        + "\nAndre linje\nTredje linje\nFjerde linje\n"
        + conflict_block("M5 linje", "T5 linje")
        + "\n",
        True,
    )


def test_changes_on_adjacent_lines_conflict() -> None:
    # Like git: with no unchanged line between them the two edits cannot be placed safely.
    proposal, conflict = merge_text("a\nb\nc\n", "A\nb\nc\n", "a\nB\nc\n")
    assert conflict
    assert proposal == conflict_block("A\nb", "a\nB") + "\nc\n"


def test_insertions_at_the_same_place_conflict() -> None:
    base = "a\nb\n"
    proposal, conflict = merge_text(base, "a\nmin\nb\n", "a\nderes\nb\n")
    assert conflict
    assert proposal == "a\n" + conflict_block("min", "deres") + "\nb\n"


def test_edit_against_deletion_conflicts_with_empty_side() -> None:
    proposal, conflict = merge_text("a\nb\nc\n", "a\nB\nc\n", "a\nc\n")
    assert conflict
    assert proposal == f"a\n{START}\nB\n{MID}\n{END}\nc\n"


# --- merge_text: newlines, line endings, empty text ---------------------------------------


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected"),
    [
        ("a\nb", "a\nb\n", "a\nB", "a\nB\n"),  # mine added the final newline
        ("a\nb\n", "a\nb", "a\nB\n", "a\nB"),  # mine dropped it
        ("a\nb", "A\nb", "a\nb\n", "A\nb\n"),  # theirs added it
        ("a\nb", "a\nB\n", "a\nB", "a\nB\n"),  # same edit, only mine with newline
        ("a\nb\n", "a\nb\n\n", "A\nb\n", "A\nb\n\n"),  # an added blank line is content
    ],
)
def test_final_newline_never_causes_a_conflict(
    base: str, mine: str, theirs: str, expected: str
) -> None:
    assert merge_text(base, mine, theirs) == (expected, False)


def test_windows_line_endings_are_normalised() -> None:
    base = BASE.replace("\n", "\r\n")
    mine = BASE.replace("Andre", "ANDRE").replace("\n", "\r\n")
    theirs = BASE.replace("Fjerde", "FJERDE")
    proposal, conflict = merge_text(base, mine, theirs)
    assert not conflict
    assert proposal == "Første linje\nANDRE linje\nTredje linje\nFJERDE linje\nFemte linje\n"


def test_line_ending_change_alone_is_no_change() -> None:
    theirs = BASE.replace("Andre", "ANDRE")
    assert merge_text(BASE, BASE.replace("\n", "\r\n"), theirs) == (theirs, False)


def test_conflict_markers_use_plain_newlines_after_crlf_input() -> None:
    proposal, conflict = merge_text("a\r\nb\r\n", "a\r\nmin\r\n", "a\r\nderes\r\n")
    assert conflict
    assert "\r" not in proposal
    assert proposal == "a\n" + conflict_block("min", "deres") + "\n"


def test_lone_carriage_return_stays_inside_its_line() -> None:
    assert merge_text("a\n-\nb\n", "a\rx\n-\nb\n", "a\n-\nB\n") == ("a\rx\n-\nB\n", False)


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected"),
    [
        ("", "", "", ""),
        ("", "ny tekst", "", "ny tekst"),
        ("", "", "ny tekst\n", "ny tekst\n"),
        ("gammel", "", "gammel", ""),
        ("gammel\n", "", "gammel", ""),
        ("", "\n", "x", "x\n"),
    ],
)
def test_empty_texts(base: str, mine: str, theirs: str, expected: str) -> None:
    assert merge_text(base, mine, theirs) == (expected, False)


def test_both_filled_an_empty_text_differently() -> None:
    assert merge_text("", "min", "deres") == (conflict_block("min", "deres"), True)


def test_only_newline_splits_lines() -> None:
    # \u2028, \x0b and \x1c are line breaks to str.splitlines but ordinary characters here.
    base = "a\u2028b\x0bc\x1cd\n-\ne\n"
    mine = "a\u2028B\x0bc\x1cd\n-\ne\n"
    theirs = "a\u2028b\x0bc\x1cd\n-\nE\n"
    assert merge_text(base, mine, theirs) == ("a\u2028B\x0bc\x1cd\n-\nE\n", False)


# --- merge_text: every naughty string ------------------------------------------------------


def test_blns_strings_merge_cleanly_on_separate_lines(blns: list[str]) -> None:
    for text in blns:
        base = f"topp\n{text}\nbunn\n"
        mine = f"TOPP\n{text}\nbunn\n"
        theirs = f"topp\n{text}\nBUNN\n"
        assert merge_text(base, mine, theirs) == (f"TOPP\n{text}\nBUNN\n", False), text


def test_blns_strings_as_one_sided_changes(blns: list[str]) -> None:
    for text in blns:
        expected = text.replace("\r\n", "\n")
        assert merge_text("", text, "") == (expected, False), text
        assert merge_text("", "", text) == (expected, False), text
        assert merge_text(text, text, text) == (expected, False), text


def test_blns_neighbours_conflict_with_both_versions(blns: list[str]) -> None:
    checked = 0
    for mine, theirs in itertools.pairwise(blns):
        if mine == theirs:
            continue
        proposal, conflict = merge_text(
            "topp\nmidt\nbunn", f"topp\n{mine}\nbunn", f"topp\n{theirs}\nbunn"
        )
        assert conflict, (mine, theirs)
        assert proposal == f"topp\n{conflict_block(mine, theirs)}\nbunn", (mine, theirs)
        checked += 1
    assert checked > 400


# --- merge_text: long texts ---------------------------------------------------------------


def _long_text(paragraphs: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    words = ["og", "i", "barnet", "skolen", "møte", "mål", *(f"ord{k}" for k in range(2000))]
    return [
        " ".join(rnd.choice(words) for _ in range(rnd.randint(5, 40))) for _ in range(paragraphs)
    ]


def test_long_texts_with_edits_on_both_sides_merge_cleanly_and_fast() -> None:
    paragraphs = _long_text(1700, seed=1)
    base = "\n\n".join(paragraphs) + "\n"
    assert len(base) > 200_000
    mine = "\n\n".join(("MIN " if i % 40 == 0 else "") + p for i, p in enumerate(paragraphs))
    theirs = "\n\n".join(("DERES " if i % 40 == 20 else "") + p for i, p in enumerate(paragraphs))
    expected = "\n\n".join(
        ("MIN " if i % 40 == 0 else "DERES " if i % 40 == 20 else "") + p
        for i, p in enumerate(paragraphs)
    )
    started = time.perf_counter()
    # Theirs also dropped the final newline, which the proposal keeps dropped.
    proposal, conflict = merge_text(base, mine + "\n", theirs)
    assert time.perf_counter() - started < 2.0
    assert not conflict
    assert proposal == expected


def test_unrelated_long_texts_finish_with_a_conflict() -> None:
    base = "\n\n".join(_long_text(1700, seed=2))
    mine = "\n\n".join(_long_text(1700, seed=3))
    theirs = "\n\n".join(_long_text(1700, seed=4))
    started = time.perf_counter()
    proposal, conflict = merge_text(base, mine, theirs)
    assert time.perf_counter() - started < 2.0
    assert conflict
    assert START in proposal and END in proposal


def test_one_very_long_line_changed_on_both_sides_conflicts() -> None:
    line = "x" * 200_000
    proposal, conflict = merge_text(line, line + "min", "deres" + line)
    assert conflict
    assert proposal == conflict_block(line + "min", "deres" + line)


# --- merge_fields ---------------------------------------------------------------------------


def summary(result: MergeResult) -> list[tuple[str, str, bool]]:
    """Each merged field as (name, proposal, conflict)."""
    return [(f.name, f.proposal, f.conflict) for f in result.fields]


def _goal(**changes: object) -> dict[str, object]:
    goal = Goal(
        id="goal0001",
        title="Lese 20 minutter hver dag",
        arena=Arena.HOME_LEISURE,
        body="Mål for høsten.\n\nVi leser sammen.\n\nEvalueres i desember.\n",
    )
    return goal.revised(**changes).model_dump(mode="json")


def test_fields_changed_on_different_sides_merge_cleanly() -> None:
    base = _goal()
    mine = _goal(
        title="Lese 30 minutter hver dag", body=str(base["body"]).replace("høsten", "våren")
    )
    theirs = _goal(body=str(base["body"]).replace("desember", "januar"))
    result = merge_fields(base, mine, theirs)
    assert result.clean
    # model_dump lists the base class's fields (body) before Goal's own (title).
    assert [(f.name, f.base, f.mine, f.theirs) for f in result.fields] == [
        ("body", base["body"], mine["body"], theirs["body"]),
        ("title", base["title"], mine["title"], base["title"]),
    ]
    assert summary(result) == [
        ("body", "Mål for våren.\n\nVi leser sammen.\n\nEvalueres i januar.\n", False),
        ("title", "Lese 30 minutter hver dag", False),
    ]


def test_status_changed_differently_on_both_sides_is_a_conflict_proposing_mine() -> None:
    base = _goal()
    mine, theirs = _goal(status="reached"), _goal(status="discontinued")
    result = merge_fields(base, mine, theirs)
    assert not result.clean
    assert result.fields == (
        FieldMerge("status", "active", "reached", "discontinued", "reached", True),
    )


def test_field_changed_only_by_theirs_takes_theirs() -> None:
    result = merge_fields(_goal(), _goal(), _goal(arena=Arena.KINDERGARTEN_SCHOOL))
    assert result.clean
    assert summary(result) == [("arena", "kindergarten_school", False)]


def test_field_changed_to_the_same_value_on_both_sides_is_clean() -> None:
    result = merge_fields(_goal(), _goal(status="reached"), _goal(status="reached"))
    assert result.clean
    assert summary(result) == [("status", "reached", False)]


def test_body_conflict_is_reported_with_markers() -> None:
    base = _goal()
    mine = _goal(body="Min tekst.\n")
    theirs = _goal(body="Deres tekst.\n")
    result = merge_fields(base, mine, theirs)
    assert not result.clean
    (body,) = result.fields
    assert body.name == "body" and body.conflict
    assert body.proposal == conflict_block("Min tekst.", "Deres tekst.") + "\n"


def test_unchanged_document_gives_no_fields() -> None:
    result = merge_fields(_goal(), _goal(), _goal())
    assert result.fields == ()
    assert result.clean


def test_real_activity_with_dates_and_none() -> None:
    activity = Activity(
        id=new_document_id(),
        goal="goal0001",
        title="Leselogg",
        responsible="person01",
        deadline=date(2026, 12, 1),
    )
    base = activity.model_dump(mode="json")
    mine = activity.revised(evaluate_on=date(2026, 12, 15)).model_dump(mode="json")
    theirs = activity.revised(deadline=date(2026, 12, 8)).model_dump(mode="json")
    result = merge_fields(base, mine, theirs)
    assert result.clean
    assert [(f.name, f.base, f.proposal) for f in result.fields] == [
        ("deadline", "2026-12-01", "2026-12-08"),
        ("evaluate_on", "", "2026-12-15"),
    ]


def test_values_are_compared_as_text() -> None:
    base = {"tags": ["a", "b"], "count": 1, "note": None, "flag": True}
    mine = {"tags": ["a", "b", "c"], "count": "1", "note": "", "flag": "True"}
    result = merge_fields(base, mine, base)
    assert result.fields == (FieldMerge("tags", "a\nb", "a\nb\nc", "a\nb", "a\nb\nc", False),)


def test_list_field_given_as_text_field_merges_by_item() -> None:
    base = {"services": ["school", "health"]}
    mine = {"services": ["school", "health", "kindergarten"]}
    theirs = {"services": ["child_welfare", "school", "health"]}
    result = merge_fields(base, mine, theirs, text_fields=("services",))
    assert result.clean
    assert result.fields[0].proposal == "child_welfare\nschool\nhealth\nkindergarten"


def test_missing_fields_count_as_empty_and_order_follows_mine_then_theirs_then_base() -> None:
    base = {"gone": "x", "a": "1"}
    mine = {"b": "ny", "a": "2"}
    theirs = {"a": "1", "c": "deres", "gone": "x"}
    result = merge_fields(base, mine, theirs)
    assert [f.name for f in result.fields] == ["b", "a", "c", "gone"]
    by_name = {f.name: f for f in result.fields}
    assert by_name["b"] == FieldMerge("b", "", "ny", "", "ny", False)
    assert by_name["c"] == FieldMerge("c", "", "", "deres", "deres", False)
    # Mine dropped the field and theirs kept it: the removal is the only change.
    assert by_name["gone"] == FieldMerge("gone", "x", "", "x", "", False)
    assert result.clean


def test_non_text_field_with_multiline_values_is_not_line_merged() -> None:
    base = {"note": "a\nb\nc"}
    mine = {"note": "A\nb\nc"}
    theirs = {"note": "a\nb\nC"}
    (note,) = merge_fields(base, mine, theirs).fields
    assert note.conflict and note.proposal == "A\nb\nc"
    (merged,) = merge_fields(base, mine, theirs, text_fields={"note"}).fields
    assert not merged.conflict and merged.proposal == "A\nb\nC"
