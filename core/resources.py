"""Import/export building blocks for <app>/resources.py: a resource bound to one centre and its widgets.

The office app (office/imports.py) runs the import jobs; apps only describe their columns with these.
"""

from __future__ import annotations

from collections.abc import Callable

import tablib
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets

from . import formats
from .csv import FORMULA_STARTS, safe_cell

PROGRESS_EVERY = 25  # rows between two progress reports of a long import


class CentreResource(resources.ModelResource):
    """A resource bound to one centre: it exports and updates only that centre's rows and files new ones there.

    `centre_path` is the lookup from the model to its centre. A subclass sets `required_columns`; a file that
    lacks one is refused as a whole before any row is read.
    """

    centre_path: str = "centre"
    required_columns: tuple[str, ...] = ()

    def __init__(self, *, centre, progress: Callable[[int, int], None] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.centre = centre
        self.progress = progress
        self._total = 0
        for field in self.fields.values():
            if isinstance(field.widget, CentreLookupWidget):
                field.widget.centre = centre

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(**{self.centre_path: self.centre})

    def export(self, *args, **kwargs) -> tablib.Dataset:
        """Every text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is neutralised, in
        CSV and XLSX alike (openpyxl writes a text starting with "=" as a formula)."""
        return neutralised(super().export(*args, **kwargs))

    def export_for_people(self, queryset: QuerySet | None = None) -> tablib.Dataset:
        """The export for reading, not for importing: column headers are the fields' names in the active language
        (Polish on a Polish page), choices their labels ("kawiarnia", not "cafe"), yes/no as "Tak"/"Nie", money,
        numbers and dates in the language's formats ("12 240,00 zł", "01.05.2027"), in CSV and XLSX alike. The
        plain export keeps the column keys, codes and ISO dates, for machines and for a round trip through the
        import."""
        data = self.export(queryset=queryset) if queryset is not None else self.export()
        model = self._meta.model
        by_column = {(field.column_name or name): field for name, field in self.fields.items()}
        headers, converters = [], []
        for column in data.headers:
            field = by_column.get(column)
            attribute = getattr(field, "attribute", None) or column
            model_field = _model_field(model, attribute)
            if model_field is None:  # a computed column: its own name, its values as they are
                headers.append(column)
                converters.append(None)
                continue
            label = str(model_field.verbose_name)
            headers.append(label[:1].upper() + label[1:])
            converters.append(_people_converter(model_field))
        rows = [[convert(v) if convert else v for convert, v in zip(converters, row, strict=True)] for row in data]
        return neutralised(tablib.Dataset(*rows, headers=headers))

    def before_import(self, dataset: tablib.Dataset, **kwargs) -> None:
        headers = [str(h).strip() for h in (dataset.headers or [])]
        dataset.headers = headers
        missing = [c for c in self.required_columns if c not in headers]
        if missing:
            raise ValidationError(_("Missing columns: %(columns)s. The first row must name the columns.")
                                  % {"columns": ", ".join(missing)})
        self._total = len(dataset)

    def after_import_row(self, row, row_result, **kwargs) -> None:
        number = kwargs.get("row_number", 0)
        if self.progress and (number % PROGRESS_EVERY == 0 or number == self._total):
            self.progress(number, self._total)

    def import_instance(self, instance: Model, row, **kwargs) -> None:
        """Every new row belongs to the staff's centre, whatever the file says."""
        if self.centre_path == "centre":
            instance.centre = self.centre
        super().import_instance(instance, row, **kwargs)


def _model_field(model: type[Model], attribute: str):
    """The model field an export column reads (`business__name` follows the relation), or None."""
    field = None
    for part in attribute.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


MONEY_WORDS = ("pln", "fee", "price", "amount")


def _people_converter(field) -> Callable | None:
    """How a cell of this model field reads for people (core.formats.cell's kinds); None: as exported."""
    if field.choices:
        labels = {str(code): str(text) for code, text in field.choices}
        return lambda value: labels.get(str(value), value)
    if isinstance(field, models.BooleanField):
        kind = "bool"
    elif isinstance(field, models.DateTimeField):
        kind = "datetime"
    elif isinstance(field, models.DateField):
        kind = "date"
    elif isinstance(field, models.DecimalField):
        words = f"{field.name} {field.verbose_name}".lower()
        if "percent" in words or "%" in words:
            kind = "percent"
        elif any(word in words for word in MONEY_WORDS) or "zł" in words:
            kind = "money"
        else:
            kind = "number"
        places = field.decimal_places
        return lambda value: formats.cell(value, kind, places=places)
    else:
        return None
    return lambda value: formats.cell(value, kind)


class CentreLookupWidget(widgets.ForeignKeyWidget):
    """A foreign key named in the file by a natural field (a street's name, a zone's slug), within the centre.

    An unknown name is a clear error on its field instead of a crash.
    """

    def __init__(self, model: type[Model], field: str, centre_path: str = "centre",
                 related: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(model, field=field, **kwargs)
        self.centre_path = centre_path
        self.related = related
        self.centre = None
        self._found: dict[str, Model] = {}  # a file names the same street on many rows: look it up once

    def get_queryset(self, value, row, *args, **kwargs) -> QuerySet:
        return self.model._default_manager.filter(**{self.centre_path: self.centre}).select_related(*self.related)

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if text.lower() in self._found:
            return self._found[text.lower()]
        try:
            obj = self.get_queryset(text, row).get(**{f"{self.field}__iexact": text})
        except self.model.DoesNotExist:
            raise ValueError(_("“%(value)s” is not a %(model)s of this centre.")
                             % {"value": text, "model": self.model._meta.verbose_name}) from None
        self._found[text.lower()] = obj
        return obj


class ChoiceWidget(widgets.CharWidget):
    """A choice given by its code or by its label in Polish or English; anything else names the allowed codes."""

    def __init__(self, choices, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self._names: dict[str, str] | None = None

    def names(self) -> dict[str, str]:
        """Every accepted spelling (lower case) to its code; built once, on first use."""
        if self._names is None:
            names = {}
            for code, label in self.choices:
                names[code.lower()] = code
                for lang in ("pl", "en"):
                    with translation.override(lang):
                        names.setdefault(str(label).lower(), code)
            self._names = names
        return self._names

    def clean(self, value, row=None, **kwargs) -> str:
        text = str(value or "").strip()
        if not text:
            return ""
        if text.lower() in self.names():
            return self.names()[text.lower()]
        raise ValueError(_("“%(value)s” is not one of: %(codes)s.")
                         % {"value": text, "codes": ", ".join(code for code, _label in self.choices)})

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class TrimmedCharWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        text = "" if value is None else str(value).strip()
        # An exported "'+48 600…" (neutralised on export) imports back as "+48 600…".
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]
        return text


def neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    """The same dataset with formula-looking text cells made inert (core.csv.safe_cell)."""
    clean = tablib.Dataset(headers=[safe_cell(str(h)) for h in dataset.headers or []], title=dataset.title)
    for row in dataset:
        clean.append([safe_cell(cell) for cell in row])
    return clean
