"""A declared person's date of birth and citizenships move a hit's score, and the hit
page shows which identifiers agreed or conflicted and why the names matched."""

from datetime import date

import pytest

from tests.console.conftest import verified_client
from vetting.applications import services
from vetting.screening import identifiers
from vetting.screening.services import application_screen

from .conftest import declare

# tests/screening/data/csl.csv: KARIMI, Reza Mohammad, DOB 1970-01-12, nationality IR.
KARIMI_DOB = date(1970, 1, 12)


def _screened(cast, name, **extra):
    app = cast.draft()
    declare(cast, app, name, **extra)
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    return application_screen(application_id=app.pk)


@pytest.mark.django_db
def test_the_listed_date_of_birth_and_nationality_raise_the_score(cast, lists):
    [hit] = _screened(
        cast, "Reza Mohamad Karimi", date_of_birth=KARIMI_DOB, citizenships=["IR"]
    ).hits.all()
    assert hit.score > hit.name_score >= 88
    outcomes = {f["identifier"]: (f["outcome"], f["effect"]) for f in hit.identifiers}
    assert outcomes == {
        "date of birth": ("agrees", identifiers.DOB_AGREES_EXACT),
        "citizenship": ("agrees", identifiers.NATIONALITY_AGREES),
    }


@pytest.mark.django_db
def test_a_conflicting_date_of_birth_lowers_the_score_but_never_hides_a_name_match(cast, lists):
    """The applicant declares the date of birth: a listed person cannot get past
    screening by declaring another one. The hit stays, ranked lower and marked."""
    [hit] = _screened(
        cast, "Reza Mohamad Karimi", date_of_birth=date(1999, 6, 1), citizenships=["IR"]
    ).hits.all()
    assert hit.name_score >= 88
    assert hit.score == pytest.approx(
        hit.name_score + identifiers.DOB_CONFLICTS + identifiers.NATIONALITY_AGREES
    )
    assert {f["identifier"]: f["outcome"] for f in hit.identifiers}["date of birth"] == (
        "conflicts"
    )


def test_agreeing_identifiers_lift_a_near_match_into_a_hit_and_nothing_else(settings):
    """Below the threshold on the name alone, a match whose listed date of birth and
    nationality agree with the declaration becomes a hit; the same name without them
    does not."""
    from vetting.screening.matching import ListName, ScreeningIndex

    index = ScreeningIndex(threshold=88)
    index.add(ListName(record=1, text="KARIMI, Reza Mohammad Ali", kind="Individual"))
    [near] = index.search("Reza Karimi", threshold=0, kind="person")
    assert 88 - identifiers.MOST_RAISED <= near.score < 88
    effect, _ = identifiers.compare(
        born=KARIMI_DOB,
        citizenships=["IR"],
        entry_dates=[
            {"text": "12 Jan 1970", "earliest": "1970-01-12", "latest": "1970-01-12", "day": 12}
        ],
        entry_nationalities=["IR"],
    )
    assert near.score + effect >= 88


@pytest.mark.django_db
def test_a_date_a_year_off_neither_helps_nor_hurts(cast, lists):
    [hit] = _screened(
        cast, "Reza Mohamad Karimi", date_of_birth=date(1970, 11, 3), citizenships=["DE"]
    ).hits.all()
    findings = {f["identifier"]: f["outcome"] for f in hit.identifiers}
    assert findings == {"date of birth": "close", "citizenship": "conflicts"}
    assert hit.score == pytest.approx(hit.name_score + identifiers.NATIONALITY_CONFLICTS)


