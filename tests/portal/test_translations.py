"""Every user-facing string has its Polish translation (Polish is the portal's first language).

Strings are extracted the way `makemessages` does it, in pure Python: Django's own `templatize` for templates and
Babel's Python extractor, so no system gettext is needed. Add a missing translation to the app's (or the project's)
`locale/pl/LC_MESSAGES/django.po`.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_python
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
APPS = ["centres", "portal", "loyalty", "gardens", "contests", "murals"]
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


def test_every_string_has_a_polish_translation():
    untranslated = []
    with translation.override("pl"):
        for (msgid, context, plural), where in _all_messages().items():
            if not _translated(msgid, context, plural) and msgid not in SAME_IN_POLISH \
                    and any(ch.isalpha() for ch in msgid):
                untranslated.append(f"{where}: {msgid!r}")
    assert untranslated == [], "\n".join(untranslated)
