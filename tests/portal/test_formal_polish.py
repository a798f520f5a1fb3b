"""The portal speaks to people formally or impersonally in Polish (Pan/Pani forms, "można", "prosimy"), never with
"ty": no "Twój/Twoja/Twoje", "Ciebie/Cię/Ci", and no second-person-singular verbs ("możesz", "masz", "dostaniesz",
"głosowałeś(-aś)", "jesteś"). Imperatives on buttons and in short instructions ("Zapisz", "Wpisz numer") are the
portal's plain verbs and stay (docs/CONVENTIONS.md, issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/pl/LC_MESSAGES/django.po")) + [ROOT / "locale/pl/LC_MESSAGES/django.po"]

PRONOUNS = re.compile(r"\b(ty|ciebie|cię|tobie|tobą|twój|twoja|twoje|twojego|twojej|twojemu|twoim|twoich|twoją|"
                      r"twoimi)\b", re.IGNORECASE)
DATIVE_CI = re.compile(r"\bCi\b")  # "wyślemy Ci" (lower-case "ci" is also "these": "ci mieszkańcy")
# Second person singular: present/future "-esz/-isz/-ysz/-asz" ("możesz", "dostaniesz"), past "-łeś/-łaś",
# "jesteś", and the "(-aś)" of "zgłosiłeś(-aś)".
VERBS = re.compile(r"\b[a-ząćęłńóśźż]+(?:esz|isz|ysz|asz|łeś|łaś)\b|\bjesteś\b|\(-aś\)", re.IGNORECASE)
# Imperatives and nouns that end the same way.
NOT_VERBS = {"zapisz", "wpisz", "napisz", "opisz", "przepisz", "podpisz", "wypisz", "dopisz", "wiersz", "nasz",
             "grosz", "kosz", "arkusz", "afisz", "kapelusz", "mysz", "tusz", "kalosz", "nieopodal", "zawieś"}


def informal_words(text: str) -> list[str]:
    return (PRONOUNS.findall(text) + DATIVE_CI.findall(text)
            + [w for w in VERBS.findall(text) if w.lower() not in NOT_VERBS])


@pytest.mark.parametrize("text, words", [
    ("Nie pamiętasz hasła?", ["pamiętasz"]), ("Twoja karta jest aktywna.", ["Twoja"]),
    ("Możesz się teraz zalogować.", ["Możesz"]), ("Już głosowałeś(-aś).", ["głosowałeś", "(-aś)"]),
    ("Wyślemy Ci e-mail.", ["Ci"]), ("Jeśli to nie Ty, zignoruj.", ["Ty"]),
    ("Zapisz", []), ("Wpisz numer karty.", []), ("Nie pamiętają Państwo hasła?", []), ("Można się zalogować.", []),
])
def test_the_check_tells_informal_from_formal_polish(text, words):
    assert informal_words(text) == words


def test_no_catalogue_speaks_to_people_with_ty():
    found = []
    for path in CATALOGUES:
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            if not message.id:
                continue
            texts = message.string if isinstance(message.string, tuple | list) else (message.string,)
            for text in texts:
                words = informal_words(text or "")
                if words:
                    msgid = message.id if isinstance(message.id, str) else message.id[0]
                    found.append(f"{path.relative_to(ROOT)}: {msgid!r} → {text!r} ({', '.join(words)})")
    assert found == [], "\n".join(found)
