from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path(
        "apply/organizations/<int:organization_id>/domain/",
        views.domain_verification,
        name="domain",
    ),
]
