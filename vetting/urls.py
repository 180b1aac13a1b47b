from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Vetting — review console"
admin.site.site_title = "Vetting"
admin.site.index_title = "Review console"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The gateway API (/api/v1/) and the certificate download under /apply/clearances/.
    path("", include("vetting.api.urls")),
    path("apply/account/notifications/", include("vetting.notifications.urls")),
    path("", include("vetting.screening.urls")),  # /apply/organizations/<id>/domain/
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
