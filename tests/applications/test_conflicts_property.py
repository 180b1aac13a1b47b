"""Separation of duties over history, under random sequences of membership changes,
invitations, applications and decisions (Hypothesis).

Four reviewers hold all three review roles, so only the conflict-of-interest
rules can stop them. They are invited into the applicant organization, join,
file applications, are removed, and try to decide whatever is waiting. However
the sequence goes, no person decides two steps of one application, and nobody
decides a step of an application after they created it or were a member of the
organization since it was filed (tracked here independently of the code under test).
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import DOMAIN_CONFIRMED, complete_draft, make_model, make_org, make_user
from vetting.accounts.roles import Role
from vetting.applications import review, services
from vetting.applications.models import STEP_OF_STATE, Application, ReviewDecision
from vetting.errors import DomainError
from vetting.organizations import services as org_services
from vetting.organizations.models import Membership

REVIEWERS = 4
STEP_SERVICE = {
    "export_control": lambda **kw: review.application_pass_step(step="export_control", **kw),
    "sector": lambda **kw: review.application_pass_step(
        step="sector", **{"rationale": DOMAIN_CONFIRMED, **kw}
    ),
    "government": review.application_approve,
}
person = st.integers(min_value=0, max_value=REVIEWERS - 1)
operation = st.one_of(
    st.tuples(st.just("join"), person),
    st.tuples(st.just("leave"), person),
    st.tuples(st.just("file"), person),
    st.tuples(st.just("file_by_admin"), st.just(0)),
    st.tuples(st.just("decide"), person, st.integers(min_value=0, max_value=5)),
)


class World:
    def __init__(self):
        self.admin = make_user(email_verified_at=timezone.now())
        self.org = make_org(admin=self.admin)
        self.model = make_model()
        groups = Group.objects.filter(
            name__in=[
                Role.EXPORT_CONTROL_REVIEWER,
                Role.SECTOR_REVIEWER,
                Role.GOVERNMENT_OFFICIAL,
            ]
        )
        self.people = []
        for _ in range(REVIEWERS):
            user = make_user(email_verified_at=timezone.now(), is_staff=True)
            user.groups.add(*groups)
            self.people.append(user)
        self.apps: list[int] = []
        # the reference: who may never decide each application (by index)
        self.conflicted: dict[int, set[int]] = {}
        self.members: set[int] = set()

    def join(self, who):
        if who in self.members:
            return
        token = org_services.member_invite(
            actor=self.admin,
            organization_id=self.org.pk,
            email=self.people[who].email,
            role=Membership.Role.ADMIN,
        )
        org_services.invitation_accept(actor=self.people[who], token=token)
        self.members.add(who)
        for conflicted in self.conflicted.values():
            conflicted.add(who)

    def leave(self, who):
        if who not in self.members:
            return
        membership = Membership.objects.get(user=self.people[who], organization=self.org)
        org_services.member_remove(
            actor=self.admin, organization_id=self.org.pk, membership_id=membership.pk
        )
        self.members.discard(who)

    def file(self, who):
        if who not in self.members:
            return
        self._file(self.people[who])

    def file_by_admin(self, _):
        self._file(self.admin)

    def _file(self, applicant):
        app = complete_draft(applicant=applicant, org=self.org, model=self.model)
        services.application_submit(actor=applicant, application_id=app.pk)
        services.application_start_review(application_id=app.pk)
        self.conflicted[app.pk] = set(self.members)
        self.apps.append(app.pk)

    def decide(self, who, index):
        if not self.apps:
            return
        app = Application.objects.get(pk=self.apps[index % len(self.apps)])
        step = STEP_OF_STATE.get(app.state)
        if step is None:
            return
        conflicted = who in self.conflicted[app.pk]
        try:
            STEP_SERVICE[step](actor=self.people[who], application_id=app.pk, no_conflict=True)
        except DomainError:
            return
        assert not conflicted, f"reviewer {who} decided {app.number}, which they touched"

    def check(self):
        decisions = ReviewDecision.objects.filter(
            application_id__in=self.apps, reviewer__isnull=False
        )
        steps_by: dict[tuple[int, int], set[str]] = {}
        for decision in decisions:
            steps_by.setdefault((decision.application_id, decision.reviewer_id), set()).add(
                decision.step
            )
        for (app_id, reviewer_id), steps in steps_by.items():
            assert len(steps) == 1, f"reviewer {reviewer_id} decided {steps} of {app_id}"
            assert reviewer_id != self.admin.pk


def test_no_sequence_lets_one_person_decide_two_steps_or_an_application_they_touched(db):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(operation, min_size=1, max_size=14))
    # The review's finding and its neighbours, always tried first.
    @example([("join", 1), ("file", 1), ("leave", 1), ("decide", 1, 0)])
    @example([("file_by_admin", 0), ("join", 1), ("leave", 1), ("decide", 1, 0)])
    @example([("join", 1), ("file_by_admin", 0), ("leave", 1), ("decide", 1, 0)])
    @example([("file_by_admin", 0), ("decide", 1, 0), ("decide", 1, 0), ("decide", 1, 0)])
    def run(operations):
        with transaction.atomic():
            world = World()
            for name, *args in operations:
                getattr(world, name)(*args)
            world.check()
            transaction.set_rollback(True)

    run()


def test_the_rules_let_an_outsider_decide_so_the_property_is_not_vacuous(db):
    with transaction.atomic():
        world = World()
        world.file_by_admin(0)
        for who in range(3):
            world.decide(who, 0)
        world.check()
        assert Application.objects.get(pk=world.apps[0]).state == "approved"
        transaction.set_rollback(True)
