"""Random service calls by random people, checked against a reference model.

Hypothesis fires submissions, decisions, answers, withdrawals and clearance
changes at a few applications of two organizations, done by applicants,
reviewers of every role (one of them also a member of an applicant), the
clearance officer and the auditor. After every call the database must match the
reference model (tests/applications/reference.py) and the invariants must hold.
Each example runs in its own savepoint, rolled back at the end, so every
example starts from the same clean database.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.factories import complete_draft, make_model, make_org, make_user
from vetting.accounts.roles import Role
from vetting.applications import review, services
from vetting.applications.models import Application, ReviewDecision
from vetting.audit.services import audit_verify_chain
from vetting.clearances import services as clearance_services
from vetting.clearances.models import Clearance
from vetting.errors import DomainError
from vetting.organizations.models import Membership

from .reference import (
    CLEARANCE_TERMINAL,
    STEP_ROLE,
    STEP_STATE,
    TERMINAL,
    App,
    Person,
    Reference,
)

ROLE_GROUP = {
    "export": Role.EXPORT_CONTROL_REVIEWER,
    "sector": Role.SECTOR_REVIEWER,
    "government": Role.GOVERNMENT_OFFICIAL,
    "officer": Role.CLEARANCE_OFFICER,
    "auditor": Role.AUDITOR,
}
PEOPLE = [
    Person("admin_a", admin_of="a"),
    Person("member_a", member_of="a"),
    Person("admin_b", admin_of="b"),
    Person("ec1", frozenset({"export"})),
    Person("ec2", frozenset({"export"})),
    Person("sec1", frozenset({"sector"})),
    Person("sec_insider", frozenset({"sector"}), member_of="a"),
    Person("gov1", frozenset({"government"})),
    Person("gov2", frozenset({"government"})),
    Person("ec_gov", frozenset({"export", "government"})),
    Person("ec_sec", frozenset({"export", "sector"})),
    Person("officer", frozenset({"officer"})),
    Person("auditor", frozenset({"auditor"})),
]
NAMES = [p.name for p in PEOPLE]
APP_ORGS = ["a", "a", "b", "b"]
REASON = "Recorded by the stateful test."
GOVERNMENT_OUTCOMES = {"pass": "approve", "reject": "deny"}

apps = st.integers(min_value=0, max_value=len(APP_ORGS) - 1)
actors = st.sampled_from(NAMES)
steps = st.sampled_from(list(STEP_STATE))
outcomes = st.sampled_from(["pass", "pass", "pass", "ask", "reject"])
applicants = st.sampled_from(["admin_a", "member_a", "admin_b"])
WAITING_STEP = {state: step for step, state in STEP_STATE.items()}
HOLDERS = {step: [p.name for p in PEOPLE if role in p.roles] for step, role in STEP_ROLE.items()}


class ReviewMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        try:
            self._set_up()
        except BaseException as exc:
            # Hypothesis calls teardown() only once __init__ has returned.
            self._savepoint.__exit__(type(exc), exc, exc.__traceback__)
            raise

    def _set_up(self):
        self.users = self._make_people()
        self.model = make_model(cap=1, clearance_validity_days=0)
        self.ref = Reference(people={p.name: p for p in PEOPLE}, apps=[], cap=1)
        self.ids: list[int] = []
        self.terminal_seen: dict = {}
        for org in APP_ORGS:
            admin = self.users[f"admin_{org}"]
            draft = complete_draft(applicant=admin, org=self.orgs[org], model=self.model)
            self.ids.append(draft.pk)
            self.ref.apps.append(App(org=org, state="draft"))
        self._head_start()

    def _make_people(self) -> dict:
        users = {p.name: make_user(f"{p.name}@stateful.example") for p in PEOPLE}
        self.orgs = {"a": make_org(), "b": make_org()}
        for person in PEOPLE:
            user = users[person.name]
            for role in person.roles:
                user.groups.add(Group.objects.get(name=ROLE_GROUP[role].value))
            for org, kind in ((person.admin_of, "admin"), (person.member_of, "member")):
                if org:
                    Membership.objects.create(user=user, organization=self.orgs[org], role=kind)
        return users

    def _head_start(self):
        """Take three applications part of the way, so approvals (and the cap) are
        reached within a short run."""
        head_start = (
            (0, [("export_control", "ec_gov"), ("sector", "sec1")]),
            (1, []),
            (2, [("export_control", "ec1"), ("sector", "ec_sec")]),
        )
        for index, decisions in head_start:
            self._do(self.ref.submit, "submit", index, "admin_" + APP_ORGS[index])
            self.start_review(index)
            for step, who in decisions:
                self.decide_any_step(index, step, who, "pass")

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- calling a service and comparing with the reference --------------------
    def _do(self, expect, service, index, who, *args):
        app = self.ref.apps[index]
        expected = expect(app, who, *args) if who is not None else expect(app, *args)
        try:
            self._call(service, index, who, *args)
        except DomainError as exc:
            assert expected is not None and type(exc) is expected, (
                f"{who} {service} on app {index}: got {exc!r}, reference expected {expected}"
            )
        else:
            assert expected is None, (
                f"{who} {service} on app {index} succeeded, expected {expected}"
            )

    def _call(self, service, index, who, *args):
        actor = self.users[who] if who else None
        pk = self.ids[index]
        if service == "submit":
            services.application_submit(actor=actor, application_id=pk)
        elif service == "withdraw":
            services.application_withdraw(actor=actor, application_id=pk)
        elif service == "respond":
            services.application_respond(actor=actor, application_id=pk, response="Answer.")
        elif service == "decide":
            self._review(actor, pk, *args)
        else:
            clearance = Clearance.objects.get(application_id=pk)
            getattr(clearance_services, f"clearance_{service}")(
                actor=actor, clearance_id=clearance.pk, reason=REASON
            )

    @staticmethod
    def _review(actor, pk, step, outcome):
        if outcome == "ask":
            review.application_request_information(
                no_conflict=True,
                actor=actor,
                application_id=pk,
                step=step,
                question="Please explain.",
            )
        elif step == "government":
            getattr(review, f"application_{GOVERNMENT_OUTCOMES[outcome]}")(
                actor=actor, application_id=pk, rationale=REASON, no_conflict=True
            )
        elif outcome == "pass":
            review.application_pass_step(
                no_conflict=True, actor=actor, application_id=pk, step=step, rationale=REASON
            )
        else:
            review.application_reject(
                no_conflict=True, actor=actor, application_id=pk, step=step, rationale=REASON
            )

    # --- rules -------------------------------------------------------------------
    @rule(
        index=apps,
        who=applicants | actors,
        action=st.sampled_from(["submit", "withdraw", "respond"]),
    )
    def applicant_acts(self, index, who, action):
        self._do(getattr(self.ref, action), action, index, who)

    @rule(index=apps)
    def start_review(self, index):
        self.ref.start_review(self.ref.apps[index])
        services.application_start_review(application_id=self.ids[index])

    @rule(index=apps, step=steps, who=actors, outcome=outcomes)
    def decide_any_step(self, index, step, who, outcome):
        self._do(self.ref.decide, "decide", index, who, step, outcome)

    @rule(data=st.data(), outcome=outcomes)
    def decide_the_waiting_step(self, data, outcome):
        """Mostly plausible reviewers of an open application at its waiting step,
        so that runs reach approvals, the cap and clearance changes."""
        open_apps = [i for i, app in enumerate(self.ref.apps) if app.state not in TERMINAL]
        index = data.draw(st.sampled_from(open_apps) if open_apps else apps)
        step = WAITING_STEP.get(self.ref.apps[index].state) or data.draw(steps)
        who = data.draw(st.sampled_from(HOLDERS[step] * 3 + NAMES))
        self._do(self.ref.decide, "decide", index, who, step, outcome)

    @rule(
        data=st.data(),
        who=st.just("officer") | st.sampled_from([*NAMES, None]),
        action=st.sampled_from(["suspend", "reinstate", "revoke"]),
    )
    def change_clearance(self, data, who, action):
        cleared = [i for i, app in enumerate(self.ref.apps) if app.clearance]
        if not cleared:
            return  # nothing to change yet
        index = data.draw(st.sampled_from(cleared))
        self._do(lambda app, *a: self.ref.clearance_change(app, who, action), action, index, who)

    @rule(index=apps)
    def expire(self, index):
        app = self.ref.apps[index]
        if app.clearance is None:
            return
        due = self.ref.expire(app)
        clearance = Clearance.objects.get(application_id=self.ids[index])
        result = clearance_services.clearance_expire(clearance_id=clearance.pk)
        assert (result is not None) == due

    # --- invariants --------------------------------------------------------------
    @invariant()
    def database_matches_the_reference(self):
        states = dict(Application.objects.filter(pk__in=self.ids).values_list("pk", "state"))
        assert [states[pk] for pk in self.ids] == [app.state for app in self.ref.apps]
        cleared = dict(
            Clearance.objects.filter(application_id__in=self.ids).values_list(
                "application_id", "state"
            )
        )
        assert [cleared.get(pk) for pk in self.ids] == [a.clearance for a in self.ref.apps]

    @invariant()
    def terminal_states_never_change(self):
        states = dict(Application.objects.filter(pk__in=self.ids).values_list("pk", "state"))
        cleared = dict(
            Clearance.objects.filter(application_id__in=self.ids).values_list(
                "application_id", "state"
            )
        )
        for pk in self.ids:
            for key, state, terminal in (
                ("application", states[pk], TERMINAL),
                ("clearance", cleared.get(pk), CLEARANCE_TERMINAL),
            ):
                seen = self.terminal_seen.get((key, pk))
                assert seen in (None, state), f"{key} of {pk} left {seen} for {state}"
                if state in terminal:
                    self.terminal_seen[(key, pk)] = state

    @invariant()
    def an_active_clearance_had_three_independent_deciders(self):
        for clearance in Clearance.objects.filter(application_id__in=self.ids, state="active"):
            application = clearance.application
            assert application.state == "approved"
            final = dict(
                ReviewDecision.objects.filter(
                    application=application, outcome__in=["passed", "approved"]
                ).values_list("step", "reviewer")
            )
            assert set(final) == set(STEP_STATE)
            deciders = set(final.values())
            assert None not in deciders and len(deciders) == 3
            assert not Membership.objects.filter(
                organization=application.organization, user__in=deciders
            ).exists()

    @invariant()
    def the_audit_chain_verifies(self):
        report = audit_verify_chain()
        assert report.ok, report.problem


def test_random_service_calls_by_random_actors_keep_every_rule(db):
    run_state_machine_as_test(
        ReviewMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.mark.parametrize("who", ["sec_insider", "member_a"])
def test_the_reference_refuses_members_of_the_applicant(who):
    # The reference model must itself refuse what DESIGN.md refuses, or the
    # stateful test would agree with a broken service.
    ref = Reference(people={p.name: p for p in PEOPLE}, apps=[], cap=1)
    app = App(org="a", state="sector_review")

    assert ref.decide(app, who, "sector", "pass") is not None
    assert app.state == "sector_review"
