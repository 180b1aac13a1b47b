from django.conf import settings
from django.db import models
from django_fsm import RETURN_VALUE, FSMField, transition

from vetting.gated_models.models import GatedModel, ReviewStep
from vetting.organizations.models import Organization, Sector

from .personnel import PersonnelDeclaration  # noqa: F401  (model lives in its own module)


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    EXPORT_CONTROL_REVIEW = "export_control_review", "Export-control review"
    SECTOR_REVIEW = "sector_review", "Sector review"
    GOVERNMENT_REVIEW = "government_review", "Government review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


REVIEW_STATE = {
    ReviewStep.EXPORT_CONTROL: State.EXPORT_CONTROL_REVIEW,
    ReviewStep.SECTOR: State.SECTOR_REVIEW,
    ReviewStep.GOVERNMENT: State.GOVERNMENT_REVIEW,
}
STEP_OF_STATE = {state: step for step, state in REVIEW_STATE.items()}
REVIEW_STATES = list(REVIEW_STATE.values())
TERMINAL_STATES = [State.APPROVED, State.REJECTED, State.WITHDRAWN]
OPEN_STATES = [s for s in State if s not in TERMINAL_STATES]


class Application(models.Model):
    """An organization's request to use one gated model.

    The ``@transition`` methods only move the state; services in
    ``vetting.applications.services`` and ``.review`` own every change.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications"
    )
    gated_model = models.ForeignKey(
        GatedModel, on_delete=models.PROTECT, related_name="applications"
    )
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The critical-infrastructure sector the organization claims.",
    )
    use_case = models.TextField(blank=True)
    systems_in_scope = models.TextField(
        blank=True, help_text="The systems the organization will test or defend with the model."
    )
    requested_seats = models.PositiveIntegerField(null=True, blank=True)
    terms_accepted = models.BooleanField(default=False)
    tcp_acknowledged = models.BooleanField("technology control plan acknowledged", default=False)
    attested_by_name = models.CharField("officer's name", max_length=200, blank=True)
    attested_by_title = models.CharField("officer's title", max_length=200, blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attested_at = models.DateTimeField(null=True, blank=True)

    state = FSMField(max_length=30, choices=State.choices, default=State.DRAFT, db_index=True)
    information_requested_step = models.CharField(
        max_length=20,
        choices=ReviewStep.choices,
        blank=True,
        help_text="The review step that asked for information and gets the answer back.",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The gated model's policy version in force at the application's latest decision.
    policy_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "state_changed_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.organization} → {self.gated_model}"

    @property
    def number(self) -> str:
        return f"APP-{self.pk:06d}" if self.pk else "APP-new"

    @property
    def current_step(self) -> str | None:
        return STEP_OF_STATE.get(self.state)

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    # --- transitions: state moves only ---------------------------------------
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=RETURN_VALUE(*REVIEW_STATES))
    def start_review(self, next_state):
        return next_state

    @transition(
        field=state,
        source=State.EXPORT_CONTROL_REVIEW,
        target=RETURN_VALUE(State.SECTOR_REVIEW, State.GOVERNMENT_REVIEW, State.APPROVED),
    )
    def pass_export_control(self, next_state):
        return next_state

    @transition(
        field=state,
        source=State.SECTOR_REVIEW,
        target=RETURN_VALUE(State.GOVERNMENT_REVIEW, State.APPROVED),
    )
    def pass_sector(self, next_state):
        return next_state

    @transition(field=state, source=State.GOVERNMENT_REVIEW, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=REVIEW_STATES, target=State.INFORMATION_REQUESTED)
    def request_information(self, step):
        self.information_requested_step = step

    @transition(
        field=state, source=State.INFORMATION_REQUESTED, target=RETURN_VALUE(*REVIEW_STATES)
    )
    def respond(self):
        next_state = REVIEW_STATE[ReviewStep(self.information_requested_step)]
        self.information_requested_step = ""
        return next_state

    @transition(
        field=state,
        source=[State.EXPORT_CONTROL_REVIEW, State.SECTOR_REVIEW],
        target=State.REJECTED,
    )
    def reject(self):
        pass

    @transition(field=state, source=State.GOVERNMENT_REVIEW, target=State.REJECTED)
    def deny(self):
        pass

    @transition(field=state, source=OPEN_STATES, target=State.WITHDRAWN)
    def withdraw(self):
        pass


class ReviewDecision(models.Model):
    class Outcome(models.TextChoices):
        PASSED = "passed", "Passed"
        APPROVED = "approved", "Approved"
        INFORMATION_REQUESTED = "information_requested", "Information requested"
        REJECTED = "rejected", "Rejected"
        DENIED = "denied", "Denied"
        SKIPPED = "skipped", "Skipped (not required for this model)"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField(max_length=20, choices=ReviewStep.choices)
    # Null for the system's automatic decisions (skipped steps).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_decisions",
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    rationale = models.TextField(blank=True, help_text="Internal; never shown to the applicant.")
    message_to_applicant = models.TextField(blank=True)
    decided_at = models.DateTimeField()
    # The reviewer attested "no conflict of interest" when deciding (None for the system).
    no_conflict_attested = models.BooleanField(default=False)
    policy_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [
            models.Index(fields=["application", "step"]),
            # the console's "recent decisions" panel
            models.Index(fields=["decided_at"], name="reviewdecision_decided_at"),
        ]

    def __str__(self) -> str:
        who = self.reviewer or "system"
        return f"{self.get_step_display()}: {self.get_outcome_display()} by {who}"


class InformationRequest(models.Model):
    """A reviewer's question to the applicant and the applicant's answer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    step = models.CharField(max_length=20, choices=ReviewStep.choices)
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"Question at {self.get_step_display()} on {self.application.number}"


class Recusal(models.Model):
    """A reviewer stepped aside from one application: they may decide none of its
    steps and it leaves their queue."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="recusals")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recusals"
    )
    reason = models.TextField(blank=True)
    recused_at = models.DateTimeField()

    class Meta:
        ordering = ["recused_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="recusal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} recused from {self.application.number}"