def test_listed_spans_years_and_circa_dates_are_compared_as_spans():
    year = [{"text": "1956", "earliest": "1956-01-01", "latest": "1956-12-31", "day": None}]
    circa = [
        {"text": "circa 1958", "earliest": "1958-01-01", "latest": "1958-12-31", "circa": True}
    ]
    unreadable = [{"text": "unknown", "earliest": None, "latest": None}]
    year_one = [
        {"text": "circa 0001", "earliest": "0001-01-01", "latest": "0001-12-31", "circa": True}
    ]
    assert identifiers.date_of_birth_finding(date(1960, 3, 1), year_one).outcome == "conflicts"
    assert identifiers.date_of_birth_finding(date(1956, 7, 1), year).outcome == "agrees"
    assert identifiers.date_of_birth_finding(date(1956, 7, 1), year).effect == (
        identifiers.DOB_AGREES
    )
    assert identifiers.date_of_birth_finding(date(1960, 3, 1), circa).outcome == "agrees"
    assert identifiers.date_of_birth_finding(date(1975, 3, 1), circa).outcome == "conflicts"
    assert identifiers.date_of_birth_finding(date(1975, 3, 1), unreadable) is None
    assert identifiers.date_of_birth_finding(None, year) is None
    # A nationality the list writes as text ("possibly Palestinian") is not comparable.
    assert identifiers.nationality_finding(["US"], ["possibly Palestinian"]) is None


@pytest.mark.django_db
def test_the_hit_page_explains_the_match_and_the_identifiers(cast, lists):
    [hit] = _screened(
        cast, "Reza Mohamad Karimi", date_of_birth=KARIMI_DOB, citizenships=["IR"]
    ).hits.all()
    rules = {(r["query"], r["listed"]): r["rule"] for r in hit.explanation}
    assert rules[("karimi", "karimi")] == "exact"
    assert rules[("mohamad", "mohammad")] in {"edit distance", "transliteration"}
    page = verified_client(cast.export).get(f"/admin/screening/screeninghit/{hit.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    for text in (
        "Why it matched",
        "mohamad",
        "transliteration",
        "Date of birth",
        "agrees",
        "1970-01-12",
        "Nationalities",
    ):
        assert text.lower() in html.lower(), text


@pytest.mark.django_db
def test_an_organization_name_is_not_matched_against_listed_people(cast, lists):
    """'Reza Mohammad Karimi' is a listed individual: an organization of that name is
    compared with entities, vessels and aircraft only."""
    org = cast.org
    org.legal_name = "Reza Mohammad Karimi"
    org.save(update_fields=["legal_name"])
    run = _screened(cast, "Alice Example")
    assert not run.hits.filter(subject_kind="organization").exists()


@pytest.mark.django_db
def test_only_those_who_may_see_citizenship_see_the_declared_identifiers(cast, lists):
    declared = date(1970, 1, 15)  # close to the listed 1970-01-12: a hit either way
    [hit] = _screened(
        cast, "Reza Mohamad Karimi", date_of_birth=declared, citizenships=["IR"]
    ).hits.all()
    url = f"/admin/screening/screeninghit/{hit.pk}/change/"
    shown = verified_client(cast.export).get(url).content.decode()
    assert "Identifiers compared" in shown and declared.isoformat() in shown
    for user in (cast.officer, cast.government):
        page = verified_client(user).get(url)
        assert page.status_code == 200
        assert "Identifiers compared" not in page.content.decode()
        assert declared.isoformat() not in page.content.decode()


@pytest.mark.django_db
def test_a_name_with_a_direction_override_is_refused_naming_the_field(cast, lists):
    """'\u202eSAMAH' displays as HAMAS but is screened as SAMAH: such names are refused."""
    from django.core.exceptions import ValidationError

    app = cast.draft()
    with pytest.raises(ValidationError) as refused:
        declare(cast, app, "\u202eSAMAH")
    assert "legal_name" in refused.value.message_dict
    assert "U+202E" in refused.value.message_dict["legal_name"][0]
    org = cast.org
    org.legal_name = "Acme\u200b Power"
    with pytest.raises(ValidationError) as refused:
        org.full_clean()
    assert "legal_name" in refused.value.message_dict
