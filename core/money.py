"""Money is PLN in Decimal, rounded half up to the grosz once, at the end of a computation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to 0.01 PLN, half up (as Polish fee resolutions and invoices do)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
