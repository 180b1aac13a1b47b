from .models import Membership


def membership_of(user, organization_id) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organization_id=organization_id).first()


def is_member(user, organization_id) -> bool:
    return membership_of(user, organization_id) is not None


def is_admin(user, organization_id) -> bool:
    membership = membership_of(user, organization_id)
    return membership is not None and membership.role == Membership.Role.ADMIN
