"""The password rules under the password fields are formal Polish too: Django's own catalogue says "Twoje hasło",
the portal's catalogue (LOCALE_PATHS, read first) says "Hasło" (issue 14)."""

from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import translation

from tests.portal.test_formal_polish import informal_words


def test_password_rules_are_formal_in_polish():
    with translation.override("pl"):
        texts = [str(t) for t in password_validators_help_texts()]
    assert texts and all(not informal_words(t) for t in texts), texts
    assert any(t.startswith("Hasło") for t in texts)
