"""Load benchmark of the clearance check (see README "Gateway integration").

Starts gunicorn with production settings (Django's and vetting/gunicorn_conf.py's) on
PostgreSQL + a Redis of its own, and measures, in the same run and server
configuration, with wrk on loopback:
  1. a bare Django view (a constant JSON answer through the production middleware
     and URL routing; the benchmark's own URLconf, bench_settings.py and urls.py),
  2. the check with a warm cache (a repeated ask, answered from the worker's memo),
  3. the check on the database path (Cache-Control: no-cache: the clearances are
     read from the database),
  4. the warm check's p99 at about half its peak rate.
The first three run in interleaved rounds (bare, warm, db, bare, warm, db, ...) and
each figure is the median over the rounds, so a burst of noise from a neighbour on
a shared machine hits one round of each, not one endpoint's whole measurement.
Then offline certificate verifications per second (vetting/gateway_verifier.py),
the revocation propagation time under load, and a revocation with the Redis killed.
BENCH_QUICK=1: short runs.
"""

import base64
import importlib.util
import json
import os
import re
import runpy
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

MAX_AGE = 0.5  # vetting.api.freshness.MAX_AGE: the stated bound

ROOT = Path(__file__).resolve().parents[2]
QUICK = os.environ.get("BENCH_QUICK") == "1"
DURATION = 3 if QUICK else 10
ROUNDS = 3 if QUICK else 5
ROUND_SECONDS = 2 if QUICK else 4
HALF_ROUNDS = 3 if QUICK else 5
HALF_SECONDS = 2 if QUICK else 6
BARE = "/bench/bare"
PORT = int(os.environ.get("BENCH_PORT", "8160"))
BASE = f"http://127.0.0.1:{PORT}"
DB_NAME = os.environ.get("BENCH_DB_NAME", "vetting_bench_api")
ENV = {
    **os.environ,
    "VETTING_ENV": "production",
    "SECRET_KEY": "bench-only-" + "k" * 40,
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "bench.check_load.bench_settings",
    "VETTING_SIGNING_KEYS": "bench:"
    + base64.b64encode(b"bench-seed-32-bytes-long-exactly").decode(),
    "VETTING_VAR_DIR": os.environ.get("VETTING_VAR_DIR", tempfile.mkdtemp(prefix="bench-")),
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
    "WEB_BIND": f"127.0.0.1:{PORT}",
}
# The production gunicorn settings (vetting/gunicorn_conf.py) with their defaults for
# this machine, unless BENCH_WORKERS / BENCH_WORKER_CLASS / BENCH_THREADS say otherwise.
_CONF = runpy.run_path(str(ROOT / "vetting" / "gunicorn_conf.py"))
ENV["WEB_CONCURRENCY"] = os.environ.get("BENCH_WORKERS", str(_CONF["workers"]))
ENV["WEB_WORKER_CLASS"] = os.environ.get("BENCH_WORKER_CLASS", _CONF["worker_class"])
ENV["WEB_THREADS"] = os.environ.get("BENCH_THREADS", str(_CONF["threads"]))


def run(*args, **kwargs):
    return subprocess.run(
        args, env=ENV, cwd=ROOT, check=True, capture_output=True, text=True, **kwargs
    ).stdout


def start_redis() -> subprocess.Popen:
    """A redis-server of the benchmark's own (the revocation with Redis down kills it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    ENV["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    return server


def prepare_database() -> dict:
    (Path(ENV["VETTING_VAR_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        run("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql)
    run(sys.executable, "manage.py", "migrate", "-v0")
    return json.loads(run(sys.executable, "bench/check_load/django_side.py", "seed"))


def start_server():
    # reuse_port would let a leftover server share the port (and the load) unnoticed.
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
    except OSError:
        pass
    else:
        raise SystemExit(f"port {PORT} is already in use; stop that server or set BENCH_PORT")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:vetting.gunicorn_conf",
            "vetting.wsgi",
            "--log-level",
            "warning",
        ],
        env=ENV,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + BARE, timeout=1).read()  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(
    path: str, headers: dict, *, duration=DURATION, connections=8, threads=2, script=None
) -> dict:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", script]
    stolen = _steal_ticks()
    out = subprocess.run([*args, BASE + path], check=True, capture_output=True, text=True).stdout
    stolen = _steal_ticks() - stolen
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk measured nothing on {path}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {
        p: float(v) * _UNITS[u]
        for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"cannot read wrk's latency on {path}:\n{out}")
    return {
        "rps": rps,
        "p50": latency["50"],
        "p99": latency["99"],
        "non_2xx": int(errors.group(1)) if errors else 0,
        # CPU time the hypervisor gave to other guests, as % of all cores' time
        "steal": 100 * stolen / (_TICKS * duration * (os.cpu_count() or 1)),
    }


_TICKS = os.sysconf("SC_CLK_TCK")


def _steal_ticks() -> int:
    """The machine's ``steal`` counter (/proc/stat; 0 where there is none)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0
    return int(fields[8]) if len(fields) > 8 else 0


