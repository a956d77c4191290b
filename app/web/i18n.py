"""Language: bokmål by default, nynorsk and English on request (Flask-Babel)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_babel import Babel

LANGUAGES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}
DEFAULT = "nb"


def select_locale() -> str:
    """The language the user chose, else bokmål."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT


def compile_catalogues(directory: Path) -> int:
    """Compile every messages.po whose .mo is missing or older; returns how many."""
    compiled = 0
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
        compiled += 1
    return compiled


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the catalogues in app/translations (compiled if needed)."""
    compile_catalogues(Path(app.root_path) / "translations")
    Babel(app, locale_selector=select_locale, default_domain="messages")
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["current_language"] = select_locale
