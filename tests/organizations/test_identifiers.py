"""Organization identifiers (UEI, EIN, CAGE) follow the format rules of DOMAIN.md,
each refusal naming the field and the rule it broke."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from vetting.organizations.models import Organization

pytestmark = pytest.mark.django_db  # full_clean checks the unique constraints

# DOMAIN.md, written out again here so the test does not trust the code's own table.
EIN_PREFIXES = {
    "01-06",
    "10-16",
    "20-27",
    "30-39",
    "40-48",
    "50-59",
    "60-68",
    "71-77",
    "80-88",
    "90-95",
    "98-98",
    "99-99",
}
VALID_EIN_PREFIXES = {n for span in EIN_PREFIXES for n in range(int(span[:2]), int(span[3:]) + 1)}


def org(**identifiers) -> Organization:
    return Organization(
        legal_name="Grid Defenders LLC",
        domain="Grid.Example.",
        kind=Organization.Kind.PRIVATE_COMPANY,
        **identifiers,
    )


def errors_for(**identifiers) -> dict[str, list[str]]:
    try:
        org(**identifiers).full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


# --- UEI -------------------------------------------------------------------------


@pytest.mark.parametrize("uei", ["J7M9HPTGJ1S9", "A12345678BCD", "ZZZZZZZZZZZZ"])
def test_a_well_formed_uei_is_accepted(uei):
    assert errors_for(uei=uei) == {}


def test_a_uei_is_case_insensitive_and_stored_upper_case():
    organization = org(uei="j7m9hptgj1s9")

    organization.full_clean()

    assert organization.uei == "J7M9HPTGJ1S9"


@pytest.mark.parametrize(
    ("uei", "message"),
    [
        ("J7M9HPTGJ1S", "A UEI has exactly 12 characters; this one has 11."),
        ("J7M9-PTGJ1S9", "A UEI contains only letters and digits."),
        ("J7M9HPTGJ1SÉ", "A UEI contains only letters and digits."),
        ("J7M9HPOGJ1S9", "A UEI never contains the letters O or I (they look like 0 and 1)."),
        ("J7M9HPiGJ1S9", "A UEI never contains the letters O or I (they look like 0 and 1)."),
        ("07M9HPTGJ1S9", "A UEI cannot start with 0."),
        ("A123456789BC", "A UEI cannot contain nine digits in a row."),
    ],
)
def test_a_malformed_uei_is_refused_with_the_rule_it_breaks(uei, message):
    assert errors_for(uei=uei) == {"uei": [message]}


# --- EIN -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ein", "stored"),
    [
        ("12-3456789", "12-3456789"),
        ("123456789", "12-3456789"),
        ("98 7654321", "98-7654321"),
    ],
)
def test_a_well_formed_ein_is_accepted_and_stored_as_nn_nnnnnnn(ein, stored):
    organization = org(ein=ein)

    organization.full_clean()

    assert organization.ein == stored


@pytest.mark.parametrize("prefix", range(100), ids=lambda n: f"{n:02d}")
def test_an_ein_prefix_is_accepted_only_if_the_irs_assigns_it(prefix):
    errors = errors_for(ein=f"{prefix:02d}-1234567")

    if prefix in VALID_EIN_PREFIXES:
        assert errors == {}
    else:
        assert errors == {"ein": [f"{prefix:02d} is not a valid IRS prefix for an EIN."]}


@pytest.mark.parametrize("ein", ["12-345678", "1234567890", "12_3456789", "AB-1234567"])
def test_a_malformed_ein_is_refused_with_the_expected_format(ein):
    assert errors_for(ein=ein) == {
        "ein": ["An EIN has 9 digits, written NN-NNNNNNN (for example 12-3456789)."]
    }


# --- CAGE ------------------------------------------------------------------------


@pytest.mark.parametrize(("cage", "stored"), [("1ABC5", "1ABC5"), ("0ab9z", "0AB9Z")])
def test_a_well_formed_cage_code_is_accepted(cage, stored):
    organization = org(cage=cage)

    organization.full_clean()

    assert organization.cage == stored


@pytest.mark.parametrize("cage", ["1ABC", "1AB-5", "1ABÇ5", "     "])
def test_a_malformed_cage_code_is_refused(cage):
    assert errors_for(cage=cage) == {"cage": ["A CAGE code has exactly 5 letters or digits."]}


def test_a_thirteen_character_uei_is_refused():
    # The column holds 12 characters, so Django's length check speaks too.
    errors = errors_for(uei="J7M9HPTGJ1S9X")

    assert list(errors) == ["uei"]
    assert "A UEI has exactly 12 characters; this one has 13." in errors["uei"]


def test_a_six_character_cage_code_is_refused():
    # The column holds 5 characters, so Django's length check speaks first; both
    # messages name the field.
    errors = errors_for(cage="1ABC56")

    assert list(errors) == ["cage"]
    assert "A CAGE code has exactly 5 letters or digits." in errors["cage"]


# --- together ----------------------------------------------------------------------


def test_identifiers_are_optional():
    assert errors_for() == {}


def test_every_bad_identifier_is_reported_at_once():
    errors = errors_for(uei="0", ein="7", cage="X")

    assert set(errors) == {"uei", "ein", "cage"}


def test_the_domain_is_stored_lower_case_without_the_trailing_dot():
    organization = org()

    organization.full_clean()

    assert organization.domain == "grid.example"


def test_two_organizations_cannot_share_a_uei():
    org(uei="J7M9HPTGJ1S9").save()

    with pytest.raises(IntegrityError), transaction.atomic():
        org(uei="J7M9HPTGJ1S9").save()