def median_of(runs: list[dict]) -> dict:
    return {
        field: statistics.median(run[field] for run in runs) for field in ("rps", "p50", "p99")
    } | {
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "rounds": [run["rps"] for run in runs],
        "p99_rounds": [run["p99"] for run in runs],
        "steal": statistics.median(run["steal"] for run in runs),
    }


def check_path(facts, which: str = "first") -> str:
    org = facts[which]
    return f"/api/v1/check?organization={org['organization']}&model={org['model']}"


def half_peak(facts, auth, peak_rps) -> dict[str, dict]:
    """The warm check, and the bare view for comparison, paced at about half the
    check's peak rate: each of 16 connections waits a fixed delay after each answer
    (wrk's Lua ``delay``), calibrated by two short runs so that delay + latency
    gives the wanted rate. Interleaved rounds, medians, as for the peak figures."""
    connections, target = 16, peak_rps / 2

    def paced(path: str, headers: dict, delay_ms: int, duration: int) -> dict:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(f"function delay() return {delay_ms} end\n")
        return wrk(
            path,
            headers,
            duration=duration,
            connections=connections,
            script=script.name,
            threads=1,  # half the rate needs one; the other core stays with the server
        )

    # Two short runs: the second corrects the first's estimate of the time a
    # connection spends outside the delay, which a noisy moment can inflate.
    delay_ms = max(1, round(connections * 1000 / target))
    for _ in range(2):
        calibration = paced(check_path(facts), auth, delay_ms, 2)
        outside_ms = max(0.0, connections * 1000 / calibration["rps"] - delay_ms)
        delay_ms = max(1, round(connections * 1000 / target - outside_ms))
    endpoints = {"check_warm_half_peak": (check_path(facts), auth), "bare_half_peak": (BARE, {})}
    rounds = {name: [] for name in endpoints}
    for _ in range(HALF_ROUNDS):
        for name, (path, headers) in endpoints.items():
            rounds[name].append(paced(path, headers, delay_ms, HALF_SECONDS))
    return {name: median_of(runs) for name, runs in rounds.items()}


def propagation(facts, auth, which: str, *, kill_redis=None) -> dict:
    """Pollers on keep-alive connections (spread over the workers) while wrk loads the
    warm check; the clearance ``which`` is revoked in another process (after killing
    the Redis, if ``kill_redis``); how long after the commit did any poller still get
    an allow? A sample's time is when its request was sent."""
    samples, stop = [], threading.Event()
    path = check_path(facts, which)

    def poll():
        conn = HTTPConnection("127.0.0.1", PORT, timeout=5)
        while not stop.is_set():
            sent = time.time()
            conn.request("GET", path, headers=auth)
            response = conn.getresponse()
            body = json.loads(response.read())
            samples.append((sent, body.get("cleared") is True, response.status))

    load = threading.Thread(target=wrk, args=(path, auth), kwargs={"duration": 5})
    pollers = [threading.Thread(target=poll) for _ in range(4)]
    for thread in [load, *pollers]:
        thread.start()
    time.sleep(1.5)
    if kill_redis is not None:
        kill_redis.kill()
        kill_redis.wait()
    committed = json.loads(
        run(
            sys.executable,
            "bench/check_load/django_side.py",
            "revoke",
            str(facts[which]["clearance"]),
            str(facts["officer"]),
        )
    )["at"]
    load.join()
    stop.set()
    for thread in pollers:
        thread.join()
    after = [(t - committed, ok) for t, ok, _ in samples if t > committed]
    late = [dt for dt, ok in after if ok]
    return {
        "last_allow_after_commit_ms": round(max(late) * 1000, 1) if late else 0.0,
        "allows_after_bound": sum(1 for dt in late if dt > MAX_AGE),
        "checks_after_commit": len(after),
        "allowed_before": any(ok for t, ok, _ in samples if t < committed),
        "statuses": sorted({status for _, _, status in samples}),
    }


