from django.urls import path

from .api import api
from .views import certificate_download

api_urls = [path("api/v1/", api.urls)]
portal_urls = [
    path(
        "apply/clearances/<int:clearance_id>/certificate/",
        certificate_download,
        name="clearance_certificate",
    ),
]
urlpatterns = api_urls + portal_urls
