"""Bilingual content: models keep explicit pairs (`title_pl`, `title_en`) of what office staff type in."""

from __future__ import annotations

from django.utils.translation import get_language


def bilingual(obj: object, name: str) -> str:
    """The text of the active language, falling back to the other one when it is empty (Polish comes first)."""
    polish, english = getattr(obj, f"{name}_pl", "") or "", getattr(obj, f"{name}_en", "") or ""
    if (get_language() or "pl").startswith("en"):
        return english or polish
    return polish or english