def offline_verifications(facts, auth) -> dict:
    """Verifications per second on one core in vetting/gateway_verifier.py: of one
    certificate asked about again and again (what a gateway does: its signature is
    checked once, expiry, model and status bit every time), and with the signature
    checked every time (the verifier's kept signatures emptied before each call)."""
    spec = importlib.util.spec_from_file_location(
        "gateway_verifier", ROOT / "vetting" / "gateway_verifier.py"
    )
    gv = importlib.util.module_from_spec(spec)
    sys.modules["gateway_verifier"] = gv
    spec.loader.exec_module(gv)
    verifier = gv.Verifier(gv.fetch_jwks(BASE))
    verifier.load_status_list(gv.fetch_status_list(BASE, facts["key"]).token)
    url = f"{BASE}/api/v1/clearances/{facts['first']['serial']}/certificate"
    request = urllib.request.Request(url, headers=auth)  # noqa: S310 - loopback http
    token = json.loads(urllib.request.urlopen(request).read())["certificate"]  # noqa: S310
    model = facts["first"]["model"]

    def rate(before_each) -> float:
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < (1 if QUICK else 3):
            before_each()
            verifier.verify(token, model=model)
            count += 1
        return count / (time.perf_counter() - started)

    return {"repeated": rate(lambda: None), "signature_each_time": rate(verifier._checked.clear)}


def ensure_wrk():
    if shutil.which("wrk"):
        return
    # Debian's package; CI and developers' machines run as root with apt available.
    print("wrk is missing: apt-get install -y wrk", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)


def report(results: dict) -> None:
    print(
        f"bench/check_load ({'quick' if QUICK else 'full'}; gunicorn "
        f"{ENV['WEB_CONCURRENCY']} {ENV['WEB_WORKER_CLASS']} workers"
        + (f" x {ENV['WEB_THREADS']} threads" if ENV["WEB_WORKER_CLASS"] == "gthread" else "")
        + "; PostgreSQL + Redis, "
        "production settings)"
    )
    print(f"peak: wrk -t2 -c8, medians of {ROUNDS} interleaved rounds of {ROUND_SECONDS}s")
    print(
        f"{'endpoint':<22}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}{'x bare':>9}{'steal %':>9}"
        "  rps per round"
    )
    bare, peak = results["bare"]["rps"], results["check_warm"]["rps"]
    for name in ("bare", "check_warm", "check_db"):
        r = results[name]
        per_round = " ".join(f"{rps:.0f}" for rps in r["rounds"])
        print(
            f"{name:<22}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['rps'] / bare:>9.2f}{r['steal']:>9.1f}  {per_round}"
        )
    print(
        f"half peak: wrk -t1 -c16 paced, medians of {HALF_ROUNDS} interleaved rounds "
        f"of {HALF_SECONDS}s"
    )
    print(
        f"{'endpoint':<22}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}{'x peak':>9}{'steal %':>9}"
        "  p99 ms per round"
    )
    for name in ("check_warm_half_peak", "bare_half_peak"):
        r = results[name]
        per_round = " ".join(f"{p99:.2f}" for p99 in r["p99_rounds"])
        print(
            f"{name:<22}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['rps'] / peak:>9.2f}{r['steal']:>9.1f}  {per_round}"
        )
    print("(steal %: CPU time the hypervisor gave to other guests during the rounds, median)")
    up, down = results["revocation"], results["revocation_redis_down"]
    print(
        f"revocation under load: last allow {up['last_allow_after_commit_ms']} ms after "
        f"commit, {up['allows_after_bound']} allows after {MAX_AGE} s "
        f"({up['checks_after_commit']} checks after commit; cleared before: "
        f"{up['allowed_before']}; statuses {up['statuses']})"
    )
    print(
        f"revocation with Redis killed: committed; last allow {down['last_allow_after_commit_ms']}"
        f" ms after commit, {down['allows_after_bound']} allows after {MAX_AGE} s "
        f"({down['checks_after_commit']} checks after commit; statuses {down['statuses']})"
    )
    offline = results["verifications"]
    print(
        f"offline verifications/s (gateway_verifier, 1 core): {offline['repeated']:.0f} "
        f"(signature checked each time: {offline['signature_each_time']:.0f})"
    )
    before, after = check_code_lines()
    print(
        f"lines of check code: before {sum(before.values())} ("
        + ", ".join(f"{k} {v}" for k, v in before.items())
        + f"); after {sum(after.values())} ("
        + ", ".join(f"{k} {v}" for k, v in after.items())
        + ")"
    )
    targets = [
        ("warm check >= 1.0 x bare", results["check_warm"]["rps"] / bare >= 1.0),
        ("database path >= 0.5 x bare", results["check_db"]["rps"] / bare >= 0.5),
        ("warm p99 <= 5 ms at half peak", results["check_warm_half_peak"]["p99"] <= 5),
        (
            "last allow <= 0.5 s after revocation, 0 after",
            up["last_allow_after_commit_ms"] <= 500 and up["allows_after_bound"] == 0,
        ),
        (
            "Redis down: revocation commits, checks deny",
            down["allows_after_bound"] == 0 and down["statuses"] == [200],
        ),
        ("offline verifications >= 8,000/s", results["verifications"]["repeated"] >= 8000),
    ]
    print("targets: " + "; ".join(f"{t}: {'met' if ok else 'MISSED'}" for t, ok in targets))


