"""In a real browser: log in through the loopback OpenID provider, open a log, see the read."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations, browser  # noqa: F401 (fixture)
from tests.oidc.conftest import Stack


def _idporten_login(page: Page, stack: Stack, user: str) -> None:
    page.goto(f"{stack.rp}/logg-inn")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Logg inn med ID-porten").click()
    page.get_by_label("Bruker").fill(user)  # the test provider's own login form
    page.get_by_role("button", name="Logg inn").click()


def test_browser_login_through_the_provider(browser: Browser, stack: Stack) -> None:  # noqa: F811
    guardian = browser.new_context().new_page()
    _idporten_login(guardian, stack, "kari")
    expect(guardian.get_by_role("heading", name="Mine logger")).to_be_visible()
    assert axe_violations(guardian) == []
    guardian.get_by_role("link", name="Nora Berg").click()
    expect(guardian.get_by_role("heading", level=1)).to_have_text("Stafettlogg for Nora Berg")
    log_url = guardian.url

    stranger = browser.new_context().new_page()
    _idporten_login(stranger, stack, "per")
    expect(stranger.get_by_text("Du har ingen logger.")).to_be_visible()
    response = stranger.goto(log_url)
    assert response is not None and response.status == 404

    guardian.get_by_role("link", name="Hvem har sett loggen").click()
    first_row = guardian.get_by_role("table").locator("tbody tr").last
    expect(first_row).to_contain_text("Foresatt")
    assert axe_violations(guardian) == []
