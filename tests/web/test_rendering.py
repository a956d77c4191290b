"""Untrusted text never becomes executable markup (WEB-01), and every label is translated."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask

from app.documents.fields import Arena
from app.documents.work import Goal
from app.logs.ids import new_document_id
from app.rendering import render_markdown
from tests.web.conftest import demo_log_ids, login

ROOT = Path(__file__).resolve().parents[2]
VECTORS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<img src=x onerror=alert(1)>",
    '[x](https://ok/)"onmouseover="alert(1)',
    "<script>alert(1)</script>",
    "<iframe src=https://evil.example></iframe>",
    "<form action=https://evil.example><input></form>",
    "[x](vbscript:msgbox(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "`<script>`",
]


class _Danger(html.parser.HTMLParser):
    """Counts what could run or leave the page: scripts, handlers, bad URLs, frames, forms."""

    def __init__(self, allow_forms: bool = False) -> None:
        super().__init__()
        self.found: list[str] = []
        self.allow_forms = allow_forms

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        source = dict(attrs).get("src") or ""
        if (tag == "script" and source == "/static/editor.js") or (
            tag == "img" and re.fullmatch(r"/logg/[a-z0-9]+/bilde/[a-z0-9]+", source)
        ):
            return  # the app's own editor script and the subject's photo
        if tag in ("script", "iframe", "object", "embed", "svg", "img") or (
            tag == "form" and not self.allow_forms
        ):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if (
                name in ("href", "src", "action")
                and value
                and re.match(r"\s*(javascript|vbscript|data):", value, re.I)
            ):
                self.found.append(f"{tag}[{name}={value[:20]}]")


def _dangers(markup: str, allow_forms: bool = False) -> list[str]:
    parser = _Danger(allow_forms)
    parser.feed(markup)
    return parser.found


@pytest.mark.parametrize("vector", VECTORS)
def test_markdown_vectors_render_harmless(vector: str) -> None:
    assert _dangers(render_markdown(vector)) == []


def test_every_blns_string_renders_harmless(blns: list[str]) -> None:
    assert [s for s in blns if _dangers(render_markdown(s))] == []


def test_safe_markdown_still_works() -> None:
    out = render_markdown("# Tittel\n\n**fet** og [lenke](https://example.no) og <mailto:a@b.no>")
    assert "<h3>Tittel</h3>" in out and "<strong>fet</strong>" in out
    assert 'href="https://example.no"' in out and 'rel="noopener noreferrer nofollow"' in out


def test_hostile_strings_in_a_log_are_shown_escaped(fresh_app: Flask, blns: list[str]) -> None:
    instance = fresh_app.extensions["stafettlogg"]
    log_id = demo_log_ids(fresh_app)["Nora"]
    goals = [
        Goal(id=new_document_id(), title=text or "-", arena=Arena.HOME_LEISURE, body=text)
        for text in [*blns, *VECTORS]
    ]
    instance.logs.save(
        log_id, goals, expected_revision=instance.logs.head(log_id), actor_id="s-4f1c2a7e"
    )
    client = fresh_app.test_client()
    login(client, "citizen:kari")
    page = client.get(f"/logg/{log_id}/mal")
    assert page.status_code == 200
    text = page.data.decode()
    assert _dangers(text, allow_forms=True) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown, as text
    # The history lists every one of them by title, escaped too.
    history = client.get(f"/logg/{log_id}/historikk").data.decode()
    assert _dangers(history, allow_forms=True) == []


def test_templates_never_mark_text_safe() -> None:
    offenders = [
        p.name
        for p in (ROOT / "app" / "templates").rglob("*.html")
        if re.search(r"\|\s*safe\b|Markup\(", p.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_ui_string_is_translated(lang: str) -> None:
    extracted = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "app"),
            method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
            keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None},
        )
    }
    with (ROOT / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert sorted(extracted - translated) == []


def test_every_domain_rule_has_a_message_for_users() -> None:
    import ast

    from app.errors import RULES

    codes = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "RuleViolation"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    assert len(codes) >= 9
    assert sorted(codes - set(RULES)) == []


def test_rule_violation_is_explained_in_norwegian(app: Flask) -> None:
    client = app.test_client()
    login(client, "staff:maria")
    sara = demo_log_ids(app)["Sara"]
    page = client.get(f"/logg/{sara}/").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(
        f"/logg/{sara}/barnekonto", data={"username": "sara.a", "csrf_token": token.group(1)}
    )
    assert response.status_code == 400
    assert "Fra samtykkealderen logger ungdommen inn med ID-porten." in response.data.decode()
