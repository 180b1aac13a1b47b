"""Domain exceptions: every message is written for the reviewer or applicant who sees it."""


class DomainError(Exception):
    """A rule of the domain refused the action; ``str(exc)`` is shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(DomainError):
    """The actor's role or relation to the record does not allow this action."""


class InvalidState(DomainError):
    """The record is not in a state where this action is possible."""


class AlreadyDecided(InvalidState):
    """Someone else decided first (two reviewers acting at once)."""


class Incomplete(DomainError):
    """An application cannot be submitted yet; ``missing`` lists what it lacks."""

    def __init__(self, missing: list[tuple[str, str]]):
        self.missing = missing  # (section key, human message) pairs
        super().__init__("The application is incomplete: " + "; ".join(m for _, m in missing))


class CapReached(DomainError):
    """Approving would exceed the gated model's cap on active clearances."""
