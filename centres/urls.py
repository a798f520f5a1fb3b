from django.contrib.auth import views as auth_views
from django.urls import path

from . import auth_views as guarded
from . import views

urlpatterns = [
    path("konto/zaloz/", views.signup, name="signup"),
    path("konto/zaloguj/", guarded.LoginView.as_view(), name="login"),
    path("konto/wyloguj/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/haslo/reset/", guarded.PasswordResetView.as_view(), name="password_reset"),
    path("konto/haslo/reset/wyslano/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("konto/haslo/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("konto/haslo/reset/gotowe/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("konto/haslo/zmien/", guarded.PasswordChangeView.as_view(), name="password_change"),
    path("konto/haslo/zmien/gotowe/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("konto/potwierdz/<str:token>/", views.verify_email, name="verify-email"),
    path("konto/potwierdz-ponownie/", views.resend_verification, name="resend-verification"),
    path("konto/", views.account, name="account"),
    path("konto/sesje/<int:pk>/zakoncz/", views.end_session, name="end-session"),
    path("konto/tokeny/zakoncz/", views.end_tokens, name="end-tokens"),
    path("konto/moje-dane.json", views.personal_data, name="personal-data"),
    path("konto/usun/", views.delete_account, name="delete-account"),
    path("centrum/", views.choose_centre, name="choose-centre"),
    path("firmy/", views.business_directory, name="business-list"),
    path("firmy/<slug:centre>/<slug:slug>/", views.business_detail, name="business-detail"),
]
