from django.urls import path

from . import views

app_name = "gardens"

urlpatterns = [
    path("", views.register, name="register"),
    path("oplata/", views.fee_quote, name="fee-quote"),
    path("wnioski/", views.application_list, name="application-list"),
    path("wnioski/nowy/", views.apply, name="apply"),
    path("wnioski/<int:pk>/", views.application_detail, name="application-detail"),
    path("wnioski/<int:pk>/edycja/", views.application_edit, name="application-edit"),
    path("wnioski/<int:pk>/deklaracje/", views.application_declarations, name="application-declarations"),
    path("wnioski/<int:pk>/zalaczniki/", views.attachment_upload, name="attachment-upload"),
    path("wnioski/<int:pk>/zalaczniki/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("wnioski/<int:pk>/zalaczniki/<int:attachment_id>/usun/", views.attachment_delete,
         name="attachment-delete"),
    path("wnioski/<int:pk>/sprawdz/", views.application_check, name="application-check"),
    path("wnioski/<int:pk>/status/", views.application_move, name="application-move"),
    path("wnioski/<int:pk>/zezwolenie.pdf", views.permit_pdf, name="permit-pdf"),
    path("sprawdz/<uuid:token>/", views.verify, name="verify"),
]
