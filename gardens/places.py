"""One place, one key: a garden's address normalised to a street of the zone's list and a building number.

"ul. Szeroka 10", "Szeroka 10", "SZEROKA 10 " and the street chosen from the list with "10" are one place,
key "<street id>:10". The free text is only read to find the street (when it names one of the zone's streets)
and the building number; the street itself always comes from the list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PREFIXES = ("ulica", "ul", "aleja", "aleje", "al", "plac", "pl", "os", "osiedle")  # "Rynek …" is a name
NUMBER = re.compile(r"(?<![\w])(\d{1,4}\s?[a-zA-Z]?(?:\s?[/-]\s?\d{1,4}\s?[a-zA-Z]?)?)(?![\w])")


def _fold(text: str) -> str:
    """Lower case, without diacritics, dots or repeated spaces: for comparing names only."""
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[.,;]", " ", text).split())


def _without_prefix(folded: str) -> str:
    words = folded.split()
    while words and words[0] in PREFIXES:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Place:
    street: object | None  # centres.models.Street
    number: str

    @property
    def key(self) -> str:
        return f"{self.street.pk}:{self.number}" if self.street is not None and self.number else ""


def normalise_number(text: str) -> str:
    """'10 a' → '10A', '10/ 2' → '10/2'."""
    return re.sub(r"\s+", "", text).replace("-", "/").upper()


def find_place(*, address: str, streets: Iterable, chosen=None, number: str = "") -> Place:
    """The street (from `streets`, the zone's list) and building number an address means.

    A street named in the text wins over none chosen; the chosen street wins when the text names none of the
    list. The number is `number` when given, else the first house number after the street's name in the text.
    """
    folded = _fold(address or "")
    candidates = sorted(streets, key=lambda s: -len(s.name))
    street, rest = chosen, folded
    bare = _without_prefix(folded)
    for candidate in candidates:
        name = _fold(candidate.name)
        for text in (folded, bare):
            if text == name or text.startswith(name + " "):
                street, rest = candidate, text[len(name):]
                break
        else:
            continue
        break
    building = normalise_number(number) if number.strip() else ""
    if not building:
        match = NUMBER.search(rest)
        building = normalise_number(match.group(1)) if match else ""
    return Place(street=street, number=building)
