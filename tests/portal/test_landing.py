"""The public landing page at /: what the service is, who may apply for which open
model, what to prepare, and how long review takes."""

import pytest
from django.utils import timezone

from tests.factories import Cast, make_model
from vetting.applications.models import State
from vetting.applications.timing import MIN_DECISIONS
from vetting.gated_models.models import GatedModel

pytestmark = pytest.mark.django_db


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_answers_anonymous_visitors_with_what_the_service_is(client):
    html = page(client)
    assert "export-controlled" in html
    assert "An official website of the United States government" in html
    assert 'class="usa-identifier"' in html
    for thing in ("UEI", "EIN", "CAGE code", "PDF", "10 MB", "technology control plan"):
        assert thing in html, thing
    for step in ("Export-control check", "Sector verification", "Government sign-off"):
        assert step in html
    assert 'href="/accounts/signup/"' in html and "Go to your dashboard" not in html


def test_it_shows_each_open_models_sectors_and_person_rules(client):
    make_model(name="Mythos 5", sectors=("energy", "water_wastewater"), cap=80, max_seats=25)
    make_model(
        name="Lite 2",
        sectors=("financial_services",),
        requires_export_control=False,
        export_classification="ECCN 4E091",
    )
    make_model(name="Shelved 1", access_status=GatedModel.AccessStatus.CLOSED)

    html = page(client)

    assert "Mythos 5" in html and "Lite 2" in html and "Shelved 1" not in html
    assert "Water and Wastewater Systems" in html and "Financial Services" in html
    assert "(sector risk management agency: DOE)" in html
    assert "ECCN 4E091" in html
    lite, mythos = html.split('data-testid="open-model"')[1:]  # ordered by name
    assert "Lite 2" in lite and "Mythos 5" in mythos
    assert "DDTC authorization (ITAR)" in mythos and "foreign person" in mythos
    assert "At most 80 organizations cleared at once, each with at most 25 seats" in mythos
    assert "not require the export-control check" in lite and "DDTC" not in lite


def test_it_does_not_fail_with_no_gated_model_at_all(client):
    GatedModel.objects.all().delete()
    html = page(client)
    assert "No model is open to new applications right now" in html
    assert html.count("Not enough data yet") == 3


def test_it_shows_the_measured_time_per_step_once_there_is_enough_data(client):
    cast = Cast()
    for _ in range(MIN_DECISIONS):
        cast.walk_to(State.SECTOR_REVIEW)  # export control decided, sector not yet

    html = page(client)

    export = html.split('data-testid="timing-export_control"')[1].split("</tr>")[0]
    assert "less than a day" in export and f">{MIN_DECISIONS}</td>" in export
    sector = html.split('data-testid="timing-sector"')[1].split("</tr>")[0]
    assert "Not enough data yet" in sector


def test_a_signed_in_applicant_is_offered_the_dashboard(client):
    from tests.factories import make_user

    client.force_login(make_user(email_verified_at=timezone.now()))
    html = page(client)
    assert "Go to your dashboard" in html and 'href="/apply/"' in html
    assert "Create an account to apply" not in html


def test_the_page_takes_few_queries_whatever_the_number_of_models(
    client, django_assert_max_num_queries
):
    for n in range(6):
        make_model(name=f"Model {n}", sectors=("energy", "chemical"))
    with django_assert_max_num_queries(4):  # models, two sector prefetches, timings
        page(client)
