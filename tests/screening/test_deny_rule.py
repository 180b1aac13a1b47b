"""One deny-list rule: for generated organizations and deny-list rows written with
other case, spacing and punctuation, every question the code asks (a single
organization's denial, the bulk set the check, status list, sync and certificates
use, the email-domain check) gives the same answer, and it is the rule stated in
selectors.py, written out independently here."""

import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_org
from vetting.screening.models import DeniedParty
from vetting.screening.selectors import (
    denial_of,
    denied_organization_ids,
    email_domain_is_denied,
    organization_is_denied,
)

NAMES = ["Midplains Power Cooperative", "Acme Grid LLC", "Delta Water Authority"]
DOMAINS = ["midplainspower.test", "acmegrid.test"]
UEIS = ["J7M9HPTGJ1S9", "K8N2QRTUV3W4"]
EINS = ["12-3456789", "98-7654321"]
CAGES = ["1ABC5", "7XYZ9"]


def _respell(draw, text):
    """The same value as a person might type it: case, outer and doubled spaces."""
    text = draw(st.sampled_from([text, text.upper(), text.lower(), text.title()]))
    if draw(st.booleans()):
        text = text.replace(" ", "  ", 1)
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " ", "  "]))


@st.composite
def parties(draw):
    """A deny-list row naming an organization by one value, possibly respelt."""
    field = draw(st.sampled_from(["legal_name", "email_domain", "uei", "ein", "cage"]))
    kind = "email_domain" if field == "email_domain" else "organization"
    if field == "email_domain" and draw(st.booleans()):
        kind = "organization"  # an organization row carrying the domain names it too
    pool = {"legal_name": NAMES, "email_domain": DOMAINS, "uei": UEIS, "ein": EINS, "cage": CAGES}[
        field
    ]
    value = draw(st.sampled_from(pool))
    if field == "ein" and draw(st.booleans()):
        value = value.replace("-", "")
    if field == "email_domain" and draw(st.booleans()):
        value += "."
    value = _respell(draw, value) if field in ("legal_name", "email_domain") else value
    fields = {field: value}
    if kind == "organization" and field == "email_domain":
        fields["legal_name"] = "Unrelated Holdings"
    return kind, fields


def _expected(org, kind, fields) -> bool:
    """The rule, written out: any one value names the organization."""

    def fold(text):
        return " ".join(text.casefold().split())

    if "legal_name" in fields and fold(fields["legal_name"]) == fold(org.legal_name):
        return True
    domain = fields.get("email_domain", "").strip().lower().rstrip(".")
    if domain and domain == org.domain:
        return True
    for field in ("uei", "cage"):
        if field in fields and fields[field].strip().upper() == getattr(org, field):
            return True
    if "ein" in fields:
        digits = re.sub(r"\D", "", fields["ein"])
        return bool(org.ein) and digits == org.ein.replace("-", "")
    return False


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    party=parties(),
    org_at=st.integers(0, 1),
    name_at=st.integers(0, 2),
)
def test_every_question_about_the_deny_list_gets_the_rules_answer(party, org_at, name_at):
    kind, fields = party
    with transaction.atomic():
        org = make_org(
            legal_name=NAMES[name_at],
            domain=DOMAINS[org_at],
            uei=UEIS[org_at],
            ein=EINS[org_at],
            cage=CAGES[org_at],
        )
        DeniedParty.objects.create(kind=kind, reason="Generated.", **fields)
        expected = _expected(org, kind, fields)
        assert (denial_of(org) is not None) == expected
        assert organization_is_denied(org) == expected
        assert (org.pk in denied_organization_ids()) == expected
        if "email_domain" in fields:
            assert email_domain_is_denied(f"someone@{org.domain}") == expected
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_name_typed_with_other_spacing_and_case_is_the_same_name():
    org = make_org(legal_name="Acme  Grid   LLC")
    DeniedParty.objects.create(kind="organization", legal_name=" acme grid llc ", reason="X.")
    assert organization_is_denied(org) and org.pk in denied_organization_ids()
    org.legal_name = "Acme Grid Holdings"
    org.save(update_fields=["legal_name"])
    assert not organization_is_denied(org) and org.pk not in denied_organization_ids()
