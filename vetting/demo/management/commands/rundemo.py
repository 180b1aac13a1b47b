"""One command for a newcomer: migrate, seed the demo, then run the web server, a
Celery worker and Celery beat side by side under vetting.demo.supervisor: one that
exits is restarted (with back-off, logged once per restart); Ctrl-C stops all.

The web server runs with DEBUG off, as production does, so a stale link shows the
portal's 404 page, not Django's technical one (which lists every URL pattern);
whitenoise serves the static files. ``--debug`` turns DEBUG on for development."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from vetting.demo.supervisor import Supervisor


class Command(BaseCommand):
    help = "Migrate, seed demo data and run web server + Celery worker + beat."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-seed", action="store_true", help="Skip seed_demo.")
        parser.add_argument(
            "--debug", action="store_true", help="Run the web server with DEBUG on."
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=1)
        if not options["no_seed"]:
            call_command("seed_demo")
        python = sys.executable
        supervisor = Supervisor()
        supervisor.add(
            "web",
            [python, "manage.py", "runserver", options["addrport"], "--noreload"],
            env={**os.environ, "DEBUG": "true" if options["debug"] else "false"},
        )
        celery = [python, "-m", "celery", "-A", "vetting"]
        supervisor.add("worker", [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"])
        supervisor.add("beat", [*celery, "beat", "--loglevel", "INFO"])
        sys.exit(supervisor.run())
