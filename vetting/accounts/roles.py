"""Reviewer roles are Django groups; this module names them and answers "may X act as R?"."""

from enum import StrEnum


class Role(StrEnum):
    EXPORT_CONTROL_REVIEWER = "Export-control reviewer"
    SECTOR_REVIEWER = "Sector reviewer"
    GOVERNMENT_OFFICIAL = "Government official"
    CLEARANCE_OFFICER = "Clearance officer"
    AUDITOR = "Auditor"


def has_role(user, role: Role) -> bool:
    """Membership of the role's group, and nothing else: superusers get no implicit
    review powers, so separation of duties and government-only sign-off hold for them too."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_vetting_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._vetting_roles = cache
    return role.value in cache


def users_with_role(role: Role):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=role.value, is_active=True)
