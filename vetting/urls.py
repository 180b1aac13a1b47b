from django.contrib import admin
from django.urls import include, path

from vetting import health
from vetting.portal import views_landing

admin.site.site_header = "Vetting — review console"
admin.site.site_title = "Vetting"
admin.site.index_title = "Review console"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Passkey ceremonies of the console's sign-in and enrollment (before the admin's
    # catch-all), under the name the django-otp-webauthn template tags reverse.
    path("admin/passkeys/", include(("vetting.console.passkey_views", "otp_webauthn"))),
    path("admin/", admin.site.urls),
    # The gateway API (/api/v1/) and the certificate download under /apply/clearances/.
    path("", include("vetting.api.urls")),
    path("apply/account/notifications/", include("vetting.notifications.urls")),
    path("", include("vetting.screening.urls")),  # /apply/organizations/<id>/domain/
    path("apply/", include("vetting.portal.urls")),
    path("accounts/", include("vetting.portal.account_urls")),
    # The public landing page: who may apply, what to prepare, how long review takes.
    path("", views_landing.landing, name="landing"),
]
