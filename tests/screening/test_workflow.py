import pytest
from django.core.exceptions import ValidationError

from tests.factories import DOMAIN_CONFIRMED
from vetting.applications import review, services
from vetting.applications.models import Application, State
from vetting.audit.models import AuditEvent
from vetting.clearances.models import Clearance
from vetting.errors import InvalidState, NotPermitted
from vetting.screening.checks import export_control_blockers, export_control_summary
from vetting.screening.models import ScreeningHit
from vetting.screening.selectors import denied_organization_ids, organization_is_denied
from vetting.screening.services import (
    application_screen,
    denied_party_add,
    screening_hit_adjudicate,
)

from .conftest import declare


def _submitted_with(cast, name, **extra):
    app = cast.draft()
    declare(cast, app, name, **extra)
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    return app


def _screen_and_start(app):
    run = application_screen(application_id=app.pk)
    services.application_start_review(application_id=app.pk)
    return run


def _pass_ec(cast, app):
    return review.application_pass_step(
        no_conflict=True, actor=cast.export, application_id=app.pk, step="export_control"
    )


def test_a_declared_person_resembling_a_listed_name_is_a_hit(cast, lists):
    app = _submitted_with(cast, "Reza Mohamad Karimi")
    run = _screen_and_start(app)
    [hit] = run.hits.all()
    assert hit.subject_name == "Reza Mohamad Karimi" and hit.entry.list_code == "SDN"
    assert hit.score >= 88 and list(run.versions.all()) == [lists]
    assert hit.matched_name in {"KARIMI, Reza Mohammad", "Reza Mohammed Karimi"}
    assert hit.matched_alias == (hit.matched_name == "Reza Mohammed Karimi")
    assert Application.objects.get(pk=app.pk).state == State.EXPORT_CONTROL_REVIEW


def test_hits_block_the_export_control_step_until_adjudicated(cast, lists):
    app = _submitted_with(cast, "Reza Mohamad Karimi")
    hit = _screen_and_start(app).hits.get()
    with pytest.raises(InvalidState, match="1 screening hit"):
        _pass_ec(cast, app)
    with pytest.raises(ValidationError):
        screening_hit_adjudicate(
            no_conflict=True,
            actor=cast.export,
            hit_id=hit.pk,
            status="false_positive",
            rationale=" ",
        )
    with pytest.raises(NotPermitted):
        screening_hit_adjudicate(
            no_conflict=True,
            actor=cast.sector,
            hit_id=hit.pk,
            status="false_positive",
            rationale="Different date of birth.",
        )
    screening_hit_adjudicate(
        no_conflict=True,
        actor=cast.export,
        hit_id=hit.pk,
        status="false_positive",
        rationale="Different date of birth and nationality.",
    )
    assert _pass_ec(cast, app).state == State.SECTOR_REVIEW


def test_a_confirmed_match_rejects_the_application_and_denies_the_organization(cast, lists):
    app = _submitted_with(cast, "Reza Mohamad Karimi")
    hit = _screen_and_start(app).hits.get()
    screening_hit_adjudicate(
        no_conflict=True,
        actor=cast.export,
        hit_id=hit.pk,
        status="true_match",
        rationale="Passport number matches the listing.",
    )
    assert Application.objects.get(pk=app.pk).state == State.REJECTED
    assert organization_is_denied(cast.org)
    assert cast.org.pk in denied_organization_ids()
    assert ScreeningHit.objects.get(pk=hit.pk).adjudicated_by == cast.export


def test_an_application_from_a_denied_party_is_rejected_automatically(cast, lists):
    denied_party_add(actor=cast.export, organization=cast.org, reason="Front company.")
    app = _submitted_with(cast, "Alex Builder")
    assert application_screen(application_id=app.pk) is None
    services.application_start_review(application_id=app.pk)
    assert Application.objects.get(pk=app.pk).state == State.REJECTED
    assert AuditEvent.objects.filter(
        action="application.rejected_denied_party", object_id=str(app.pk)
    ).exists()


def test_a_denied_email_domain_rejects_the_application(cast, lists):
    denied_party_add(actor=cast.export, email_domain="shell-front.example", reason="Front.")
    app = _submitted_with(cast, "Sam Smith", work_email="sam@shell-front.example")
    application_screen(application_id=app.pk)
    assert Application.objects.get(pk=app.pk).state == State.REJECTED


def test_denying_an_organization_suspends_its_active_clearances(cast, lists):
    app = cast.walk_to(State.APPROVED)
    denied_party_add(actor=cast.officer, organization=cast.org, reason="Sanctioned owner.")
    clearance = Clearance.objects.get(application=app)
    assert clearance.state == "suspended" and clearance.state_reason == "denied_party"
    assert clearance.state_changed_by is None


