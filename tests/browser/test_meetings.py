"""A meeting from call to approved minutes in a real browser; axe on every page visited.

The holder (PPT, Jonas's log) calls a meeting with the teacher as minute-taker;
the teacher writes the minutes and agrees an activity in the same save; the
holder approves them; a guardian reads them, replies to the invitation and
downloads the meeting as .ics; the school nurse, whose service no consent
covers, sees nothing of it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations

TITLE = "Oppfølgingsmøte om lesing"


def _accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def _login(browser: Browser, server: str, name: str) -> Page:
    page = browser.new_context(locale="nb-NO", accept_downloads=True).new_page()
    page.goto(f"{server}/demo/logg-inn")
    page.get_by_role("button", name=name, exact=True).click()
    return page


def _open_meeting(page: Page) -> None:
    page.get_by_role("link", name="Jonas Nilsen").click()
    page.get_by_role("navigation", name="Deler av loggen").get_by_role("link", name="Møter").click()
    page.get_by_role("link", name=TITLE).click()


def test_meeting_from_call_to_approved_minutes(browser: Browser, server: str) -> None:
    # The holder calls the meeting.
    ingrid = _login(browser, server, "Ingrid Myhre")
    ingrid.get_by_role("link", name="Jonas Nilsen").click()
    ingrid.get_by_role("navigation", name="Deler av loggen").get_by_role(
        "link", name="Møter"
    ).click()
    _accessible(ingrid)
    ingrid.get_by_role("link", name="Kall inn til møte").click()
    _accessible(ingrid)
    ingrid.get_by_label("Tittel").fill(TITLE)
    ingrid.get_by_label("Dato").fill(date.today().isoformat())  # minutes from the meeting's day
    ingrid.get_by_label("Starter").fill("00:05")
    ingrid.get_by_label("Slutter").fill("00:50")
    ingrid.get_by_label("Sted").fill("Nordby skole, rom 204")
    ingrid.get_by_label("Saksliste").fill("Lesing hjemme\nLesing på skolen")
    ingrid.get_by_label("Referent").select_option(label="Per Aasen")
    ingrid.get_by_label("Per Aasen").check()
    ingrid.get_by_label("Melding med innkallingen").fill("Velkommen! Ta med leseloggen.")
    ingrid.get_by_role("button", name="Kall inn til møtet").click()
    expect(ingrid.get_by_role("status")).to_contain_text("Møtet er kalt inn.")
    expect(ingrid.get_by_role("link", name=TITLE)).to_be_visible()
    _accessible(ingrid)

    # The minute-taker writes the minutes and agrees an activity in the same save.
    per = _login(browser, server, "Per Aasen")
    _open_meeting(per)
    _accessible(per)
    per.get_by_role("link", name="Skriv referat").click()
    _accessible(per)
    per.get_by_role("group", name="Hvem var til stede").get_by_label("Per Aasen").check()
    per.get_by_label("Foresatte var til stede").check()
    items = per.get_by_label("Hva ble avtalt?")
    items.nth(0).fill("Jonas leser ti minutter for mor hver kveld.")
    items.nth(1).fill("Lesekvarter hver morgen fortsetter.")
    row = per.get_by_role("group", name="Ny aktivitet fra møtet (1)")
    row.get_by_label("Mål").select_option(index=1)
    row.get_by_label("Aktivitet").fill("Lesebingo hjemme")
    row.get_by_label("Ansvarlig").select_option(label="De foresatte")
    row.get_by_label("Frist").fill((date.today() + timedelta(days=30)).isoformat())
    per.get_by_role("button", name="Lagre").click()
    expect(per.get_by_role("status")).to_contain_text("Referatet er lagret.")
    expect(per.get_by_text("Jonas leser ti minutter for mor hver kveld.")).to_be_visible()
    _accessible(per)
    per.get_by_role("navigation", name="Deler av loggen").get_by_role(
        "link", name="Mål og aktiviteter"
    ).click()
    expect(per.locator("article").filter(has_text="Lesebingo hjemme").first).to_be_visible()

    # The holder approves: the minutes are locked and sent as a message.
    ingrid.get_by_role("link", name=TITLE).click()
    ingrid.get_by_role("link", name="Godkjenn referatet").click()
    _accessible(ingrid)
    ingrid.get_by_role("button", name="Godkjenn referatet").click()
    expect(ingrid.get_by_role("status")).to_contain_text("Referatet er godkjent og låst.")
    expect(ingrid.get_by_text("Referatet er låst")).to_be_visible()
    expect(ingrid.get_by_role("link", name="Endre referatet")).to_have_count(0)
    _accessible(ingrid)

    # A guardian reads the minutes, replies to the invitation and takes the meeting along.
    lise = _login(browser, server, "Lise Nilsen")
    lise.get_by_role("link", name="Jonas Nilsen").click()
    lise.get_by_role("navigation", name="Deler av loggen").get_by_role(
        "link", name="Meldinger"
    ).click()
    _accessible(lise)
    lise.get_by_role("link", name=f"Innkalling: {TITLE}").click()
    expect(lise.get_by_text("Velkommen! Ta med leseloggen.")).to_be_visible()
    lise.get_by_role("link", name="Les det godkjente referatet").click()
    expect(lise.get_by_text("Jonas leser ti minutter for mor hver kveld.")).to_be_visible()
    _accessible(lise)
    with lise.expect_download() as download:
        lise.get_by_role("link", name="Legg til i kalenderen min (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VEVENT" in Path(download.value.path()).read_text(encoding="utf-8")
    lise.get_by_role("link", name="Meldinger om møtet").click()
    lise.get_by_label("Svaret ditt").fill("Takk! Vi har begynt med lesingen.")
    lise.get_by_role("button", name="Send svaret").click()
    expect(lise.get_by_role("status")).to_contain_text("Svaret er sendt.")
    expect(lise.get_by_text("Takk! Vi har begynt med lesingen.")).to_be_visible()
    _accessible(lise)

    # The school nurse takes part, but no consent covers her service: nothing at all.
    maria = _login(browser, server, "Maria Lund")
    expect(maria.get_by_role("link", name="Jonas Nilsen")).to_have_count(0)
    meeting_url = ingrid.url
    answer = maria.goto(meeting_url)
    assert answer is not None and answer.status == 404
    expect(maria.get_by_text(TITLE)).to_have_count(0)
