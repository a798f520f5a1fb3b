"""Fill empty msgstr entries of a .po file from a Python dict of translations: tools/fill_po.py PO DICT_MODULE.

Used to keep hand-written Polish translations in one readable table (tools/translations_pl.py).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(po_path: str, table_path: str) -> int:
    spec = importlib.util.spec_from_file_location("table", table_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table: dict[str, str] = module.PL
    with open(po_path, "rb") as f:
        catalog = read_po(f, locale="pl")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            value = table[key]
            message.string = value if isinstance(message.id, str) else tuple(value)
            message.flags.discard("fuzzy")
        elif not message.string or (isinstance(message.string, tuple) and not any(message.string)):
            missing.append(key)
    catalog.header_comment = "# Polish translation of the city-centre portal."
    with open(po_path, "wb") as f:
        write_po(f, catalog, width=120)
    for key in missing:
        print(f"missing: {key!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]) if Path(sys.argv[1]).exists() else 2)
