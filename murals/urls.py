from django.urls import path

from . import views

app_name = "murals"

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("szlak/", views.trail, name="trail"),
    path("<int:pk>/", views.mural_detail, name="mural-detail"),
    path("sciany/<int:pk>/", views.wall_detail, name="wall-detail"),
    path("sciany/<int:pk>/projekt/", views.submit_design, name="submit-design"),
]
