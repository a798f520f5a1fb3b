"""The office's pages under /biuro/: dashboard, chart CSVs, imports and exports."""

from django.urls import path

from . import views

app_name = "office"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("wykresy/<slug:key>.csv", views.chart_csv, name="chart-csv"),
    path("import-eksport/", views.imports_page, name="imports"),
    path("import-eksport/<slug:key>.<str:fmt>", views.export, name="export"),
    path("import-eksport/zadanie/<str:job_id>/", views.import_job, name="import-job"),
    path("import-eksport/zadanie/<str:job_id>/stan.json", views.import_status, name="import-status"),
    path("import-eksport/zadanie/<str:job_id>/zatwierdz/", views.import_confirm, name="import-confirm"),
]
