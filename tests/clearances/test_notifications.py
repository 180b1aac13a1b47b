"""Who hears about a clearance changing, and that they get the applicant's reason."""

import pytest

from tests.applications.support import last_notification_id, templates_since
from tests.factories import make_user
from vetting.clearances import services
from vetting.clearances.models import ClearanceState
from vetting.notifications.models import Notification
from vetting.organizations.models import Membership

from .support import clearance_in, expiring_cast


@pytest.fixture
def xcast(db):
    cast = expiring_cast()
    cast.member = make_user()
    Membership.objects.create(user=cast.member, organization=cast.org)
    return cast


@pytest.mark.parametrize(
    ("name", "source", "template"),
    [
        ("suspend", ClearanceState.ACTIVE, "clearance_suspended"),
        ("reinstate", ClearanceState.SUSPENDED, "clearance_reinstated"),
        ("revoke", ClearanceState.SUSPENDED, "clearance_revoked"),
    ],
)
def test_an_officers_change_tells_the_organization_the_reason_meant_for_it(
    xcast, name, source, template
):
    clearance = clearance_in(xcast, source)
    start = last_notification_id()

    getattr(services, f"clearance_{name}")(
        actor=xcast.officer,
        clearance_id=clearance.pk,
        reason="Internal: analyst memo 7.",
        applicant_reason="Contact your account manager.",
    )

    assert templates_since(start) == {template: {xcast.applicant.email, xcast.member.email}}
    context = Notification.objects.filter(pk__gt=start).first().context
    assert (context["serial"], context["reason"], context["url_path"]) == (
        clearance.serial,
        "Contact your account manager.",
        f"/apply/clearances/{clearance.pk}/",
    )
    assert "memo" not in str(context)


def test_expiry_tells_the_organization_to_apply_again(xcast):
    clearance = clearance_in(xcast, ClearanceState.ACTIVE)
    start = last_notification_id()

    services.clearance_expire(clearance_id=clearance.pk)

    assert templates_since(start) == {
        "clearance_expired": {xcast.applicant.email, xcast.member.email}
    }
    context = Notification.objects.filter(pk__gt=start).first().context
    assert "apply again" in context["reason"]
