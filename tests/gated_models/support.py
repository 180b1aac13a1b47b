"""Restoring a model now takes two people; tests that need a restored model use this."""

from tests.factories import make_user
from vetting.accounts.roles import Role
from vetting.gated_models.models import PolicyChange
from vetting.gated_models.policy import policy_change_approve
from vetting.gated_models.services import gated_model_restore


def restore_now(*, proposer, gated_model_id: int, approver=None, **kwargs) -> PolicyChange:
    """``proposer`` proposes the restoration (``gated_model_restore``'s arguments) and a
    government official (``approver``, or a new one) approves it at once."""
    change = gated_model_restore(actor=proposer, gated_model_id=gated_model_id, **kwargs)
    approver = approver or make_user(role=Role.GOVERNMENT_OFFICIAL)
    return policy_change_approve(actor=approver, change_id=change.pk)
