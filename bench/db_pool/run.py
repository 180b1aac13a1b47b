"""Django's built-in psycopg pool against persistent connections (CONN_MAX_AGE), on the
two-host production stack (deploy/ci-stack.sh: nginx -> two gunicorn hosts -> PostgreSQL).

Measured through nginx with wrk, each figure the median of interleaved rounds (persistent,
pool, persistent, pool, ...; the web hosts restart between them, with
DJANGO_SETTINGS_MODULE=bench.db_pool.pool_settings for the pool):
  - the clearance check on its database path (GET /api/v1/check with a gateway key and
    Cache-Control: no-cache: one prepared statement per request),
  - the console's applications changelist as a signed-in superuser (a dozen queries and a
    session write per request).
Needs the stack up; starts it (and stops it after) when it is not. BENCH_QUICK=1: short
runs. Prints requests/s, p50 and p99 per mode.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = 2 if QUICK else 3
SECONDS = 3 if QUICK else 8
STACK_DIR = Path(os.environ.setdefault("VETTING_STACK_DIR", str(ROOT / "var" / "stack")))
STACK = ROOT / "deploy" / "ci-stack.sh"
MODES = {
    "persistent (CONN_MAX_AGE=600)": "",
    "pool (OPTIONS pool, max 4)": "DJANGO_SETTINGS_MODULE=bench.db_pool.pool_settings",
}
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
SEED = """
from vetting.accounts.models import User
from vetting.api.keys import gateway_key_create
from vetting.gated_models.models import GatedModel
from vetting.organizations.models import Organization
import json
model = GatedModel.objects.get(slug="mythos-5")
officer = User.objects.get(email="officer@vetting.test")
_, key = gateway_key_create(actor=officer, name="bench-db-pool", gated_model_ids=[model.pk])
org = Organization.objects.get(legal_name="Tri-State Grid Operations LLC")
print(json.dumps({"key": key, "organization": org.uei, "model": model.slug}))
"""


def stack_env() -> dict:
    lines = (STACK_DIR / "stack.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def manage_shell(code: str) -> str:
    """manage.py shell with the stack's env file, as an operator would run it."""
    env = {**os.environ}
    for line in (STACK_DIR / "vetting.env").read_text().splitlines():
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if match:
            env[match.group(1)] = match.group(2).strip('"')
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def admin_session(stack) -> str:
    from deploy.smoke.client import Client
    from deploy.smoke.conftest import PASSWORD, fresh_totp

    base = stack["STACK_BASE_URL"]
    c = Client(base, stack["STACK_SERVER_NAME"], base)
    email = "admin@vetting.test"
    csrf = c.get("/admin/login/").csrf_token()
    assert (
        c.post_form("/admin/login/", {"username": email, "password": PASSWORD}, csrf).status == 302
    )
    csrf = c.get("/admin/mfa/verify/").csrf_token()
    verified = c.post_form("/admin/mfa/verify/", {"otp_token": fresh_totp(email)}, csrf)
    assert verified.status == 302, verified.status
    return c.cookies["sessionid"]


def wrk(url: str, headers: dict, host: str) -> dict:
    args = ["wrk", "-t2", "-c8", f"-d{SECONDS}s", "--latency", "-H", f"Host: {host}"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk measured nothing on {url}:\n{out}")
    latency = {
        p: float(v) * _UNITS[u]
        for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency["50"],
        "p99": latency["99"],
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def assert_answers(stack, check_headers, admin_headers, facts):
    """Both URLs answer 200 in this mode (a redirect to the login would look fast)."""
    from deploy.smoke.client import Client

    c = Client(stack["STACK_BASE_URL"], stack["STACK_SERVER_NAME"], stack["STACK_BASE_URL"])
    query = f"organization={facts['organization']}&model={facts['model']}"
    assert c.get(f"/api/v1/check?{query}", headers=check_headers).status == 200
    assert c.get("/admin/applications/application/", headers=admin_headers).status == 200


def restart_web(extra: str):
    env = {**os.environ, "STACK_WEB_EXTRA_ENV": extra}
    subprocess.run(["bash", str(STACK), "restart-web"], env=env, check=True, capture_output=True)


def main():
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    started_here = not (STACK_DIR / "stack.env").exists()
    if started_here and QUICK:
        # .ci/run's quick pass: the stack (minutes to build) has been taken down by then.
        print(
            "bench/db_pool: skipped in quick mode without a running stack (deploy/ci-stack.sh up)"
        )
        return
    if started_here:
        subprocess.run(["bash", str(STACK), "up"], check=True)
    try:
        measure(stack_env())
    finally:
        restart_web("")  # leave the stack as deploy/ describes it
        if started_here:
            subprocess.run(["bash", str(STACK), "down"], check=True)


def measure(stack):
    import django

    django.setup()  # for the smoke client's TOTP helper (no database use)
    facts = json.loads(manage_shell(SEED))
    nginx = f"https://127.0.0.1:{stack['STACK_HTTPS_PORT']}"
    host = f"{stack['STACK_SERVER_NAME']}:{stack['STACK_HTTPS_PORT']}"
    check = f"{nginx}/api/v1/check?organization={facts['organization']}&model={facts['model']}"
    check_headers = {"Authorization": f"Bearer {facts['key']}", "Cache-Control": "no-cache"}
    results = {mode: {"check": [], "admin": []} for mode in MODES}
    session = None
    for n in range(ROUNDS):
        for mode, extra in MODES.items():
            restart_web(extra)
            session = session or admin_session(stack)
            admin_headers = {"Cookie": f"sessionid={session}"}
            assert_answers(stack, check_headers, admin_headers, facts)
            results[mode]["check"].append(wrk(check, check_headers, host))
            results[mode]["admin"].append(
                wrk(f"{nginx}/admin/applications/application/", admin_headers, host)
            )
            print(f"round {n + 1} {mode}: done", flush=True)
    print(f"\nwrk -t2 -c8 through nginx, medians of {ROUNDS} interleaved rounds of {SECONDS}s")
    print(f"{'mode':32} {'endpoint':8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for mode in MODES:
        for endpoint in ("check", "admin"):
            runs = results[mode][endpoint]
            med = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
            bad = sum(r["non_2xx"] for r in runs)
            print(
                f"{mode:32} {endpoint:8} {med['rps']:8.0f} {med['p50']:8.2f} "
                f"{med['p99']:8.2f} {bad:8d}"
            )


if __name__ == "__main__":
    main()
