"""Who hears about an application's events, and what they may be told.

Context holds only what an email may show: never citizenship data, never the
internal rationale, never a reviewer's identity.
"""

from vetting.accounts.roles import Role, users_with_role
from vetting.gated_models.models import ReviewStep
from vetting.notifications.services import notification_enqueue

STEP_ROLE = {
    ReviewStep.EXPORT_CONTROL: Role.EXPORT_CONTROL_REVIEWER,
    ReviewStep.SECTOR: Role.SECTOR_REVIEWER,
    ReviewStep.GOVERNMENT: Role.GOVERNMENT_OFFICIAL,
}


def applicant_context(application, **extra) -> dict:
    return {
        "application_id": application.pk,
        "application_number": application.number,
        "organization": application.organization.legal_name,
        "gated_model": application.gated_model.name,
        "state": application.state,
        "state_label": application.get_state_display(),
        "url_path": f"/apply/applications/{application.pk}/",
        **extra,
    }


def notify_applicant(application, template_key: str, event, **extra) -> None:
    members = application.organization.members.filter(is_active=True)
    notification_enqueue(
        template_key=template_key,
        recipients=members,
        context=applicant_context(application, **extra),
        event_key=f"audit{event.pk}",
    )


def notify_step_reviewers(application, step: str, event) -> None:
    """Tell the reviewers of ``step`` that an application waits for them."""
    reviewers = users_with_role(STEP_ROLE[ReviewStep(step)]).exclude(
        organizations=application.organization
    )
    notification_enqueue(
        template_key="review_waiting",
        recipients=reviewers,
        context={
            "application_id": application.pk,
            "application_number": application.number,
            "organization": application.organization.legal_name,
            "gated_model": application.gated_model.name,
            "step": step,
            "step_label": ReviewStep(step).label,
            "url_path": f"/admin/applications/application/{application.pk}/change/",
        },
        event_key=f"audit{event.pk}",
    )
