"""Every user-facing string has its Polish translation (Polish is the portal's first language), and one word has
one translation: Django merges every app's catalogue into one, so the same msgid (in the same context) translated
two ways in two catalogues shows one of them everywhere. Where one English word needs two Polish forms, the code
says so with a context (`pgettext("card status", "active")`, msgctxt in the .po).

Strings are extracted the way `makemessages` does it, in pure Python: Django's own `templatize` for templates and
Babel's Python extractor, so no system gettext is needed. Add a missing translation to the catalogue of the app
whose code or templates hold it (`<app>/locale/pl/LC_MESSAGES/django.po`); `make messages` compiles them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from portal.compile_messages import compile_all

ROOT = Path(settings.BASE_DIR)
APPS = ["core", "centres", "loyalty", "gardens", "contests", "murals", "office", "portal"]
KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "ngettext": (1, 2), "ngettext_lazy": (1, 2),
            "pgettext": ((1, "c"), 2), "pgettext_lazy": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
            "npgettext_lazy": ((1, "c"), 2, 3)}
# Words spelt the same in both languages.
SAME_IN_POLISH = {"Status", "status", "Status: %(s)s", "tel.", "API", "Partner", "partner", "e-mail", "hotel",
                  "juror", "mural", "Portal", "Online", "Import", "NIP", "Moja Starówka"}


def _python_files() -> list[Path]:
    files = [p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


Key = tuple[str, str | None, str | None]  # msgid, context, plural


def _messages(source: str, name: str) -> list[Key]:
    """(msgid, context, plural) of each translatable string in Python source."""
    found = []
    for _lineno, funcname, message, _comments in extract_python(io.BytesIO(source.encode()), KEYWORDS, [], {}):
        parts = [message] if isinstance(message, str) else list(message)
        context = parts.pop(0) if funcname.startswith(("pgettext", "npgettext")) else None
        msgid, plural = parts[0], (parts[1] if len(parts) > 1 else None)
        if msgid:
            found.append((msgid, context, plural))
    return found


def _translated(msgid: str, context: str | None, plural: str | None) -> bool:
    if plural:
        text = translation.npgettext(context, msgid, plural, 5) if context else translation.ngettext(msgid, plural, 5)
        return text != plural
    text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return text != msgid


def _all_messages() -> dict[Key, str]:
    where: dict[Key, str] = {}
    for path in _python_files():
        for key in _messages(path.read_text(encoding="utf-8"), str(path)):
            where.setdefault(key, str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt")):
        for key in _messages(templatize(path.read_text(encoding="utf-8"), origin=str(path)), str(path)):
            where.setdefault(key, str(path.relative_to(ROOT)))
    return where


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """Test the .po files as they are now: compile what changed and drop the catalogues already loaded."""
    compile_all()
    trans_real._translations = {}
    trans_real._default = None
    yield


def catalogue_paths() -> list[Path]:
    paths = [ROOT / app / "locale" / "pl" / "LC_MESSAGES" / "django.po" for app in APPS]
    return [p for p in [*paths, ROOT / "locale" / "pl" / "LC_MESSAGES" / "django.po"] if p.exists()]


def test_every_string_has_a_polish_translation():
    untranslated = []
    with translation.override("pl"):
        for (msgid, context, plural), where in _all_messages().items():
            if not _translated(msgid, context, plural) and msgid not in SAME_IN_POLISH \
                    and any(ch.isalpha() for ch in msgid):
                untranslated.append(f"{where}: {msgid!r}")
    assert untranslated == [], "\n".join(untranslated)


def test_a_msgid_has_one_translation_in_every_catalogue():
    """The same msgid and context translated two ways in two apps' catalogues is a bug (one wins everywhere)."""
    seen: dict[tuple[str | None, str], dict[object, list[str]]] = {}
    for path in catalogue_paths():
        with path.open("rb") as f:
            catalogue = read_po(f, locale="pl")
        for message in catalogue:
            if not message.id or message.fuzzy:
                continue
            text = message.string if isinstance(message.string, str) else tuple(message.string)
            if not (any(text) if isinstance(text, tuple) else text):
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            seen.setdefault((message.context, msgid), {}).setdefault(text, []).append(
                str(path.relative_to(ROOT).parts[0]))
    twice = [f"{msgid!r} (context {context!r}): {forms}" for (context, msgid), forms in seen.items()
             if len(forms) > 1]
    assert twice == [], "\n".join(twice)


def test_no_hand_kept_dictionary_of_translations_is_left():
    """The .po files are the one source of the Polish words (the old Python dictionaries drifted from them)."""
    left = sorted(str(p.relative_to(ROOT)) for p in [*ROOT.glob("*/locale/translations_pl.py"),
                                                      ROOT / "tools" / "translations_pl.py", ROOT / "tools" / "fill_po.py"]
                  if p.exists())
    assert left == []
