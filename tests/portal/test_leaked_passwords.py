"""A password on the lists of leaked passwords is refused wherever one is chosen
(vetting.accounts.passwords, through Django's password validation)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from vetting.accounts.models import User

pytestmark = pytest.mark.django_db
# Long enough for the length rule and absent from Django's own 20,000-password list,
# but on the leaked lists.
LEAKED = "letmeinplease"


def test_a_listed_password_is_refused_and_an_unlisted_one_passes():
    with pytest.raises(ValidationError) as refused:
        validate_password(LEAKED)
    assert [e.code for e in refused.value.error_list] == ["password_leaked"]
    validate_password("grid-defender-2031!")  # not listed: no error


def test_sign_up_with_a_leaked_password_names_the_field_and_echoes_nothing():
    response = Client().post(
        reverse("signup"),
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@grid.example",
            "password": LEAKED,
            "password_again": LEAKED,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "lists of leaked and common passwords" in body
    assert LEAKED not in body and 'value="grace@grid.example"' in body  # email kept
    assert not User.objects.filter(email="grace@grid.example").exists()
