"""The front-matter module: exact round trips, and every hostile input a typed error."""

from __future__ import annotations

import frontmatter
import pytest

from app.documents.errors import DocumentError, InvalidDocument, InvalidFrontMatter
from app.documents.frontmatter import (
    MAX_FRONT_MATTER_BYTES,
    parse_document,
    serialize_document,
    split_document,
)
from app.documents.people import Consent
from app.documents.work import Goal
from tests.conftest import fnr, guardian_consent


def _goal(**changes: object) -> Goal:
    return Goal.model_validate(
        {"id": "abcdefgh12", "title": "Lese", "arena": "home_leisure", **changes}
    )


def _doc(front: str, body: str = "") -> bytes:
    return f"---\n{front}---\n{body}".encode()


def test_round_trip_is_exact_including_whitespace() -> None:
    goal = _goal(body="\n\n  Innrykk\r\n---\nslutt  \n\n")
    assert parse_document(serialize_document(goal)) == goal


def test_every_blns_string_round_trips_in_field_and_body(blns: list[str]) -> None:
    for text in blns:
        goal = _goal(title=text or "x", body=text)
        consent = guardian_consent(text, fnr(1, 1, 1990), note=text)
        assert parse_document(serialize_document(goal)) == goal, repr(text)
        assert parse_document(serialize_document(consent)) == consent, repr(text)


def test_files_are_readable_by_python_frontmatter() -> None:
    consent = guardian_consent("Kari Nordmann", fnr(1, 1, 1990))
    post = frontmatter.loads(serialize_document(consent).decode())
    assert post["given_by_fnr"] == consent.given_by_fnr  # quoted: not an octal number
    assert post["kind"] == "consent"


@pytest.mark.parametrize(
    ("yaml_value", "expected"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("01020312345", "01020312345"),
        ("1.10", "1.10"),
        ("12:30:00", "12:30:00"),
        ("0x1F", "0x1F"),
        ("~", None),
    ],
)
def test_yaml_11_surprises_stay_as_written(yaml_value: str, expected: str | None) -> None:
    fields, _body = split_document(_doc(f"kind: goal\nx: {yaml_value}\n"))
    assert fields["x"] == expected


def test_fnr_with_leading_zero_stays_a_string() -> None:
    number = fnr(1, 2, 1990)
    assert number.startswith("0")
    text = serialize_document(guardian_consent("A", number)).decode().replace(f"'{number}'", number)
    parsed = parse_document(text.encode())
    assert isinstance(parsed, Consent) and parsed.given_by_fnr == number


BILLION_LAUGHS = """kind: goal
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (BILLION_LAUGHS, "aliases"),
        ("kind: goal\nx: &a [*a]\n", "aliases"),
        ("kind: goal\nbase: &b {t: 1}\nother: *b\n", "aliases"),
        ("kind: goal\nx: !!binary aGVp\n", "tag"),
        ("kind: goal\nx: !!set {a, b}\n", "tag"),
        ("kind: goal\nx: !!python/object/apply:os.system [ls]\n", "tag"),
        ("kind: goal\nx: !custom 1\n", "tag"),
        ("kind: goal\nx: !!int 5\n", "tag"),
        ("kind: goal\nkind: log\n", "duplicate"),
        ("kind: goal\n? [a, b]\n: 1\n", "plain names"),
        ("- a\n- b\n", "mapping"),
        ("just a string\n", "mapping"),
        ("kind: goal\nx: [unclosed\n", "not valid YAML"),
        ("kind: goal\n\tx: tab\n", "not valid YAML"),
        ("\n", "empty"),
    ],
)
def test_hostile_yaml_gives_typed_error(front: str, message: str) -> None:
    with pytest.raises(InvalidFrontMatter, match=message):
        parse_document(_doc(front))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"no front matter", "must start"),
        (b"---\nkind: goal\n", "not closed"),
        (b"---\nkind: goal\n---\n\xff\xfe", "UTF-8"),
        (_doc("kind: goal\nbody: sneaky\n"), "reserved"),
        (_doc("kind: goal\nx: '" + "a" * MAX_FRONT_MATTER_BYTES + "'\n"), "larger"),
        (b"---\n" + b"x" * (5 * 1024 * 1024), "larger"),
    ],
)
def test_malformed_documents_give_typed_error(data: bytes, message: str) -> None:
    with pytest.raises(InvalidFrontMatter, match=message):
        parse_document(data)


@pytest.mark.parametrize(
    ("front", "field"),
    [
        (
            "kind: activity\nid: abcdefgh12\ngoal: abcdefgh13\ntitle: t\nresponsible: abcdefgh14\n"
            "deadline: 2024-13-45\n",
            "deadline",
        ),
        (
            "kind: activity\nid: abcdefgh12\ngoal: abcdefgh13\ntitle: t\nresponsible: abcdefgh14\n"
            "deadline: 2024-02-30\n",
            "deadline",
        ),
        ("kind: goal\nid: abcdefgh12\ntitle: t\narena: home_leisure\nextra: 1\n", "extra"),
        ("kind: goal\nid: ABC\ntitle: t\narena: home_leisure\n", "id"),
        ("kind: goal\nid: abcdefgh12\ntitle: t\narena: moon\n", "arena"),
        (
            "kind: goal\nid: abcdefgh12\ntitle: t\narena: home_leisure\nschema_version: 2\n",
            "schema_version",
        ),
        ("kind: nope\nid: abcdefgh12\n", "kind"),
        ("id: abcdefgh12\n", "kind"),
        (
            "kind: consent\nid: abcdefgh12\ngiven_by_name: A\ngiven_by_fnr: 01020312345\n"
            "role: guardian\npurpose: create\nservices: [school]\nvalid_from: 2026-01-01\n"
            "valid_until: 2027-01-01\nmethod: digital\n",
            "given_by_fnr",
        ),
    ],
)
def test_invalid_values_give_typed_error_naming_the_field(front: str, field: str) -> None:
    with pytest.raises(InvalidDocument) as info:
        parse_document(_doc(front))
    assert any(problem.field.startswith(field) for problem in info.value.problems), info.value


def test_all_errors_share_one_base() -> None:
    assert issubclass(InvalidFrontMatter, DocumentError) and issubclass(
        InvalidDocument, DocumentError
    )
