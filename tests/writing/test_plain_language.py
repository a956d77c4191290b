"""Plain-language advice: LIX, sentence splitting, abbreviations, long sentences."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from app.writing import LIX_LIMIT, LONG_SENTENCE, Advice, advise, lix, split_sentences

PACKAGE = Path(__file__).resolve().parents[2] / "app" / "writing"


def codes(advice: list[Advice]) -> list[str]:
    return [a.code for a in advice]


def abbreviations(text: str, language: str = "nb") -> list[tuple[str, str]]:
    return [(a.text, a.suggestion) for a in advise(text, language) if a.code == "abbreviation"]


# --- LIX, against hand counts ---------------------------------------------------------


def test_lix_of_a_very_simple_text() -> None:
    # 17 words, 4 sentences, 1 long word (klassen).
    # LIX = 17/4 + 100*1/17 = 4.25 + 5.88 = 10.13
    text = "Ola er sju år. Han liker å leke. Han har mange venner i klassen. Han er glad."
    assert lix(text) == pytest.approx(10.13, abs=0.05)
    assert lix(text) < 25


def test_lix_of_a_bureaucratic_text() -> None:
    # Sentence 1: 11 words, 9 long (all but "at", "er").
    # Sentence 2: 12 words, 8 long (all but "med", "av", "i", "av").
    # 23 words, 2 sentences, 17 long: LIX = 23/2 + 100*17/23 = 11.5 + 73.91 = 85.41
    text = (
        "Barneverntjenesten vurderer at foreldrenes omsorgskompetanse er tilstrekkelig "
        "ivaretatt gjennom tverrfaglig oppfølging. Samarbeidsmøtet konkluderte med "
        "videreføring av eksisterende hjelpetiltak i påvente av sakkyndig utredning."
    )
    assert lix(text) == pytest.approx(85.41, abs=0.05)
    assert lix(text) > 50


def test_lix_of_a_nynorsk_text() -> None:
    # 8 + 11 + 10 = 29 words, 3 sentences, 2 long (klassen, føresette; "skulen",
    # "snakke", "avtalt" and "Eleven" have exactly six letters and are not long).
    # LIX = 29/3 + 100*2/29 = 9.67 + 6.90 = 16.56
    text = (
        "Eleven har hatt ei fin veke på skulen. Ho les betre no, og ho tør å snakke i "
        "klassen. Vi har avtalt eit nytt møte med føresette neste månad."
    )
    assert lix(text) == pytest.approx(16.56, abs=0.05)


def test_lix_of_markdown_with_list_items() -> None:
    # Sentences: "Tiltak" (1 word, 0 long), "Daglig samtale med kontaktlærer" (4, 2),
    # "Tilrettelagt matematikkundervisning i liten gruppe" (5, 2),
    # "Foreldremøte hver måned" (3, 1), "Se planen for detaljer." (4, 1).
    # The link URL and the inline code are not counted.
    # 17 words, 5 sentences, 6 long: LIX = 17/5 + 100*6/17 = 3.4 + 35.29 = 38.69
    text = (
        "## Tiltak\n\n"
        "- Daglig samtale med kontaktlærer\n"
        "- Tilrettelagt matematikkundervisning i liten gruppe\n"
        "- Foreldremøte hver måned\n\n"
        "Se [planen](https://example.no/tiltaksplanen.pdf) for detaljer. `kode. ignoreres`\n"
    )
    assert lix(text) == pytest.approx(38.69, abs=0.05)


def test_lix_counts_numbers_and_hyphenated_words_as_one_word() -> None:
    # "Møtet 12.03.2026 varte i 45 minutter." 6 words, 1 long (minutter); numbers are
    # words but never long. "PPT-rådgiveren deltok." 2 words, 1 long (13 letters).
    # 8 words, 2 sentences, 2 long: LIX = 8/2 + 100*2/8 = 4 + 25 = 29.0
    assert lix("Møtet 12.03.2026 varte i 45 minutter. PPT-rådgiveren deltok.") == (
        pytest.approx(29.0, abs=0.05)
    )


@pytest.mark.parametrize("text", ["", "   \n\n", "!!! ...", "```\nkode her\n```", "🎉 —"])
def test_lix_is_zero_without_words(text: str) -> None:
    assert lix(text) == 0.0


# --- Sentence splitting --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Vi tok f.eks. bussen. Det gikk bra.",
            ["Vi tok f.eks. bussen.", "Det gikk bra."],
        ),
        (
            "Han hadde bl.a. matpakke o.l. i sekken, dvs. alt. Ca. kl. 10 jf. avtalen dro vi.",
            ["Han hadde bl.a. matpakke o.l. i sekken, dvs. alt.", "Ca. kl. 10 jf. avtalen dro vi."],
        ),
        ("Ev. kan F.eks. Per komme. Ja.", ["Ev. kan F.eks. Per komme.", "Ja."]),
        (
            "Møtet 12.03.2026 gikk fint. Neste møte er om 1.5 uker.",
            ["Møtet 12.03.2026 gikk fint.", "Neste møte er om 1.5 uker."],
        ),
        (
            "Hun går i 3. trinn og møtes den 12. mars. Jeg er 12. Han er 13.",
            ["Hun går i 3. trinn og møtes den 12. mars.", "Jeg er 12.", "Han er 13."],
        ),
        ("P. Aasen kom. Han satt ned.", ["P. Aasen kom.", "Han satt ned."]),
        ("Vi leker, spiser osv. Så går vi.", ["Vi leker, spiser osv.", "Så går vi."]),
        ("Vi leker osv. og så går vi.", ["Vi leker osv. og så går vi."]),
        (
            "Kom du? Ja! Grunn: sykdom kl. 10:30.",
            ["Kom du?", "Ja!", "Grunn:", "sykdom kl. 10:30."],
        ),
        ("Han sa: «Nei.» Så gikk han.", ["Han sa:", "«Nei.»", "Så gikk han."]),
        ("Linje en\nfortsetter her.", ["Linje en fortsetter her."]),
        ("Uten punktum\n\nNytt avsnitt", ["Uten punktum", "Nytt avsnitt"]),
        (
            "- første punkt\n- andre punkt\n  fortsetter\n1. nummer\n\nEtter listen.",
            ["første punkt", "andre punkt fortsetter", "nummer", "Etter listen."],
        ),
        ("# Overskrift\nTekst her. Mer tekst", ["Overskrift", "Tekst her.", "Mer tekst"]),
        ("Tittel\n===\nTekst", ["Tittel", "Tekst"]),
        ("Før\n> sitert. tekst\nEtter", ["Før", "sitert.", "tekst", "Etter"]),
        ("Før.\n```\nkode. Ikke dette\n```\nEtter.", ["Før.", "Etter."]),
        (
            "Se [planen](https://x.no/a.b?c=1) og ![bilde](b.png) <b>nå</b> i dag. Slutt.",
            ["Se planen og nå i dag.", "Slutt."],
        ),
        (
            "| Dag | Tiltak |\n|---|---|\n| Mandag | Samtale |",
            ["Dag", "Tiltak", "Mandag", "Samtale"],
        ),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- Abbreviations -------------------------------------------------------------------


def test_an_unexplained_abbreviation_is_flagged_with_its_expansion() -> None:
    assert abbreviations("Vi møttes ifm. overgangen.") == [("ifm", "i forbindelse med")]
    assert abbreviations("Vi tok f.eks. bussen.") == [("f.eks.", "for eksempel")]


def test_nynorsk_gets_the_nynorsk_expansion_and_unknown_languages_bokmal() -> None:
    text = "Vi møttes ifm. overgangen og snakka mht. PPT."
    assert abbreviations(text, "nn") == [
        ("ifm", "i samband med"),
        ("mht", "med omsyn til"),
        ("PPT", "pedagogisk-psykologisk teneste"),
    ]
    assert (
        abbreviations(text, "en")
        == abbreviations(text, "nb")
        == [
            ("ifm", "i forbindelse med"),
            ("mht", "med hensyn til"),
            ("PPT", "pedagogisk-psykologisk tjeneste"),
        ]
    )


@pytest.mark.parametrize(
    "text",
    [
        "Vi møttes ifm. overgangen, altså i forbindelse med skolestart.",
        "Vi møttes ifm. overgangen, I SAMBAND MED skolestart.",  # the other language's form
        "PPT (pedagogisk-psykologisk kontor) kommer. PPT skriver rapport.",
        "Pedagogisk-psykologisk kontor (PPT) kommer. PPT skriver rapport.",
        "Han har en IOP ( individuell plan for opplæring ).",
    ],
)
def test_an_explained_abbreviation_is_not_flagged(text: str) -> None:
    assert abbreviations(text) == []


def test_parentheses_elsewhere_do_not_explain() -> None:
    assert abbreviations("Vi ringte (PPT kom ikke).") == [
        ("PPT", "pedagogisk-psykologisk tjeneste")
    ]


def test_case_rules() -> None:
    # Lower-case entries match in any case; acronyms only as written.
    assert abbreviations("IFM møtet og Mht. planen.") == [
        ("IFM", "i forbindelse med"),
        ("Mht", "med hensyn til"),
    ]
    assert abbreviations("Filen var en ppt, og bup er ikke BUP-en.") == [
        ("BUP", "barne- og ungdomspsykiatrisk poliklinikk")
    ]


def test_abbreviations_are_whole_tokens_but_may_be_part_of_a_hyphenated_word() -> None:
    assert abbreviations("Koden bhgx og xbhg og PPTX og xPPT.") == []
    assert abbreviations("PPT-rådgiveren og bhg-tida.") == [
        ("PPT", "pedagogisk-psykologisk tjeneste"),
        ("bhg", "barnehage"),
    ]


def test_each_abbreviation_is_reported_once_in_order_of_first_appearance() -> None:
    text = "Mht. BUP: ifm. møtet. Ifm. planen, mht. BUP og ifm."
    assert [a for a, _ in abbreviations(text)] == ["Mht", "BUP", "ifm"]


def test_abbreviations_in_code_and_urls_are_not_flagged() -> None:
    assert abbreviations("Se `PPT` og [lenken](https://x.no/bup/ifm) og https://ppt.no/BUP.") == []


def test_every_entry_in_the_word_list_is_valid_and_detected() -> None:
    lines = (PACKAGE / "abbreviations.txt").read_text(encoding="utf-8").splitlines()
    entries = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    assert len(entries) >= 40
    assert all(len(e) == 3 and all(field.strip() for field in e) for e in entries)
    assert len({e[0] for e in entries}) == len(entries)
    assert "NAV" not in {e[0] for e in entries}
    for written, nb, nn in entries:
        assert abbreviations(f"Vi skrev {written} her.") == [(written, nb)]
        assert abbreviations(f"Vi skreiv {written} her.", "nn") == [(written, nn)]


# --- Long sentences ------------------------------------------------------------------

COUNTING = ["en", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv"]


def words(count: int) -> str:
    return " ".join(COUNTING[i % len(COUNTING)] for i in range(count))


def test_a_sentence_of_exactly_the_limit_is_not_flagged() -> None:
    assert LONG_SENTENCE == 25
    assert advise(words(25) + ".") == []


def test_a_sentence_over_the_limit_is_flagged_with_a_preview_and_the_count() -> None:
    assert advise(words(26) + ".") == [
        Advice("long_sentence", "en to tre fire fem seks sju åtte …", "26")
    ]


def test_long_sentences_are_reported_in_order_and_list_items_end_sentences() -> None:
    text = f"{words(27)}. Kort. Ni ti {words(28)}!"
    assert [(a.text, a.suggestion) for a in advise(text)] == [
        ("en to tre fire fem seks sju åtte …", "27"),
        ("Ni ti en to tre fire fem seks …", "30"),
    ]
    assert advise(f"- {words(20)}\n- {words(20)}\n") == []


# --- LIX advice ----------------------------------------------------------------------

SHORT, LONG = "barn", "barnehagen"  # 4 and 10 letters


def text_of(sentences: int, words_each: int, long_words: int) -> str:
    """A text with the given counts; the long words come first."""
    pool = [LONG] * long_words + [SHORT] * (sentences * words_each - long_words)
    rows = [pool[i * words_each : (i + 1) * words_each] for i in range(sentences)]
    return " ".join(" ".join(row).capitalize() + "." for row in rows)


def test_lix_advice_only_above_the_limit() -> None:
    assert LIX_LIMIT == 40
    at_limit = text_of(3, 10, 9)  # 30/3 + 100*9/30 = 40.0
    above = text_of(3, 10, 10)  # 30/3 + 100*10/30 = 43.3
    assert lix(at_limit) == pytest.approx(40.0)
    assert advise(at_limit) == []
    assert advise(above) == [Advice("lix", "43", "")]


def test_lix_advice_only_from_thirty_words() -> None:
    assert lix(text_of(1, 29, 29)) > 100
    assert advise(text_of(1, 29, 29)) == [
        Advice("long_sentence", " ".join(["Barnehagen"] + [LONG] * 7) + " …", "29")
    ]
    assert codes(advise(text_of(3, 10, 30))) == ["lix"]


def test_advice_comes_in_order_abbreviations_long_sentences_lix() -> None:
    text = f"{text_of(1, 30, 30)} Ifm. PPT."
    assert codes(advise(text)) == ["abbreviation", "abbreviation", "long_sentence", "lix"]


# --- Hostile input -------------------------------------------------------------------


def test_never_raises_on_naughty_strings(blns: list[str]) -> None:
    assert len(blns) > 100
    for text in blns:
        for language in ("nb", "nn", text):
            advice = advise(text, language)
            assert all(a.code in {"abbreviation", "long_sentence", "lix"} for a in advice)
        assert lix(text) >= 0.0
        assert all(isinstance(s, str) and s for s in split_sentences(text))


@pytest.mark.parametrize(
    "text",
    [
        ("Vi tok f.eks. bussen ifm. møtet med PPT-rådgiveren den 12. mars kl. 10.30. " * 7000),
        "[" * 500_000,
        "<a" * 250_000,
        "[a](" * 125_000,
        "- a\n" * 125_000,
        "# a\n" * 125_000,
        ". " * 250_000,
        "P. " * 166_667,
        "a" * 500_000,
        "ev." * 166_667,
        "|" * 500_000,
        "\\" * 500_000,
        ">" * 500_000,
    ],
    ids=lambda text: repr(text[:6]),
)
def test_half_a_million_characters_is_fast(text: str) -> None:
    text = text[:500_000]
    started = time.perf_counter()
    advise(text, "nn")
    assert time.perf_counter() - started < 1.0


def test_is_a_pure_domain_helper() -> None:
    forbidden = ("flask", "app.web", "app.logs", "app.git_backend", "app.encryption")
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            assert not [n for n in names if n.split(".")[0] == "flask" or n.startswith(forbidden)]
