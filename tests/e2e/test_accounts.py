"""Journeys on the foundation's pages: sign-up, log-in, log-out and the language switch, in both languages."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from centres.models import User
from tests.e2e.helpers import choose_language, click_and_load, log_in, log_out, t
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def test_language_switch_keeps_the_page(page, steps):
    page.goto("/konto/zaloguj/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("h1").inner_text() == t("pl", "Log in")
    steps("login page in Polish")
    choose_language(page, "en")
    assert page.url.endswith("/konto/zaloguj/")
    assert page.locator("h1").inner_text() == "Log in"
    steps("login page in English")
    choose_language(page, "pl")
    assert page.locator("h1").inner_text() == t("pl", "Log in")


def test_resident_signs_up_confirms_e_mail_and_logs_in_again(page, steps, lang):
    page.goto("/")
    choose_language(page, lang)
    click_and_load(page, page.locator("header a[href='/konto/zaloz/']"))
    assert page.locator("h1").inner_text() == t(lang, "Sign up")
    steps("sign-up form")

    # A mismatched password shows the form again with the field's message, nothing is created.
    page.fill("input[name=email]", f"ewa.{lang}@example.org")
    page.fill("input[name=first_name]", "Ewa")
    page.fill("input[name=last_name]", "Nowak")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD + "x")
    click_and_load(page, page.locator("main form button[type=submit]"))
    assert page.locator(".field.has-error .error").first.inner_text() == t(lang, "The two passwords differ.")
    assert not User.objects.filter(email=f"ewa.{lang}@example.org").exists()
    steps("sign-up error")

    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/konto/")
    assert t(lang, "Welcome! We have sent you a link to confirm your e-mail address.") in page.locator(
        ".messages").inner_text()
    user = User.objects.get(email=f"ewa.{lang}@example.org")
    assert user.language == lang
    steps("account after sign-up")

    link = next(line for line in mail.outbox[-1].body.splitlines() if "/konto/potwierdz/" in line)
    page.goto(link[link.index("/konto/potwierdz/"):])
    assert t(lang, "Your e-mail address is confirmed.") in page.locator(".messages").inner_text()
    user.refresh_from_db()
    assert user.email_verified
    steps("e-mail confirmed")

    log_out(page)
    assert page.locator("header a[href^='/konto/zaloguj/']").count() == 1
    log_in(page, user.email, PASSWORD, lang)
    steps("logged in again")


def test_wrong_password_shows_the_form_again(page, steps, lang):
    user = UserFactory()
    page.goto("/konto/zaloguj/")
    choose_language(page, lang)
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "not-the-password")
    click_and_load(page, page.locator("main form button[type=submit]"))
    expect(page.locator(".form-errors")).to_be_visible()
    assert page.locator("header form[action$='/konto/wyloguj/']").count() == 0
    steps("log-in refused")
