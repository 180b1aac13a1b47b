from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.console.conftest import verified_client
from vetting.screening.models import ListVersion, ScreeningHit
from vetting.screening.services import application_screen

from .conftest import declare

DATA = Path(__file__).parent / "data"
UPLOAD = "/admin/screening/listversion/upload/"


def _upload(client, name, fmt="csl"):
    file = SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")
    return client.post(UPLOAD, {"file": file, "format": fmt})


@pytest.mark.django_db
def test_a_reviewer_uploads_a_list_file_in_the_console(cast):
    client = verified_client(cast.export)
    response = _upload(client, "sdn.csv", fmt="sdn")
    assert response.status_code == 302
    assert ListVersion.objects.get().rows == 4


@pytest.mark.django_db
def test_a_malformed_upload_names_the_line_and_imports_nothing(cast):
    response = _upload(verified_client(cast.export), "csl_malformed.csv")
    assert response.status_code == 200
    assert "Line 5: expected 29 columns, found 20" in response.content.decode()
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_an_applicant_cannot_reach_the_upload(cast):
    response = _upload(verified_client(cast.applicant), "csl.csv")
    assert response.status_code in (302, 403)
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_a_reviewer_adjudicates_a_hit_on_its_change_page(cast, lists):
    from vetting.applications import services

    app = cast.draft()
    declare(cast, app, "Reza Mohamad Karimi")
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    hit = application_screen(application_id=app.pk).hits.get()
    client = verified_client(cast.export)
    url = f"/admin/screening/screeninghit/{hit.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(
        url,
        {"status": "false_positive", "rationale": "Different date of birth.", "no_conflict": "on"},
    )
    hit.refresh_from_db()
    assert hit.status == "false_positive" and hit.adjudicated_by == cast.export


@pytest.mark.django_db
def test_an_adjudication_without_rationale_is_refused_with_a_message(cast, lists):
    from vetting.applications import services

    app = cast.draft()
    declare(cast, app, "Reza Mohamad Karimi")
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    hit = application_screen(application_id=app.pk).hits.get()
    client = verified_client(cast.export)
    url = f"/admin/screening/screeninghit/{hit.pk}/change/"
    page = client.post(
        url, {"status": "true_match", "rationale": " ", "no_conflict": "on"}, follow=True
    )
    assert "A rationale is required." in page.content.decode()
    assert "was changed successfully" not in page.content.decode()
    assert ScreeningHit.objects.get(pk=hit.pk).status == "pending"


@pytest.mark.django_db
def test_the_hit_list_can_be_narrowed_to_one_application(cast, lists):
    from vetting.applications import services

    apps = []
    for name in ("Reza Mohamad Karimi", "Viktor Bout"):
        app = cast.draft()
        declare(cast, app, name)
        services.application_submit(actor=cast.applicant, application_id=app.pk)
        application_screen(application_id=app.pk)
        apps.append(app)
    client = verified_client(cast.export)
    page = client.get(f"/admin/screening/screeninghit/?run__application__id__exact={apps[1].pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Viktor Bout" in html and "Reza Mohamad Karimi" not in html


def _pending_hit(cast):
    from vetting.applications import services

    app = cast.draft()
    declare(cast, app, "Reza Mohamad Karimi")
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    return application_screen(application_id=app.pk).hits.get()


@pytest.mark.django_db
def test_an_adjudication_without_the_no_conflict_attestation_changes_nothing(cast, lists):
    hit = _pending_hit(cast)
    client = verified_client(cast.export)
    url = f"/admin/screening/screeninghit/{hit.pk}/change/"
    page = client.post(url, {"status": "false_positive", "rationale": "Different person."})
    assert "no conflict of interest" in page.content.decode()
    assert ScreeningHit.objects.get(pk=hit.pk).status == "pending"


@pytest.mark.django_db
def test_a_former_member_of_the_applicant_cannot_adjudicate_its_hit(cast, lists):
    from vetting.organizations.models import Membership
    from vetting.organizations.services import member_remove

    hit = _pending_hit(cast)
    membership = Membership.objects.create(user=cast.export, organization=cast.org)
    member_remove(actor=cast.applicant, organization_id=cast.org.pk, membership_id=membership.pk)
    client = verified_client(cast.export)
    url = f"/admin/screening/screeninghit/{hit.pk}/change/"
    page = client.post(
        url,
        {"status": "false_positive", "rationale": "Different person.", "no_conflict": "on"},
        follow=True,
    )
    assert "were a member of" in page.content.decode()
    assert ScreeningHit.objects.get(pk=hit.pk).status == "pending"


def _upload_set(client, fmt="sdn", alt=None, add=None, main="sdn.csv"):
    post = {"file": SimpleUploadedFile(main, (DATA / main).read_bytes()), "format": fmt}
    for field, content in (("alt", alt), ("add", add)):
        if content is not None:
            post[field] = SimpleUploadedFile(f"{field}.csv", content, content_type="text/csv")
    return client.post(UPLOAD, post)


@pytest.mark.django_db
def test_a_reviewer_uploads_sdn_csv_with_its_alt_and_add_files(cast):
    client = verified_client(cast.export)
    alt, add = (DATA / "sdn_alt.csv").read_bytes(), (DATA / "sdn_add.csv").read_bytes()
    response = _upload_set(client, alt=alt, add=add)
    assert response.status_code == 302
    version = ListVersion.objects.get()
    karimi = version.entries.get(record_id="36123")
    assert karimi.aliases[:2] == ["KARIMI, Reza Mohammed", "KARIMI, Rida"]
    assert version.entries.get(record_id="4702").countries == ["RU", "BY"]
    again = _upload_set(client, alt=alt, add=add)
    assert again.status_code == 302 and ListVersion.objects.count() == 1


@pytest.mark.django_db
def test_an_alt_file_with_the_csl_format_is_an_error_on_the_alt_field(cast):
    alt = (DATA / "sdn_alt.csv").read_bytes()
    response = _upload_set(verified_client(cast.export), fmt="csl", alt=alt, main="csl.csv")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "alt": ["This file goes only with Treasury's sdn.csv: choose that format."]
    }
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_a_malformed_alt_upload_names_alt_csv_and_the_line_and_imports_nothing(cast):
    bad = b'36123,1,"aka","A",-0- \r\n99999,2,"aka","B",-0- \r\n'
    response = _upload_set(verified_client(cast.export), alt=bad)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "alt": ["alt.csv, line 2: ent_num '99999' is not in sdn.csv. Nothing was imported."]
    }
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_the_entry_page_shows_the_identifying_details_read_only(cast):
    from vetting.screening.models import ListEntry

    client = verified_client(cast.export)
    _upload_set(client, alt=(DATA / "sdn_alt.csv").read_bytes())
    karimi = ListEntry.objects.get(record_id="36123")
    page = client.get(f"/admin/screening/listentry/{karimi.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("1970-01-12", "Tehran, Iran", "K1234567", "KARIMI, Rida", "&quot;IR&quot;"):
        assert shown in html
    assert 'name="dates_of_birth"' not in html  # nothing to edit
