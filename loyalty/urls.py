from django.urls import path

from . import views

app_name = "loyalty"

urlpatterns = [
    path("", views.perk_list, name="perk-list"),
    path("partnerzy/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("karta/wniosek/", views.apply, name="apply"),
    path("karta/", views.my_card, name="my-card"),
    path("karta/regulamin/", views.terms, name="terms"),
    path("karta/ochrona-danych/", views.privacy, name="privacy"),
    path("kasa/", views.till, name="till"),
    path("kasa/sw.js", views.till_service_worker, name="till-sw"),
    path("kasa/manifest.webmanifest", views.till_manifest, name="till-manifest"),
    path("partner/", views.partner_figures, name="partner-figures"),
    path("partner/oferty/", views.partner_perks, name="partner-perks"),
    path("partner/oferty/nowa/", views.perk_create, name="perk-create"),
    path("partner/oferty/<int:pk>/", views.perk_edit, name="perk-edit"),
    path("biuro/", views.office_figures, name="office-figures"),
    path("biuro/<slug:key>.csv", views.office_figures_csv, name="office-figures-csv"),
]