# The check's code when issue 16 was filed (commit ad9d7e3): three entry points (a WSGI
# layer, a middleware, the ninja route), a Redis generation and a prepared statement.
LINES_BEFORE = {
    "check.py": 301,
    "replay.py": 82,
    "freshness.py": 149,
    "lookup.py": 91,
    "keys.py": 153,
}
CHECK_CODE = ("check.py", "decision.py", "freshness.py", "compiled.py", "keys.py")


def check_code_lines() -> tuple[dict, dict]:
    api = ROOT / "vetting" / "api"
    return LINES_BEFORE, {name: len((api / name).read_text().splitlines()) for name in CHECK_CODE}


def main():
    ensure_wrk()
    redis = start_redis()
    facts = prepare_database()
    auth = {"Authorization": f"Bearer {facts['key']}"}
    server = start_server()
    try:
        # Warm every worker (connections are spread by hash, so use many): its first
        # requests open its database and cache connections.
        wrk(check_path(facts), auth, duration=2, connections=64)
        wrk(check_path(facts), {**auth, "Cache-Control": "no-cache"}, duration=2, connections=64)
        wrk(BARE, {}, duration=2, connections=64)
        endpoints = {
            "bare": (BARE, {}),
            "check_warm": (check_path(facts), auth),
            "check_db": (check_path(facts), {**auth, "Cache-Control": "no-cache"}),
        }
        rounds = {name: [] for name in endpoints}
        for _ in range(ROUNDS):
            for name, (path, headers) in endpoints.items():
                rounds[name].append(wrk(path, headers, duration=ROUND_SECONDS))
        results = {name: median_of(runs) for name, runs in rounds.items()}
        peak = results["check_warm"]["rps"]
        results.update(half_peak(facts, auth, peak))
        bad = {name: r["non_2xx"] for name, r in results.items() if r["non_2xx"]}
        if bad:
            raise SystemExit(f"non-2xx answers during the load: {bad}")
        results["verifications"] = offline_verifications(facts, auth)
        # Last: revocation is terminal, and the second one kills the Redis.
        results["revocation"] = propagation(facts, auth, "first")
        results["revocation_redis_down"] = propagation(facts, auth, "second", kill_redis=redis)
    finally:
        server.terminate()
        server.wait(timeout=10)
        redis.kill()
        redis.wait()
    report(results)


if __name__ == "__main__":
    main()
