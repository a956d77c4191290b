"""A log's whole life in a real browser (issue 8): started, consented through ID-porten on
loopback, handed on, withdrawn from and closed; axe finds no WCAG 2.1 A/AA violation on
any page on the way.

Staff log in with the demo login; the guardians with ID-porten (the real OpenID
provider on loopback), as they would in production.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Browser, Page, expect

from app.demo import STAFF, synthetic_fnr
from tests.browser.conftest import axe_violations, browser  # noqa: F401 (fixture)
from tests.oidc.conftest import Stack
from tests.oidc.test_browser_login import _idporten_login

CHILD = synthetic_fnr(date(2017, 5, 9), 777)
CHILD_NAME = "Sara Hansen"


def _accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def _staff(browser: Browser, stack: Stack, name: str) -> Page:  # noqa: F811
    page = browser.new_context(locale="nb-NO").new_page()
    page.goto(f"{stack.rp}/demo/logg-inn")
    page.get_by_role("button", name=name, exact=True).click()
    return page


def _guardian(browser: Browser, stack: Stack, user: str) -> Page:  # noqa: F811
    page = browser.new_context(locale="nb-NO").new_page()
    _idporten_login(page, stack, user)
    expect(page.get_by_role("heading", name="Mine logger")).to_be_visible()
    page.get_by_role("link", name=CHILD_NAME).click()
    return page


def _answer_yes(page: Page) -> None:
    page.get_by_role("link", name="Samtykker").first.click()
    page.get_by_role("link", name="Svar på forespørselen").click()
    _accessible(page)
    page.get_by_role("group", name="Skole").get_by_label("Ja, jeg samtykker").check()
    page.get_by_role("button", name="Send svaret mitt").click()
    expect(page.get_by_text("Takk.")).to_be_visible()
    _accessible(page)


def test_a_log_from_start_to_closing_in_the_browser(browser: Browser, stack: Stack) -> None:  # noqa: F811
    # The holder starts the log: it waits for consent.
    per = _staff(browser, stack, "Per Aasen")
    per.get_by_role("link", name="Start en logg").click()
    _accessible(per)
    per.get_by_label("Fornavn").fill("Sara")
    per.get_by_label("Etternavn").fill("Hansen")
    per.get_by_label("Fødselsnummer (11 siffer)").fill(CHILD)
    per.get_by_label("Mal").select_option("school")
    per.get_by_role("button", name="Start loggen").click()
    expect(per.get_by_text("Loggen venter på samtykke.")).to_be_visible()
    _accessible(per)
    log_url = re.sub(r"/samtykker.*$", "/", per.url)

    # Two guardians, registered by the holder and confirmed by the unit leader.
    for name, who in (("Per Hansen", "per"), ("Emma Johansen", "emma")):
        per.get_by_role("link", name="Registrer en foresatt").click()
        per.get_by_label("Navn").fill(name)
        per.get_by_label("Fødselsnummer (11 siffer)").fill(_pid(stack, who))
        per.get_by_role("button", name="Lagre").click()
    _accessible(per)
    kjersti = _staff(browser, stack, "Kjersti Holm")
    kjersti.goto(f"{stack.rp}/ansatt/foresatte")
    _accessible(kjersti)
    ours = kjersti.locator("li.guardian-card", has_text=CHILD_NAME)
    for left in (1, 0):
        ours.first.get_by_role("button", name="Bekreft").click()
        expect(ours).to_have_count(left)  # the page came back without the one confirmed
    expect(kjersti.get_by_text("Den foresatte er bekreftet.")).to_be_visible()

    # The holder asks for consent for the school.
    per.reload()
    per.get_by_role("link", name="Be om samtykke").click()
    _accessible(per)
    per.get_by_role("button", name="Be om samtykke").click()
    expect(per.get_by_text("Samtykkeforespørselen er sendt.")).to_be_visible()

    # Both guardians consent through ID-porten; the log becomes active.
    father = _guardian(browser, stack, "per")
    _answer_yes(father)
    mother = _guardian(browser, stack, "emma")
    _answer_yes(mother)
    per.goto(log_url)
    expect(per.get_by_text("Aktiv").first).to_be_visible()
    _accessible(per)

    # Tor is invited, offered the baton, and accepts it.
    per.get_by_role("link", name="Deltakere").first.click()
    per.get_by_role("link", name="Inviter fra kommunens katalog").click()
    per.get_by_label("Ansatt").select_option(STAFF["tor"].user_id)
    per.get_by_role("button", name="Legg til deltakeren").click()
    per.goto(log_url)
    per.get_by_role("link", name="Gi stafettpinnen videre").click()
    _accessible(per)
    holder = per.get_by_label("Ny stafettholder")
    tor_option = holder.locator("option", has_text="Tor Eriksen").get_attribute("value")
    holder.select_option(tor_option)
    per.get_by_role("button", name="Tilby stafettpinnen").click()
    tor = _staff(browser, stack, "Tor Eriksen")
    tor.goto(log_url)
    expect(tor.get_by_text("Du får tilbud om stafettpinnen")).to_be_visible()
    _accessible(tor)
    tor.get_by_role("button", name="Ta imot stafettpinnen").click()
    expect(tor.get_by_role("link", name="Gi stafettpinnen videre")).to_be_visible()

    # The father withdraws his consent; the mother's still stands, so the log goes on.
    father.goto(log_url + "samtykker")
    father.get_by_role("link", name="Trekk tilbake alt samtykket mitt").click()
    _accessible(father)
    father.get_by_role("button", name="Trekk tilbake alt samtykke").click()
    expect(father.get_by_text("Alt samtykket ditt er trukket tilbake.")).to_be_visible()

    # The mother closes the log; it is read-only for everyone and she still reads it.
    mother.goto(log_url)
    mother.get_by_role("link", name="Avslutt loggen").click()
    _accessible(mother)
    mother.get_by_role("button", name="Avslutt loggen").click()
    expect(mother.get_by_text("Loggen er avsluttet.")).to_be_visible()
    _accessible(mother)
    tor.goto(log_url)
    expect(tor.get_by_role("link", name="Gi stafettpinnen videre")).to_have_count(0)


def _pid(stack: Stack, who: str) -> str:
    from app.demo import demo_citizens

    return demo_citizens(date.today())[who].fnr
