"""What the apps offer the office: dashboard charts, headline figures and import/export datasets.

The office app (office/) sits above every app and never names their models; instead each app declares its
contributions in `<app>/office.py`, which office's AppConfig.ready() imports (autodiscover_modules("office")):

    register_chart("top-perks", top_perks, position=50)        # top_perks(centre) -> Chart
    register_headline(headline, position=30)                   # headline(centre) -> [(label, value), ...]
    register_dataset(Dataset("perks", _("Moja Starówka perks"), "loyalty.resources.PerkResource",
                             "loyalty.perk", importable=True))

Charts and headline figures are shown in the order of `position`; datasets in the order of registration (the
order of INSTALLED_APPS). Each chart function does one aggregate query, so the dashboard does a fixed number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string

from core import formats

BAR_MAX = 280  # of the chart's 640 units: 230 for the label, the rest for the value after the bar

Label = str | Promise


# --- Dashboard charts ---------------------------------------------------------------------------------

@dataclass
class Chart:
    """A titled table of figures; `value_index` is the column drawn as bars."""

    key: str
    title: Label
    columns: list[Label]
    rows: list[tuple]
    value_index: int = 1
    description: Label = ""
    unit: Label = ""
    label_columns: int = 1  # how many leading columns name a bar ("partner · perk" when one alone repeats)

    def csv_rows(self, *, for_people: bool = True) -> list[list[str]]:
        """The rows for a CSV: for people in the language's formats ("12 240,00 zł", "01.05.2027", "Tak"); for
        machines (`for_people=False`) plain decimals and ISO dates."""
        if not for_people:
            return [["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)) for v in row]
                    for row in self.rows]
        money = str(self.unit) in ("PLN", "zł")
        return [[formats.label(v) if i < self.label_columns
                 else formats.cell(v, "money" if money and i == self.value_index else "") for i, v in enumerate(row)]
                for row in self.rows]

    @property
    def bars(self) -> list[dict]:
        """Each row's label, drawn value, and bar length: `percent` of the track (100 for the largest value; the
        dashboard's HTML bars) and `width` in units of BAR_MAX."""
        values = [_number(row[self.value_index]) for row in self.rows]
        top = max(values, default=0) or 1
        return [{"label": " · ".join(formats.label(v) for v in row[:self.label_columns]), "value": row[self.value_index],
                 "width": round(BAR_MAX * v / top), "percent": round(100 * v / top, 1) if v > 0 else 0,
                 "y": 8 + i * 28} for i, (row, v) in enumerate(zip(self.rows, values, strict=True))]

    @property
    def height(self) -> int:
        return 16 + 28 * max(len(self.rows), 1)


def _number(value: Any) -> float:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return float(value)
    return 0.0


def two_places(value: Any) -> Decimal | None:
    """Sums of money and area to the grosz and the cm² (SQLite's SUM of decimals comes back as a float)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


ChartMaker = Callable[[Any], Chart]  # (centre) -> Chart
HeadlineMaker = Callable[[Any], list[tuple[Label, Any]]]  # (centre) -> [(label, value), ...]


@dataclass(frozen=True)
class ChartSpec:
    key: str
    make: ChartMaker
    position: int


_charts: dict[str, ChartSpec] = {}
_headlines: list[tuple[int, HeadlineMaker]] = []


def register_chart(key: str, make: ChartMaker, *, position: int = 100) -> None:
    """Offer a dashboard chart; `make(centre)` returns a Chart whose key is `key`. Registering a key again
    replaces it (a module imported twice registers nothing twice)."""
    _charts[key] = ChartSpec(key, make, position)


def register_headline(make: HeadlineMaker, *, position: int = 100) -> None:
    """Offer headline figures for the top of the dashboard: `make(centre)` returns (label, value) pairs."""
    if all(existing is not make for _position, existing in _headlines):
        _headlines.append((position, make))


def charts() -> list[ChartSpec]:
    return sorted(_charts.values(), key=lambda spec: (spec.position, spec.key))


def headlines() -> list[HeadlineMaker]:
    return [make for _position, make in sorted(_headlines, key=lambda item: item[0])]


# --- Import and export datasets -----------------------------------------------------------------------

@dataclass(frozen=True)
class Dataset:
    """A spreadsheet the office may export (and import, if `importable`), read and written by a Resource of
    core.resources.CentreResource; `model` (app_label.model_name) decides who may."""

    key: str
    label: Label
    resource: str  # dotted path of the Resource class
    model: str
    importable: bool = False

    def resource_class(self) -> type:
        return import_string(self.resource)

    def may_export(self, user: Any) -> bool:
        app, model = self.model.split(".")
        return user.has_perm(f"{app}.view_{model}")

    def may_import(self, user: Any) -> bool:
        app, model = self.model.split(".")
        return self.importable and user.has_perm(f"{app}.add_{model}") and user.has_perm(f"{app}.change_{model}")


_datasets: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> None:
    _datasets[dataset.key] = dataset


def datasets() -> dict[str, Dataset]:
    """Every registered dataset by key, in the order of registration."""
    return dict(_datasets)


@dataclass
class _Registry:
    """For tests: what was registered, to restore after a test that registers its own."""

    charts: dict[str, ChartSpec] = field(default_factory=dict)
    headlines: list[tuple[int, HeadlineMaker]] = field(default_factory=list)
    datasets: dict[str, Dataset] = field(default_factory=dict)


def snapshot() -> _Registry:
    return _Registry(dict(_charts), list(_headlines), dict(_datasets))


def restore(saved: _Registry) -> None:
    _charts.clear()
    _charts.update(saved.charts)
    _headlines[:] = saved.headlines
    _datasets.clear()
    _datasets.update(saved.datasets)
