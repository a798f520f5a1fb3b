from django.urls import path

from . import views

app_name = "contests"

urlpatterns = [
    path("", views.contest_list, name="contest-list"),
    path("moje/", views.my_contests, name="my-contests"),
    path("<int:pk>/", views.contest_detail, name="contest-detail"),
    path("<int:pk>/zgloszenie/", views.submit, name="submit"),
    path("<int:pk>/glosuj/", views.vote, name="vote"),
    path("<int:pk>/wyniki/", views.results, name="results"),
    path("<int:pk>/wyniki/dane.csv", views.results_csv, name="results-csv"),
    path("<int:pk>/wyniki/dane.json", views.results_json, name="results-json"),
    path("<int:pk>/jury/", views.jury, name="jury"),
]
