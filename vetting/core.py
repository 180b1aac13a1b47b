"""Small helpers every service uses: locking a row and running an FSM transition."""

from django.db import models
from django_fsm import TransitionNotAllowed

from vetting.errors import InvalidState


def lock(model: type[models.Model], pk) -> models.Model:
    """Load a row with a row lock held until the surrounding transaction ends."""
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist as exc:
        raise InvalidState(f"{model._meta.verbose_name.capitalize()} {pk} does not exist.") from exc


def run_transition(obj, name: str, *args, describe: str | None = None):
    """Call the FSM transition ``name``; a refused transition becomes a readable InvalidState."""
    method = getattr(obj, name)
    try:
        return method(*args)
    except TransitionNotAllowed as exc:
        label = obj.get_state_display() if hasattr(obj, "get_state_display") else obj.state
        action = describe or name.replace("_", " ")
        raise InvalidState(
            f"Cannot {action}: the {obj._meta.verbose_name} is {label.lower()}."
        ) from exc