def test_a_foreign_person_without_a_valid_authorization_blocks_the_step(cast, lists):
    app = _submitted_with(
        cast,
        "Ingrid Nilsson",
        us_person_status="foreign_person",
        citizenships=["SE"],
        export_authorization_type="bis_license",
        export_authorization_number="D123456",
        export_authorization_expires="2020-01-31",
    )
    _screen_and_start(app)
    summary = export_control_summary(app)
    assert summary["foreign_persons"] == 1
    assert summary["foreign_persons_without_authorization"] == ["Ingrid Nilsson"]
    assert export_control_blockers(app) == [
        "Ingrid Nilsson is a foreign person without a valid export authorization"
    ]
    with pytest.raises(InvalidState, match="Ingrid Nilsson"):
        _pass_ec(cast, app)


def test_a_foreign_person_with_a_current_authorization_does_not_block(cast, lists):
    app = _submitted_with(
        cast,
        "Ingrid Nilsson",
        us_person_status="foreign_person",
        citizenships=["SE"],
        export_authorization_type="bis_license",
        export_authorization_number="D123456",
        export_authorization_expires="2099-01-31",
    )
    _screen_and_start(app)
    assert export_control_blockers(app) == []
    assert _pass_ec(cast, app).state == State.SECTOR_REVIEW


def _approved_with_person(cast, name):
    app = _submitted_with(cast, name)
    run = _screen_and_start(app)
    for hit in run.hits.all():
        screening_hit_adjudicate(
            no_conflict=True,
            actor=cast.export,
            hit_id=hit.pk,
            status="false_positive",
            rationale="Different person: date of birth differs.",
        )
    _pass_ec(cast, app)
    review.application_pass_step(
        no_conflict=True,
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        rationale=DOMAIN_CONFIRMED,
    )
    review.application_approve(no_conflict=True, actor=cast.government, application_id=app.pk)
    return Clearance.objects.get(application=app)


def _new_version():
    from pathlib import Path

    from vetting.screening.lists import list_import

    data = (Path(__file__).parent / "data" / "csl_v2.csv").read_bytes()
    return list_import(actor=None, data=data, fmt="csl")[0]


def test_rescreening_does_not_suspend_for_a_hit_already_found_false(cast, lists):
    from vetting.screening.rescreen import clearance_rescreen

    clearance = _approved_with_person(cast, "Reza Mohamad Karimi")
    run = clearance_rescreen(clearance_id=clearance.pk, version_id=_new_version().pk)
    assert run.hits.count() == 1
    clearance.refresh_from_db()
    assert clearance.state == "active"


def test_rescreening_suspends_on_a_new_hit_and_queues_it_for_officers(cast, lists):
    from tests.console.conftest import verified_client
    from vetting.screening.rescreen import clearance_rescreen

    clearance = _approved_with_person(cast, "Alex Builder")
    Organization = type(cast.org)
    Organization.objects.filter(pk=cast.org.pk).update(legal_name="Utility Grid Holdings")
    version = _new_version()
    clearance_rescreen(clearance_id=clearance.pk, version_id=version.pk)
    clearance.refresh_from_db()
    assert (clearance.state, clearance.state_reason) == ("suspended", "screening_hit")
    assert clearance_rescreen(clearance_id=clearance.pk, version_id=version.pk) is None
    page = verified_client(cast.officer).get("/admin/screening/screeninghit/?queue=rescreen")
    assert "Utility Grid Holdings" in page.content.decode()


def test_a_member_on_a_denied_email_domain_gets_the_application_rejected(cast, lists):
    from tests.factories import make_user
    from vetting.organizations.models import Membership

    insider = make_user("insider@Shell-Front.example")
    Membership.objects.create(user=insider, organization=cast.org)
    denied_party_add(actor=cast.officer, email_domain="shell-front.example", reason="Front.")
    app = _submitted_with(cast, "Sam Smith")
    application_screen(application_id=app.pk)
    assert Application.objects.get(pk=app.pk).state == State.REJECTED


def test_the_officers_email_about_a_rescreening_hit_names_the_clearance_and_count():
    from vetting.notifications.emails import render_email

    subject, text, html = render_email(
        "screening_hit",
        {
            "clearance_id": 1,
            "serial": "CLR-2026-ABCD",
            "organization": "Utility Grid Holdings",
            "hits": 2,
            "url_path": "/admin/screening/screeninghit/?queue=rescreen",
        },
    )
    assert "CLR-2026-ABCD" in subject and "Utility Grid Holdings" in subject
    assert "2 new screening hit(s)" in text and "2</strong> new screening hit(s)" in html
