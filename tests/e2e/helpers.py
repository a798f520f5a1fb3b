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
        with page.expect_navigation():  # the switch posts and redirects back: wait for the new page
            page.locator(f"header form.lang-switch button[value='{lang}']").click()
    assert page.locator("html").get_attribute("lang") == lang


def log_in(page, email: str, password: str, lang: str = "pl") -> None:
    """Log in through the log-in page, in the given language."""
    page.goto("/konto/zaloguj/")
    choose_language(page, lang)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("header form[action$='/konto/wyloguj/']").count() == 1, "not logged in"


def log_out(page) -> None:
    page.locator("header form[action$='/konto/wyloguj/'] button").click()
    page.wait_for_load_state()


def settle_animations(page) -> None:
    """Wait (2 s at most) for the page's finite animations and transitions to end, so that axe-core reads final
    colours: a map popup fading in (Leaflet's 0.2 s opacity) was once read as low-contrast text."""
    page.evaluate("""async () => {
        const finite = document.getAnimations().filter(
            a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
        await Promise.race([Promise.all(finite.map(a => a.finished.catch(() => null))),
                            new Promise(done => setTimeout(done, 2000))]);
    }""")
