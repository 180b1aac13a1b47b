"""The console offers a link only to a reader the linked page will serve; otherwise it
shows the text (tests/test_link_crawl.py walks every link; these pin each case)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import make_user
from vetting.applications.models import State
from vetting.console.application_detail import UNVERIFIED_EVIDENCE_NOTE
from vetting.console.related_links import current_request

pytestmark = pytest.mark.django_db


def _verify(user):
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])


def test_a_reader_who_may_not_change_a_user_gets_no_link_to_its_password_form(cast, console):
    path = f"/admin/accounts/user/{cast.applicant.pk}/"
    auditor = console(cast.auditor)
    page = auditor.get(path + "change/").content.decode()
    assert "<strong>algorithm</strong>" in page  # the summary is still there
    assert "../password/" not in page
    assert auditor.get(path + "password/").status_code == 403

    operator = console(make_user(is_superuser=True, is_staff=True))
    assert 'href="../password/"' in operator.get(path + "change/").content.decode()
    assert operator.get(path + "password/").status_code == 200


def test_evidence_is_linked_only_for_a_reader_the_download_serves(cast, console):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    evidence = app.evidence.get()
    download = f'href="/apply/evidence/{evidence.pk}/"'
    page = f"/admin/applications/application/{app.pk}/change/"

    # A reviewer without a verified address: the portal would say "Check your email".
    html = console(cast.export).get(page).content.decode()
    assert download not in html
    assert evidence.original_name in html and UNVERIFIED_EVIDENCE_NOTE in html

    _verify(cast.export)
    client = console(cast.export)
    html = client.get(page).content.decode()
    assert download in html and UNVERIFIED_EVIDENCE_NOTE not in html
    assert client.get(f"/apply/evidence/{evidence.pk}/").status_code == 200

    # A superuser has no review role: the download would be a 404, in the case file
    # and in the evidence list alike.
    operator = make_user(is_superuser=True, is_staff=True)
    _verify(operator)
    client = console(operator)
    for listing in (page, "/admin/evidence/evidence/"):
        assert download not in client.get(listing).content.decode()
    assert client.get(f"/apply/evidence/{evidence.pk}/").status_code == 404


def test_view_site_is_offered_only_to_staff_the_portal_lets_in(cast, console):
    assert 'href="/"' not in console(cast.sector).get("/admin/").content.decode()
    _verify(cast.sector)
    client = console(cast.sector)
    assert 'href="/"' in client.get("/admin/").content.decode()
    assert client.get("/").status_code == 200  # the landing page
    assert client.get("/apply/").status_code == 200  # the portal lets them in


@pytest.mark.parametrize(("who", "expected"), [("sector", "True True"), ("nobody", "False False")])
def test_templates_ask_the_linked_admin_with_may_view(cast, who, expected):
    user = cast.sector if who == "sector" else make_user(is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = user
    clearance = cast.walk_to(State.APPROVED).clearance
    template = Template(
        '{% load console_links %}{{ "applications.application"|may_view }} {{ c|may_view }}'
    )
    token = current_request.set(request)
    try:
        assert template.render(Context({"c": clearance})) == expected
    finally:
        current_request.reset(token)
    # Outside a console view there is no reader to ask for: no link.
    assert template.render(Context({"c": clearance})) == "False False"
