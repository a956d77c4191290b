"""The page cache: served again only for the same revision, viewer, scope and language."""

from __future__ import annotations

import subprocess
import sys
import time

from flask import Flask

from app.web import page_cache
from tests.web.conftest import demo_log_ids, login
from tests.web.test_log_work import form_values, submit


def test_a_page_is_drawn_once_and_changes_show_at_once(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde, kari = fresh_app.test_client(), fresh_app.test_client()
    login(hilde, "staff:hilde")
    login(kari, "citizen:kari")
    for _attempt in range(2):  # the key holds the minute: a pair across its turn misses
        minute = int(time.time() // 60)
        first = hilde.get(f"/logg/{nora}/mal").data.decode()
        hits = page_cache.pages.hits
        second = hilde.get(f"/logg/{nora}/mal").data.decode()
        if int(time.time() // 60) == minute:
            break
    assert page_cache.pages.hits == hits + 1  # served from the cache
    token = 'name="csrf_token" value="'
    assert token in second and page_cache._CSRF not in second and page_cache._NONCE not in second
    assert first.count("nonce=") == second.count("nonce=")
    # Another viewer of the same revision gets their own page (holder's links are not hers).
    guardian_page = kari.get(f"/logg/{nora}/mal").data.decode()
    assert "Slett målet" in second and guardian_page.count("Slett målet") < second.count(
        "Slett målet"
    )
    # The viewer's own change is visible on the very next view.
    submit(
        hilde,
        f"/logg/{nora}/mal/nytt",
        {"title": "Helt nytt mål", "arena": "home_leisure", "status": "active"},
    )
    assert "Helt nytt mål" in hilde.get(f"/logg/{nora}/mal").data.decode()
    assert "Helt nytt mål" in kari.get(f"/logg/{nora}/mal").data.decode()


def test_the_placeholders_cannot_be_guessed() -> None:
    """Text a user writes can never contain the placeholders: they differ in every process."""
    code = "from app.web import page_cache; print(page_cache._CSRF, page_cache._NONCE)"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert len(runs) == 2


def test_a_second_session_of_the_same_user_gets_its_own_form_token(fresh_app: Flask) -> None:
    """A cached page carries a placeholder, never the token of the session that drew it."""
    nora = demo_log_ids(fresh_app)["Nora"]
    first, second = fresh_app.test_client(), fresh_app.test_client()
    login(first, "staff:hilde")
    login(second, "staff:hilde")  # the same person in another browser
    first.get(f"/logg/{nora}/mal")
    hits = page_cache.pages.hits
    page = second.get(f"/logg/{nora}/mal").data.decode()
    assert page_cache.pages.hits == hits + 1  # the page the first session drew
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    path = f"/logg/{nora}/mal/nytt"
    fields = {"title": "Fra to økter", "arena": "home_leisure", "status": "active"}
    answer = second.post(path, data={**form_values(second, path), **fields, "csrf_token": token})
    assert answer.status_code == 302, answer.data[-1500:]
