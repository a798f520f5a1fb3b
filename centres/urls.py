from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import EmailAuthenticationForm

urlpatterns = [
    path("konto/zaloz/", views.signup, name="signup"),
    path("konto/zaloguj/", auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm,
                                                       redirect_authenticated_user=True), name="login"),
    path("konto/wyloguj/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/haslo/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("konto/haslo/reset/wyslano/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("konto/haslo/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("konto/haslo/reset/gotowe/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("konto/haslo/zmien/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/haslo/zmien/gotowe/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("konto/potwierdz/<str:token>/", views.verify_email, name="verify-email"),
    path("konto/potwierdz-ponownie/", views.resend_verification, name="resend-verification"),
    path("konto/", views.account, name="account"),
    path("konto/moje-dane.json", views.personal_data, name="personal-data"),
    path("konto/usun/", views.delete_account, name="delete-account"),
    path("centrum/", views.choose_centre, name="choose-centre"),
    path("firmy/", views.business_directory, name="business-list"),
    path("firmy/<slug:centre>/<slug:slug>/", views.business_detail, name="business-detail"),
]
