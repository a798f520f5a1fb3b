"""Figures of the office's dashboard, one centre at a time.

The apps register their charts and headline figures with core.office (in `<app>/office.py`); the office only
lays them out. Each chart is one aggregate query, so the page does the same number of queries whatever the data
size. A chart carries its numbers as rows, which the page shows as an inline SVG bar chart, as a table and as a
CSV download.
"""

from __future__ import annotations

from typing import Any

from core import office as registry
from core.office import BAR_MAX, Chart, Label

__all__ = ["BAR_MAX", "Chart", "build", "headline"]


def headline(centre: Any) -> list[tuple[Label, Any]]:
    """The few numbers at the top of the page, in the apps' registered order."""
    return [figure for make in registry.headlines() for figure in make(centre)]


def build(centre: Any, only: str | None = None) -> dict[str, Chart]:
    """Every registered chart of the centre (or just the one named), in their registered order."""
    return {spec.key: spec.make(centre) for spec in registry.charts() if only is None or spec.key == only}
