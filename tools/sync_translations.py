"""After `makemessages`, fill every Polish catalogue's empty entries: `python tools/sync_translations.py`.

Run `DEBUG=1 python manage.py makemessages -l pl --ignore=.venv --ignore=tests --ignore=bench` first. A string
that moved between catalogues (makemessages marks it obsolete in the old one) keeps its translation; new strings
are taken from tools/translations_pl.py. What is still missing is listed; tests/portal/test_translations.py fails
until it is translated.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _has_text(message) -> bool:
    text = message.string if isinstance(message.string, str) else any(message.string)
    return bool(message.id) and bool(text) and not message.fuzzy


def main() -> int:
    spec = importlib.util.spec_from_file_location("table", ROOT / "tools" / "translations_pl.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    known: dict[str, object] = dict(table.PL)
    paths = sorted(p for p in ROOT.glob("*/locale/pl/LC_MESSAGES/django.po") if ".venv" not in p.parts)
    paths.append(ROOT / "locale" / "pl" / "LC_MESSAGES" / "django.po")
    catalogs = {}
    for path in paths:
        with path.open("rb") as f:
            catalogs[path] = read_po(f, locale="pl")
        for message in [*catalogs[path], *catalogs[path].obsolete.values()]:
            if _has_text(message):
                known.setdefault(_key(message), message.string)
    missing = []
    for path, catalog in catalogs.items():
        for message in catalog:
            if not message.id or _has_text(message):
                continue
            found = known.get(_key(message))
            if found is not None and isinstance(found, str) == isinstance(message.id, str):
                message.string = found
                message.flags.discard("fuzzy")
            else:
                missing.append(f"{path.relative_to(ROOT)}: {_key(message)!r}")
        with path.open("wb") as f:
            write_po(f, catalog, width=120, ignore_obsolete=True)
    print("\n".join(missing) or "every entry is translated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
