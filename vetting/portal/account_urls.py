from django.contrib.auth import views as auth_views
from django.urls import path

from . import views_accounts, views_security
from .forms import ChangePasswordForm, LoginForm, NewPasswordForm, OutboxPasswordResetForm

urlpatterns = [
    path("signup/", views_accounts.signup, name="signup"),
    path("signup/sent/", views_accounts.signup_sent, name="signup_sent"),
    path("verify/pending/", views_accounts.verify_pending, name="verify_pending"),
    path("verify/resend/", views_accounts.verify_resend, name="verify_resend"),
    path("verify/<str:token>/", views_accounts.verify, name="verify_email"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
            template_name="accounts/login.html",
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-step/", views_security.two_step, name="two_step"),
    path("security/", views_security.security, name="security"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            form_class=ChangePasswordForm, template_name="accounts/password_change_form.html"
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views_accounts.PasswordResetView.as_view(
            form_class=OutboxPasswordResetForm, template_name="accounts/password_reset_form.html"
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=NewPasswordForm, template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
