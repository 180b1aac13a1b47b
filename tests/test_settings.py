"""Settings come from the environment: production mode passes Django's deployment
checks, refuses to start without its secrets, and keeps database connections;
every model change has its migration."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Variables that would leak this test run's configuration into the child process.
INHERITED = {
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "VETTING_ENV",
    "DB_CONN_MAX_AGE",
    "DJANGO_SETTINGS_MODULE",
    "CELERY_BROKER_URL",
    "REDIS_URL",
}


@pytest.fixture
def environ(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env["VETTING_VAR_DIR"] = str(tmp_path / "var")
    return env


def production(env: dict[str, str], **overrides: str) -> dict[str, str]:
    return {
        **env,
        "VETTING_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "vetting.example.org",
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        **overrides,
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed argv: this interpreter running manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def setting(env: dict[str, str], expression: str) -> str:
    result = manage(
        env,
        "shell",
        "--verbosity",
        "0",
        "-c",
        f"from django.conf import settings; print({expression})",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:6379/13"])
def test_production_mode_passes_the_deployment_checks(environ, redis_url):
    # With Redis (the production stack's cache, which the throttles count in) and without.
    env = {**production(environ), "REDIS_URL": redis_url}
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(environ):
    env = production(environ)
    del env["SECRET_KEY"]

    result = manage(env, "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when VETTING_ENV=production" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts(environ):
    env = production(environ)
    del env["ALLOWED_HOSTS"]

    result = manage(env, "check")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when VETTING_ENV=production" in result.stderr


def test_a_weak_secret_key_fails_the_deployment_checks(environ):
    result = manage(
        production(environ, SECRET_KEY="short"), "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_production_mode_turns_debug_off_and_keeps_database_connections(environ):
    env = production(environ, DATABASE_URL="postgres://vetting@db.internal:5432/vetting")

    assert setting(env, "settings.DEBUG") == "False"
    assert int(setting(env, "settings.DATABASES['default']['CONN_MAX_AGE']")) >= 60


def test_production_trusts_one_proxy_hop_for_client_addresses_and_development_none(environ):
    assert setting(production(environ), "settings.TRUSTED_PROXY_HOPS") == "1"
    assert setting(environ, "settings.TRUSTED_PROXY_HOPS") == "0"
    two = production(environ, TRUSTED_PROXY_HOPS="2")
    assert setting(two, "settings.TRUSTED_PROXY_HOPS") == "2"


def test_an_unknown_environment_name_is_refused(environ):
    result = manage({**environ, "VETTING_ENV": "prod"}, "check")

    assert result.returncode != 0
    assert "VETTING_ENV must be 'development' or 'production'" in result.stderr


def test_the_embedded_default_needs_no_configuration(environ):
    assert setting(environ, "settings.DATABASES['default']['ENGINE']") == (
        "django.db.backends.sqlite3"
    )
    assert setting(environ, "settings.CELERY_BROKER_URL") == "filesystem://"
    # ...through the transport whose writes are atomic (tests/test_broker.py).
    transport = "type(__import__('vetting.celery').celery.app.connection_for_write().transport)"
    assert setting(environ, f"{transport}.__module__") == "vetting.broker"


def test_every_model_change_has_its_migration(environ):
    result = manage(environ, "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, f"Missing migrations:\n{result.stdout}{result.stderr}"


def test_production_static_files_collect_into_a_manifest(environ, tmp_path):
    root = tmp_path / "static"
    result = manage(production(environ, STATIC_ROOT=str(root)), "collectstatic", "--noinput")
    assert result.returncode == 0, result.stderr
    manifest = (root / "staticfiles.json").read_text()
    assert '"uswds/css/uswds.min.css"' in manifest  # the stylesheet every portal page links


def test_seed_demo_refuses_a_production_database_unless_told_it_is_throwaway(environ):
    env = production(environ, DATABASE_URL=f"sqlite:///{environ['VETTING_VAR_DIR']}/prod.db")
    assert manage(env, "migrate", "--noinput").returncode == 0
    refused = manage(env, "seed_demo")
    assert refused.returncode == 2
    assert "refuses to run with VETTING_ENV=production" in refused.stderr
    assert "vetting-demo-2026" not in refused.stdout + refused.stderr
    count = "from vetting.accounts.models import User; print(User.objects.count())"
    assert manage(env, "shell", "--verbosity", "0", "-c", count).stdout.strip() == "0"
