"""Email a staff account its enrollment link and print it (e.g. for the first
administrator, made with ``createsuperuser``, who has no second factor yet)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vetting.accounts.enrollment import enrollment_send
from vetting.accounts.models import User
from vetting.errors import DomainError


class Command(BaseCommand):
    help = "Reset a staff account's password and second factors and send its enrollment link."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No account has the email address {email!r}.")
        try:
            path = enrollment_send(actor=None, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        hours = settings.STAFF_ENROLLMENT_HOURS
        self.stdout.write(f"Emailed to {user.email}; works once, for {hours} hours:")
        self.stdout.write(f"{settings.BASE_URL}{path}")
