"""The apps register their charts, headline figures and datasets with the office (core.office, in
`<app>/office.py`); the office lays them out and never names an app's models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core import office as registry
from core.office import Chart, Dataset
from office import dashboard, imports

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = {"loyalty", "gardens", "contests", "murals"}


def test_the_office_imports_no_module_of_the_apps_only_the_centre_scope():
    offences = []
    for path in sorted((ROOT / "office").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            offences += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in APPS]
    assert offences == []


def test_every_app_registers_its_charts_in_the_dashboards_order():
    keys = [spec.key for spec in registry.charts()]
    shown = ["applications-waiting", "permits-and-fees", "garden-area-per-street", "cards-and-uses-per-month",
             "top-perks", "top-partners", "running-contests", "businesses-per-zone", "businesses-per-category",
             "garden-rates-per-zone"]
    assert [key for key in keys if key in shown] == shown


def test_each_chart_answers_under_its_registered_key(centre):
    built = dashboard.build(centre)
    assert list(built) == [spec.key for spec in registry.charts()]
    assert all(chart.key == key for key, chart in built.items())
    assert list(dashboard.build(centre, only="top-perks")) == ["top-perks"]


def test_headline_figures_come_from_the_apps_in_order(centre):
    with translation.override("en"):
        labels = [str(label) for label, _value in dashboard.headline(centre)]
    assert labels == ["applications wait for review", "days the oldest application has waited",
                      "active Moja Starówka cards", "active businesses"]


def test_every_app_registers_its_datasets():
    assert list(imports.datasets()) == ["businesses", "zones", "rates", "partners", "perks", "permits",
                                        "contest-results", "murals"]
    assert {key for key, spec in imports.datasets().items() if spec.importable} == {
        "businesses", "zones", "rates", "partners", "perks"}


@pytest.fixture
def restored_registry():
    saved = registry.snapshot()
    yield
    registry.restore(saved)


def test_a_chart_and_a_dataset_registered_by_an_app_appear_on_the_office_pages(centre, staff, restored_registry):
    registry.register_chart("plants", lambda c: Chart("plants", "Plants of the centre", ["Plant", "Count"],
                                                      [("Fern", 3)]), position=1)
    registry.register_dataset(Dataset("streets", "Streets of the centre", "centres.resources.ZoneResource",
                                      "centres.street"))
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("office:dashboard")).content.decode()
    assert "Plants of the centre" in page and page.index("Plants of the centre") < page.index("chart-top-perks")
    assert client.get(reverse("office:chart-csv", args=["plants"])).content.decode("utf-8-sig").splitlines() == [
        "Plant;Count", "Fern;3"]
    assert "Streets of the centre" in client.get(reverse("office:imports")).content.decode()
