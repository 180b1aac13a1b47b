from django.urls import path

from . import views_apply, views_clearance, views_org, views_status

app_name = "portal"

urlpatterns = [
    path("", views_status.dashboard, name="dashboard"),
    path("organizations/new/", views_org.organization_create, name="organization_create"),
    path("organizations/switch/", views_org.organization_switch, name="organization_switch"),
    path("organizations/<int:org_id>/", views_org.organization_edit, name="organization_edit"),
    path("organizations/<int:org_id>/members/", views_org.members, name="members"),
    path(
        "organizations/<int:org_id>/two-step/",
        views_org.organization_mfa,
        name="organization_mfa",
    ),
    path(
        "organizations/<int:org_id>/members/<int:membership_id>/role/",
        views_org.member_role,
        name="member_role",
    ),
    path(
        "organizations/<int:org_id>/members/<int:membership_id>/remove/",
        views_org.member_remove,
        name="member_remove",
    ),
    path(
        "organizations/<int:org_id>/invitations/<int:invitation_id>/revoke/",
        views_org.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views_org.invitation, name="invitation"),
    path("applications/new/", views_apply.application_new, name="application_new"),
    path("applications/<int:pk>/", views_status.application_detail, name="application"),
    path("applications/<int:pk>/resume/", views_apply.resume, name="resume"),
    path("applications/<int:pk>/steps/<slug:key>/", views_apply.step, name="step"),
    path(
        "applications/<int:pk>/evidence/<int:evidence_id>/remove/",
        views_apply.evidence_delete,
        name="evidence_remove",
    ),
    path("applications/<int:pk>/personnel/new/", views_apply.person, name="person_new"),
    path(
        "applications/<int:pk>/personnel/<int:person_id>/", views_apply.person, name="person_edit"
    ),
    path(
        "applications/<int:pk>/personnel/<int:person_id>/remove/",
        views_apply.person_remove,
        name="person_remove",
    ),
    path("applications/<int:pk>/submit/", views_apply.submit, name="submit"),
    path("applications/<int:pk>/delete/", views_apply.delete_draft, name="draft_delete"),
    path("applications/<int:pk>/respond/", views_status.respond, name="respond"),
    path("applications/<int:pk>/withdraw/", views_status.withdraw, name="withdraw"),
    path("clearances/", views_status.clearances, name="clearances"),
    path("clearances/<int:clearance_id>/", views_clearance.clearance_detail, name="clearance"),
    path(
        "clearances/<int:clearance_id>/printable/",
        views_clearance.clearance_printable,
        name="clearance_printable",
    ),
    path("evidence/<int:evidence_id>/", views_status.evidence_download, name="evidence_download"),
]
