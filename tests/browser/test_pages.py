"""End to end in a real browser: log in, my logs, a log, the access log; axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations


def _accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def _demo_login(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/demo/logg-inn")
    page.get_by_role("button", name=name, exact=True).click()


def test_guardian_journey(page: Page, server: str) -> None:
    page.goto(server)
    expect(page).to_have_title(re.compile("Stafettlogg"))
    _accessible(page)
    page.get_by_role("link", name="Logg inn").first.click()
    _accessible(page)
    page.get_by_role("link", name="Logg inn som demobruker").click()
    _accessible(page)
    page.get_by_role("button", name="Kari Berg", exact=True).click()

    expect(page.get_by_role("heading", name="Mine logger")).to_be_visible()
    _accessible(page)
    links = page.get_by_role("table").get_by_role("link")
    expect(links).to_have_count(1)
    links.first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stafettlogg for Nora Berg")
    expect(page.get_by_role("heading", name="Hva skjer videre")).to_be_visible()
    _accessible(page)
    page.get_by_role("link", name="Mål og aktiviteter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mål og aktiviteter")
    _accessible(page)
    page.get_by_role("link", name="Kalender", exact=True).click()
    page.get_by_role("button", name="Lag en privat lenke").click()
    expect(page.get_by_label("Den private lenken din")).to_have_value(
        re.compile(r"/kalender/.+\.ics$")
    )
    _accessible(page)
    page.get_by_role("link", name="Hvem har sett loggen").click()
    expect(page.get_by_role("heading", name="Hvem har sett loggen")).to_be_visible()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.first).to_contain_text("Foresatt")  # the read just made, by this guardian
    _accessible(page)


def test_user_without_consent_gets_404(browser: Browser, server: str) -> None:
    guardian = browser.new_context().new_page()
    _demo_login(guardian, server, "Kari Berg")
    guardian.get_by_role("table").get_by_role("link").first.click()
    log_url = guardian.url

    stranger = browser.new_context().new_page()
    _demo_login(stranger, server, "Per Hansen")
    expect(stranger.get_by_text("Du har ingen logger.")).to_be_visible()
    _accessible(stranger)
    response = stranger.goto(log_url)
    assert response is not None and response.status == 404
    expect(stranger.get_by_role("heading", name="Fant ikke siden")).to_be_visible()
    _accessible(stranger)

    teacher = browser.new_context().new_page()
    _demo_login(teacher, server, "Tor Eriksen")  # school staff, not a participant
    response = teacher.goto(log_url)
    assert response is not None and response.status == 404


def test_staff_and_coordinator_pages(page: Page, server: str) -> None:
    _demo_login(page, server, "Hilde Solberg")
    expect(page.get_by_role("heading", name="Mine logger")).to_be_visible()
    _accessible(page)
    page.get_by_role("link", name="Nora Berg").click()
    page.get_by_role("link", name="Deltakere").click()
    expect(page.get_by_role("heading", name="Deltakere")).to_be_visible()
    _accessible(page)

    page.get_by_role("button", name="Logg ut").click()
    _demo_login(page, server, "Bjørn Strand")
    page.get_by_role("link", name="Katalog").click()
    expect(page.get_by_role("heading", name="Enheter")).to_be_visible()
    _accessible(page)
    page.get_by_role("button", name="Legg til", exact=True).click()  # empty form: errors shown
    expect(page.get_by_role("alert")).to_be_visible()
    _accessible(page)
    page.get_by_label("Fullt navn").fill("Ola Testesen")
    page.get_by_role("button", name="Legg til", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Den ansatte er lagt til.")
    page.get_by_role("link", name="Ola Testesen").click()
    expect(page.get_by_role("heading", name="Ola Testesen")).to_be_visible()
    _accessible(page)
    page.get_by_label("Enhetsleder").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("status")).to_contain_text("Endringen er lagret.")

    # The coordinator's overview, with Ella's log waiting for consent.
    page.goto(f"{server}/ansatt/")
    page.get_by_role("link", name="Koordinatoroversikt").click()
    expect(page.get_by_role("heading", name="Logger som fortsatt mangler samtykke")).to_be_visible()
    _accessible(page)
    # The archivist's list of ended logs.
    page.get_by_role("button", name="Logg ut").click()
    _demo_login(page, server, "Anne Vik")
    page.get_by_role("link", name="Arkivets logger").click()
    expect(page.get_by_role("cell", name="Liam Johansen", exact=True)).to_be_visible()
    _accessible(page)


def test_language_switch_and_family_pages(page: Page, server: str) -> None:
    page.goto(server)
    page.get_by_label("Språk").select_option("nn")
    page.get_by_role("button", name="Bytt").click()
    expect(page.get_by_role("heading", name="Stafettloggen")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "nn"
    _accessible(page)


def test_child_login_pages(page: Page, server: str) -> None:
    page.goto(f"{server}/logg-inn")
    page.get_by_role("link", name="Logg inn med brukernavn, passord og kode").click()
    expect(page.get_by_role("heading", name="Logg inn med brukernavn")).to_be_visible()
    _accessible(page)
    page.get_by_label("Brukernavn").fill("finnes.ikke")
    page.get_by_label("Passord").fill("feil passord her")
    page.get_by_label("Kode fra appen (6 sifre)").fill("123456")
    page.get_by_role("button", name="Logg inn").last.click()
    expect(page.get_by_role("alert")).to_contain_text("Brukernavnet, passordet eller koden er feil")
    _accessible(page)
    page.get_by_role("link", name=re.compile("Har du fått en aktiveringskode")).click()
    _accessible(page)
