"""The holder and a guardian work in a log in a real browser; axe on every page visited.

One journey, as the issue describes it: the holder adds a goal with an activity
and a deadline, sees the plain-language advice, saves and reorders; a guardian
reads it and comments; the holder sees the comment, changes the goal, compares
two versions in the history and restores one. Two people editing the same goal
at once see the merge view.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations

GOAL = "Nora legger seg selv om kvelden"


def _accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def _login(browser: Browser, server: str, name: str) -> Page:
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(f"{server}/demo/logg-inn")
    page.get_by_role("button", name=name, exact=True).click()
    page.get_by_role("link", name="Nora Berg").click()
    return page


def _named(action: str, what: str) -> re.Pattern[str]:
    """A link or button named by its visible action and the visually hidden object."""
    return re.compile(rf"^{re.escape(action)}\W+{re.escape(what)}$")


def _goal_card(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("article.goal", has=page.get_by_role("heading", name=GOAL))


def test_holder_and_guardian_work_in_the_log(browser: Browser, server: str) -> None:
    hilde = _login(browser, server, "Hilde Solberg")
    expect(hilde.get_by_text("Frist passert").first).to_be_visible()  # the demo's overdue activity
    _accessible(hilde)
    hilde.get_by_role("link", name="Mål og aktiviteter").click()
    _accessible(hilde)

    # A new goal at home, with advice on plain language before saving.
    hilde.get_by_role("link", name=_named("Legg til et mål", "Hjemme og på fritiden")).click()
    _accessible(hilde)
    hilde.get_by_label("Mål", exact=True).fill(GOAL)
    hilde.get_by_label("Beskrivelse").fill("Vi øver ifm leggetid, og bhg følger opp.")
    live = hilde.locator("#body-live")
    expect(live).to_contain_text("Vi øver ifm leggetid")  # the live preview (script under CSP)
    expect(live).to_contain_text("«ifm» er en forkortelse")
    hilde.get_by_role("button", name="Forhåndsvis").click()  # the same without the script
    expect(hilde.locator(".preview")).to_contain_text("«bhg» er en forkortelse")
    _accessible(hilde)
    hilde.get_by_role("button", name="Lagre").click()
    expect(hilde.get_by_role("status")).to_contain_text("Målet er lagret.")
    _accessible(hilde)

    # An activity with a responsible person and a deadline.
    hilde.get_by_role("link", name=_named("Legg til en aktivitet", GOAL)).click()
    hilde.get_by_label("Aktivitet", exact=True).fill("Fast leggetid klokka sju")
    hilde.get_by_label("Ansvarlig").select_option(label="De foresatte")
    hilde.get_by_label("Frist").fill((date.today() + timedelta(days=21)).isoformat())
    hilde.get_by_role("button", name="Lagre").click()
    expect(hilde.get_by_role("status")).to_contain_text("Aktiviteten er lagret.")
    expect(_goal_card(hilde)).to_contain_text("Fast leggetid klokka sju")

    # Reorder without JavaScript: the new goal moves above the older one.
    home = hilde.locator("section", has=hilde.get_by_role("heading", name="Hjemme og på fritiden"))
    expect(home.locator("article.goal").last).to_contain_text(GOAL)
    hilde.get_by_role("button", name=_named("Flytt opp", GOAL)).click()
    expect(hilde.get_by_role("status")).to_contain_text("Rekkefølgen er lagret.")
    expect(home.locator("article.goal").first).to_contain_text(GOAL)

    # The guardian reads it and comments.
    kari = _login(browser, server, "Kari Berg")
    kari.get_by_role("link", name="Mål og aktiviteter").click()
    expect(_goal_card(kari)).to_contain_text("Fast leggetid klokka sju")
    kari.get_by_role("link", name=_named("Kommentar", GOAL)).click()
    _accessible(kari)
    kari.get_by_label("Kommentar").fill("Det går bedre når vi leser først.")
    kari.get_by_role("button", name="Lagre").click()
    expect(kari.get_by_role("status")).to_contain_text("Kommentaren er lagret.")

    # The holder sees the comment, changes the goal, compares and restores.
    hilde.reload()
    expect(_goal_card(hilde)).to_contain_text("Det går bedre når vi leser først.")
    expect(_goal_card(hilde)).to_contain_text("Kari Berg (foresatt)")
    hilde.get_by_role("link", name=_named("Endre målet", GOAL)).click()
    hilde.get_by_label("Beskrivelse").fill("Vi øver i forbindelse med leggetid.")
    hilde.get_by_role("button", name="Lagre").click()
    hilde.get_by_role("link", name=_named("Historikk", GOAL)).click()
    expect(hilde.locator("del").first).to_be_visible()
    expect(hilde.locator("ins").first).to_contain_text("i forbindelse med")
    _accessible(hilde)
    # Compare two chosen versions: the first one against the newest.
    versions = hilde.get_by_label("Sammenlign versjonen fra").locator("option")
    first_version = versions.nth(versions.count() - 1).get_attribute("value")
    hilde.get_by_label("Sammenlign versjonen fra").select_option(first_version)
    hilde.get_by_role("button", name="Sammenlign").click()
    expect(hilde.locator(".diff del").first).to_be_visible()
    assert f"fra={first_version}" in hilde.url
    _accessible(hilde)
    hilde.get_by_role("button", name="Gjenopprett denne versjonen").last.click()
    expect(hilde.get_by_role("status")).to_contain_text("Den gamle versjonen er gjenopprettet")
    _accessible(hilde)
    hilde.get_by_role("link", name="Mål og aktiviteter").click()
    expect(_goal_card(hilde)).to_contain_text("Vi øver ifm leggetid")  # the first version is back


def test_two_people_editing_one_goal_see_the_merge_view(browser: Browser, server: str) -> None:
    hilde = _login(browser, server, "Hilde Solberg")
    kari = _login(browser, server, "Kari Berg")
    for page in (hilde, kari):
        page.get_by_role("link", name="Mål og aktiviteter").click()
        page.get_by_role(
            "link", name=_named("Endre målet", "Nora deltar i lek med to andre barn")
        ).click()
    hilde.get_by_label("Beskrivelse").fill("Hilde: korte økter, to ganger om dagen.")
    hilde.get_by_role("button", name="Lagre").click()
    expect(hilde.get_by_role("status")).to_contain_text("Målet er lagret.")
    kari.get_by_label("Beskrivelse").fill("Kari: vi inviterer en venn hjem.")
    kari.get_by_role("button", name="Lagre").click()
    expect(kari.get_by_role("alert").first).to_contain_text(
        "Noen andre har endret dette mens du skrev"
    )
    table = kari.get_by_role("table")
    expect(table).to_contain_text("Hilde: korte økter")
    expect(table).to_contain_text("Kari: vi inviterer en venn hjem.")
    _accessible(kari)
    kari.get_by_label("Beskrivelse").fill("Korte økter, og vi inviterer en venn hjem.")
    kari.get_by_role("button", name="Lagre").click()
    expect(kari.get_by_role("status")).to_contain_text("Målet er lagret.")
