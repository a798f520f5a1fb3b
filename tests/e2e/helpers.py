"""Small steps shared by the journeys: the expected text in a language, switching language, logging in."""

from __future__ import annotations

from django.utils import translation


def t(lang: str, msgid: str) -> str:
    """The text the page shows for an English msgid in the given language (from the compiled catalogues)."""
    with translation.override(lang):
        return str(translation.gettext(msgid))


def choose_language(page, lang: str) -> None:
    """Use the header's language switch (the portal is Polish first); a no-op for Polish."""
    if page.locator("html").get_attribute("lang") != lang:
        # The switch posts and redirects back: wait for the new page.
        click_and_load(page, page.locator(f"header form.lang-switch button[value='{lang}']"))
    assert page.locator("html").get_attribute("lang") == lang


def log_in(page, email: str, password: str, lang: str = "pl") -> None:
    """Log in through the log-in page, in the given language."""
    page.goto("/konto/zaloguj/")
    choose_language(page, lang)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    click_and_load(page, page.locator("main form button[type=submit]"))
    assert page.locator("header form[action$='/konto/wyloguj/']").count() == 1, "not logged in"


def log_out(page) -> None:
    click_and_load(page, page.locator("header form[action$='/konto/wyloguj/'] button"))


def click_and_load(page, locator) -> None:
    """Click something that loads a page (a link, a form's button) and return once the new page has loaded.

    A click returns before the browser has the new page, and `wait_for_load_state()` right after it returns at once
    (the old page is loaded), so a check that does not wait (`is_visible()`, `count()`, a database read) would read
    the old page or run before the server has answered: a CI run failed that way. Waiting for the navigation the
    click starts closes the race, also when the new page has the same address (a form shown again with errors)."""
    with page.expect_navigation():
        locator.click()


def settle_animations(page) -> None:
    """Wait (2 s at most) for the page's finite animations and transitions to end, so that axe-core reads final
    colours: a map popup fading in (Leaflet's 0.2 s opacity) was once read as low-contrast text."""
    page.evaluate("""async () => {
        const finite = document.getAnimations().filter(
            a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
        await Promise.race([Promise.all(finite.map(a => a.finished.catch(() => null))),
                            new Promise(done => setTimeout(done, 2000))]);
    }""")
