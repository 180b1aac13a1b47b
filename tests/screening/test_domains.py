import pytest

from vetting.errors import NotPermitted
from vetting.screening.checks import sector_checklist
from vetting.screening.domains import (
    challenge_name,
    domain_challenge_check,
    domain_challenge_issue,
    recheck_verified_domains,
)
from vetting.screening.models import DomainChallenge


def _row(rows, check):
    return next(r for r in rows if r["check"] == check)


def test_the_domain_challenge_passes_when_the_txt_record_holds_the_token(cast, loopback_dns):
    challenge, token = domain_challenge_issue(actor=cast.applicant, organization_id=cast.org.pk)
    assert len(token) >= 22 and token not in challenge.token_hash
    loopback_dns.records[challenge_name(cast.org.domain)] = ["unrelated", token]
    checked = domain_challenge_check(challenge_id=challenge.pk)
    assert checked.verified_at is not None
    app = cast.draft()
    rows = sector_checklist(app)
    assert _row(rows, "Domain ownership verified")["status"] == "pass"
    assert _row(rows, "Declared people's email on the verified domain")["status"] == "pass"


def test_the_domain_challenge_fails_without_the_record_or_with_a_wrong_token(cast, loopback_dns):
    challenge, _ = domain_challenge_issue(actor=cast.applicant, organization_id=cast.org.pk)
    assert domain_challenge_check(challenge_id=challenge.pk).verified_at is None
    loopback_dns.records[challenge_name(cast.org.domain)] = ["not-the-token"]
    checked = domain_challenge_check(challenge_id=challenge.pk)
    assert checked.verified_at is None and "No matching TXT record" in checked.last_result
    assert _row(sector_checklist(cast.draft()), "Domain ownership verified")["status"] == "fail"


def test_the_periodic_recheck_unverifies_a_domain_whose_record_is_gone(cast, loopback_dns):
    challenge, token = domain_challenge_issue(actor=cast.applicant, organization_id=cast.org.pk)
    loopback_dns.records[challenge_name(cast.org.domain)] = [token]
    domain_challenge_check(challenge_id=challenge.pk)
    loopback_dns.records.clear()
    assert recheck_verified_domains() == 1
    assert DomainChallenge.objects.get(pk=challenge.pk).verified_at is None


def test_only_a_member_may_issue_a_challenge(cast):
    with pytest.raises(NotPermitted):
        domain_challenge_issue(actor=cast.export, organization_id=cast.org.pk)


def test_the_checklist_checks_identifiers_and_the_admitted_sector(cast):
    cast.org.uei, cast.org.ein = "J7M9HPTGJ1S8", "00-1234567"
    cast.org.save()
    app = cast.draft()
    rows = sector_checklist(app)
    assert _row(rows, "UEI well-formed")["status"] == "pass"
    assert _row(rows, "EIN well-formed")["status"] == "fail"
    assert _row(rows, "CAGE code well-formed")["status"] == "unknown"
    assert _row(rows, "Sector admitted by the model")["status"] == "pass"
    assert _row(rows, "Evidence present")["status"] == "pass"  # the factory attaches a PDF
    app.evidence.all().delete()
    assert _row(sector_checklist(app), "Evidence present") == {
        "check": "Evidence present",
        "status": "fail",
        "detail": "0 file(s).",
    }


def test_the_domain_page_shows_the_record_once_and_verifies_it(cast, loopback_dns, client):
    import re

    client.force_login(cast.applicant)
    url = f"/apply/organizations/{cast.org.pk}/domain/"
    page = client.post(url, {"action": "issue"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"_vetting-challenge.{cast.org.domain}" in html
    token = re.search(r'id="challenge-token">([^<]+)<', html).group(1)
    assert token not in client.get(url).content.decode()  # shown only once
    loopback_dns.records[challenge_name(cast.org.domain)] = [token]
    assert client.post(url, {"action": "check"}).status_code == 302
    assert "Verified on" in client.get(url).content.decode()


def test_the_domain_page_of_another_organization_is_not_found(cast, client):
    client.force_login(cast.export)
    assert client.get(f"/apply/organizations/{cast.org.pk}/domain/").status_code == 404


def test_an_expired_challenge_cannot_verify_even_with_the_record(cast, loopback_dns):
    from datetime import timedelta

    from django.utils import timezone

    challenge, token = domain_challenge_issue(actor=cast.applicant, organization_id=cast.org.pk)
    DomainChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    loopback_dns.records[challenge_name(cast.org.domain)] = [token]
    checked = domain_challenge_check(challenge_id=challenge.pk)
    assert checked.verified_at is None and "expired" in checked.last_result


def test_the_daily_recheck_is_scheduled_and_registered(settings):
    from vetting.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["screening-recheck-domains"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
