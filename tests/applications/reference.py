"""A deliberately simple model of the review rules, for the stateful test.

It knows nothing about the database: given who does what to which application,
it says which domain error the services must raise, or what the new state is.
It is written from DESIGN.md, not from the services, so the two can disagree.
"""

from dataclasses import dataclass, field

from vetting.errors import AlreadyDecided, CapReached, InvalidState, NotPermitted

DRAFT, SUBMITTED, IR = "draft", "submitted", "information_requested"
APPROVED, REJECTED, WITHDRAWN = "approved", "rejected", "withdrawn"
STEP_STATE = {
    "export_control": "export_control_review",
    "sector": "sector_review",
    "government": "government_review",
}
NEXT_STATE = {
    "export_control": "sector_review",
    "sector": "government_review",
    "government": APPROVED,
}
TERMINAL = {APPROVED, REJECTED, WITHDRAWN}
STEP_ROLE = {"export_control": "export", "sector": "sector", "government": "government"}
CLEARANCE_TERMINAL = {"revoked", "expired"}


@dataclass
class Person:
    name: str
    roles: frozenset = frozenset()  # "export", "sector", "government", "officer", "auditor"
    admin_of: str | None = None  # organization key
    member_of: str | None = None

    def belongs_to(self, org: str) -> bool:
        return org in (self.admin_of, self.member_of)


@dataclass
class App:
    org: str
    state: str
    asked_step: str = ""
    deciders: dict = field(default_factory=lambda: {s: set() for s in STEP_STATE})
    clearance: str | None = None  # clearance state once approved


@dataclass
class Reference:
    people: dict[str, Person]
    apps: list[App]
    cap: int

    def held_places(self) -> int:
        return sum(app.clearance in ("active", "suspended") for app in self.apps)

    # --- applicant side -----------------------------------------------------
    def submit(self, app: App, who: str):
        if self.people[who].admin_of != app.org:
            return NotPermitted
        if app.state != DRAFT:
            return InvalidState
        app.state = SUBMITTED
        return None

    def start_review(self, app: App):
        if app.state == SUBMITTED:  # otherwise left alone, never an error
            app.state = STEP_STATE["export_control"]

    def withdraw(self, app: App, who: str):
        if self.people[who].admin_of != app.org:
            return NotPermitted
        if app.state in TERMINAL:
            return InvalidState
        app.state = WITHDRAWN
        return None

    def respond(self, app: App, who: str):
        if not self.people[who].belongs_to(app.org):
            return NotPermitted
        if app.state != IR:
            return InvalidState
        app.state, app.asked_step = STEP_STATE[app.asked_step], ""
        return None

    # --- reviewer side ------------------------------------------------------
    def refusal(self, app: App, who: str, step: str):
        """The error a reviewer acting on ``step`` must get, or None."""
        person = self.people[who]
        if app.state != STEP_STATE[step]:
            return AlreadyDecided if app.deciders[step] else InvalidState
        if STEP_ROLE[step] not in person.roles or person.belongs_to(app.org):
            return NotPermitted
        if any(who in people for s, people in app.deciders.items() if s != step):
            return NotPermitted
        return None

    def decide(self, app: App, who: str, step: str, outcome: str):
        """outcome: pass / ask / reject (deny at the government step)."""
        error = self.refusal(app, who, step)
        if error:
            return error
        if outcome == "pass" and step == "government":
            if self.held_places() >= self.cap:
                return CapReached
            app.clearance = "active"
        app.deciders[step].add(who)
        if outcome == "pass":
            app.state = NEXT_STATE[step]
        elif outcome == "ask":
            app.state, app.asked_step = IR, step
        else:
            app.state = REJECTED
        return None

    # --- clearances -----------------------------------------------------------
    def clearance_change(self, app: App, who: str | None, action: str):
        allowed = {
            "suspend": {"active"},
            "reinstate": {"suspended"},
            "revoke": {"active", "suspended"},
        }[action]
        if who is None and action == "revoke":
            return NotPermitted
        if who is not None and "officer" not in self.people[who].roles:
            return NotPermitted
        if app.clearance not in allowed:
            return InvalidState
        app.clearance = {"suspend": "suspended", "reinstate": "active", "revoke": "revoked"}[action]
        return None

    def expire(self, app: App) -> bool:
        """The model's clearances are valid for 0 days: an active one is always due."""
        if app.clearance == "active":
            app.clearance = "expired"
            return True
        return False
