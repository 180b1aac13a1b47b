#!/usr/bin/env bash
# The production stack on loopback, from the files in deploy/ (what .ci/run tests):
#
#   nginx (deploy/nginx/vetting.conf, TLS on :8443, HTTP :8080 redirecting)
#     -> gunicorn hosts 127.0.0.1:8101 and :8102 (deploy/systemd/vetting-web@.service)
#     -> PostgreSQL (database vetting_prodsmoke), Redis (db 13 cache, db 14 broker),
#        an S3-compatible store (moto, when installed) for evidence,
#        one Celery worker and exactly one beat (vetting-worker/-beat.service).
#
#   deploy/ci-stack.sh up     build it (fresh database, certificate, env file), start it,
#                             wait until every host is ready; on failure print the logs'
#                             tails and stop what it started
#   deploy/ci-stack.sh down   stop everything it started (pid files)
#   deploy/ci-stack.sh restart-web   restart the two web hosts, with the extra KEY=value
#                             words of $STACK_WEB_EXTRA_ENV in their environment
#
# systemd does not run here: the units are rendered with deploy/render.sh and their
# Environment=/ExecStart= lines run with the env file loaded and %i substituted.
# Everything lives under $VETTING_STACK_DIR (default var/stack): env file, rendered
# configuration, certificate, logs/, pids/. deploy/smoke reads stack.env there.
set -Eeuo pipefail
APP_DIR="$(cd "$(dirname "$0")/.." && pwd)"
STACK="${VETTING_STACK_DIR:-$APP_DIR/var/stack}"
SERVER_NAME=vetting.test
HTTPS_PORT="${STACK_HTTPS_PORT:-8443}"
HTTP_PORT="${STACK_HTTP_PORT:-8080}"
WEB_PORTS=(8101 8102)  # the nginx site's upstream
S3_PORT="${STACK_S3_PORT:-8190}"
DB_NAME=vetting_prodsmoke
PG="postgres://postgres@127.0.0.1:5432"
# Two roles, as the README's "Two database roles": the owner migrates, the processes
# connect as the application role, which owns nothing.
PG_OWNER="postgres://vetting_owner@127.0.0.1:5432"
PG_APP="postgres://vetting_app@127.0.0.1:5432"
PY="$APP_DIR/.venv/bin/python"
LOGS="$STACK/logs"
PIDS="$STACK/pids"

log() { printf '[stack] %s\n' "$*"; }

install_packages() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v openssl >/dev/null || missing+=(openssl)
    if [ ${#missing[@]} -gt 0 ]; then
        log "apt-get install ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$LOGS/apt.log" 2>&1 \
            || { apt-get update -q >>"$LOGS/apt.log" 2>&1 &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$LOGS/apt.log" 2>&1; }
    fi
}

certificate() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=$SERVER_NAME" -addext "subjectAltName=DNS:$SERVER_NAME" \
        -keyout "$STACK/tls/key.pem" -out "$STACK/tls/cert.pem" >"$LOGS/openssl.log" 2>&1
}

fresh_database() {
    psql "$PG/postgres" -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vetting_owner') THEN
        CREATE ROLE vetting_owner LOGIN CREATEDB;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vetting_app') THEN
        CREATE ROLE vetting_app LOGIN;
    END IF;
END \$\$;
DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE);
CREATE DATABASE $DB_NAME OWNER vetting_owner;
SQL
    redis-cli -n 13 flushdb >/dev/null
    redis-cli -n 14 flushdb >/dev/null
}

# --- env file: written from deploy/vetting.env.example --------------------------------
env_set() {  # KEY VALUE: the template's line for KEY (commented or not) gets VALUE
    local key="$1" value="$2"
    grep -Eq "^#? ?$key=" "$STACK/vetting.env" || { echo "$key is not in vetting.env.example" >&2; return 1; }
    KEY="$key" VALUE="$value" "$PY" - "$STACK/vetting.env" <<'EOF'
import os, re, sys
path, key, value = sys.argv[1], os.environ["KEY"], os.environ["VALUE"]
text = open(path).read()
text = re.sub(rf"^# ?{key}=.*$|^{key}=.*$", lambda m: f"{key}={value}", text, count=1, flags=re.M)
open(path, "w").write(text)
EOF
}
env_unset() { sed -i -E "s/^($1=.*)$/# \1/" "$STACK/vetting.env"; }

load_env() {  # what systemd's EnvironmentFile= does: KEY=value lines, "..." unquoted
    local line key value
    while IFS= read -r line; do
        [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
        key="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
        if [[ "$value" =~ ^\"(.*)\"$ ]]; then value="${BASH_REMATCH[1]}"; fi
        export "$key=$value"
    done <"$STACK/vetting.env"
}

write_env() {
    cp "$APP_DIR/deploy/vetting.env.example" "$STACK/vetting.env"
    env_set SECRET_KEY "ci-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    env_set ALLOWED_HOSTS "$SERVER_NAME"
    env_set CSRF_TRUSTED_ORIGINS "https://$SERVER_NAME:$HTTPS_PORT"
    env_set VETTING_BASE_URL "https://$SERVER_NAME:$HTTPS_PORT"
    env_set VETTING_SIGNING_KEYS "ci-1:$("$PY" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
    env_set AUDIT_SIGNING_KEY "$("$PY" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
    env_set FIELD_ENCRYPTION_KEYS "$("$PY" -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
    env_set DATABASE_URL "$PG_APP/$DB_NAME"
    env_set DATABASE_APP_ROLE vetting_app
    env_set REDIS_URL "redis://127.0.0.1:6379/13"
    env_set CELERY_BROKER_URL "redis://127.0.0.1:6379/14"
    env_set VETTING_VAR_DIR "$STACK/var"
    env_set STATIC_ROOT "$STACK/static"
    env_set PRIVATE_STORAGE_ROOT "$STACK/var/private"
    env_set DEFAULT_FROM_EMAIL "\"Vetting <vetting@$SERVER_NAME>\""
    env_unset EMAIL_HOST  # mail is written to files under VETTING_VAR_DIR/mail
    env_set WEB_CONCURRENCY 2
    # The smoke signs demo officials in with their TOTP codes: its browser cannot hold
    # a passkey over this self-signed TLS. The passkey rule (on by default in
    # production) is proven in Chromium by tests/e2e/test_passkeys.py.
    env_set STAFF_PASSKEY_REQUIRED false
    if [ -n "${S3:-}" ]; then
        env_set EVIDENCE_S3_BUCKET vetting-evidence
        env_set EVIDENCE_S3_REGION us-east-1
        env_set EVIDENCE_S3_ENDPOINT_URL "http://127.0.0.1:$S3_PORT"
        env_set AWS_ACCESS_KEY_ID ci-access-key
        env_set AWS_SECRET_ACCESS_KEY ci-secret-key
    fi
    if grep -q '^[^#].*CHANGE-ME' "$STACK/vetting.env"; then
        echo "vetting.env still has a CHANGE-ME:" >&2
        grep -n '^[^#].*CHANGE-ME' "$STACK/vetting.env" >&2
        return 1
    fi
}

render() {
    DEPLOY_SERVER_NAME="$SERVER_NAME" DEPLOY_HTTPS_PORT="$HTTPS_PORT" DEPLOY_HTTP_PORT="$HTTP_PORT" \
    DEPLOY_TLS_CERT="$STACK/tls/cert.pem" DEPLOY_TLS_KEY="$STACK/tls/key.pem" \
    DEPLOY_STATIC_ROOT="$STACK/static" DEPLOY_NGINX_LOG_DIR="$LOGS" \
    DEPLOY_APP_DIR="$APP_DIR" DEPLOY_ENV_FILE="$STACK/vetting.env" DEPLOY_USER="$(id -un)" \
        bash "$APP_DIR/deploy/render.sh" "$STACK/deploy"
    # nginx's main configuration (Debian's /etc/nginx/nginx.conf plays this part on a
    # server): a private prefix, pid file and temp folders; the site file is included.
    mkdir -p "$STACK/nginx/tmp"
    cat >"$STACK/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $PIDS/nginx.pid;
error_log $LOGS/nginx-main-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path $STACK/nginx/tmp/body;
    proxy_temp_path $STACK/nginx/tmp/proxy;
    fastcgi_temp_path $STACK/nginx/tmp/fastcgi;
    uwsgi_temp_path $STACK/nginx/tmp/uwsgi;
    scgi_temp_path $STACK/nginx/tmp/scgi;
    include $STACK/deploy/nginx/vetting.conf;
}
EOF
}

# --- processes -----------------------------------------------------------------------
unit_value() {  # unit key: the value of the first "key=" line
    sed -n "s/^$2=//p" "$STACK/deploy/systemd/$1" | head -n1
}

start_unit() {  # unit-file name [instance]: run its ExecStart= as systemd would
    local unit="$1" instance="${2:-}" name="${1%.service}" cmd workdir assignment
    [ -n "$instance" ] && name="${name%@}@$instance"
    cmd="$(unit_value "$unit" ExecStart)"
    workdir="$(unit_value "$unit" WorkingDirectory)"
    (
        cd "$workdir"
        load_env
        while IFS= read -r assignment; do
            export "${assignment//%i/$instance}"
        done < <(sed -n 's/^Environment=//p' "$STACK/deploy/systemd/$unit")
        # restart-web only: extra KEY=value words for the web hosts (bench/db_pool).
        for assignment in ${STACK_WEB_EXTRA_ENV:-}; do export "$assignment"; done
        set -f  # the unit's command line, split on spaces as systemd splits it, never globbed
        # shellcheck disable=SC2086
        exec ${cmd//%i/$instance}
    ) </dev/null >"$LOGS/$name.log" 2>&1 &
    echo $! >"$PIDS/$name.pid"
    log "started $name (pid $!)"
}

start_s3() {
    "$PY" -m moto.server -H 127.0.0.1 -p "$S3_PORT" </dev/null >"$LOGS/s3.log" 2>&1 &
    echo $! >"$PIDS/s3.pid"
    for _ in $(seq 60); do
        curl -fsS -o /dev/null "http://127.0.0.1:$S3_PORT/" 2>/dev/null && break
        sleep 0.5
    done
    AWS_ACCESS_KEY_ID=ci-access-key AWS_SECRET_ACCESS_KEY=ci-secret-key "$PY" -c "
import boto3
boto3.client('s3', endpoint_url='http://127.0.0.1:$S3_PORT', region_name='us-east-1') \
    .create_bucket(Bucket='vetting-evidence')"
    log "S3-compatible store (moto) on 127.0.0.1:$S3_PORT, bucket vetting-evidence"
}

wait_ready() {  # url [curl options...]: until it answers 200, at most 60 s
    local url="$1"
    shift
    for _ in $(seq 120); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")" = 200 ] && return 0
        sleep 0.5
    done
    echo "not ready: $url" >&2
    curl -s "$@" "$url" >&2 || true
    return 1
}

manage() { (cd "$APP_DIR" && load_env && "$PY" manage.py "$@"); }

up() {
    down  # whatever a previous run left running (its pid files are about to go)
    local port
    for port in "$HTTPS_PORT" "$HTTP_PORT" "${WEB_PORTS[@]}" "$S3_PORT"; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "port $port is in use: another stack? (deploy/ci-stack.sh down, with its VETTING_STACK_DIR)" >&2
            exit 1
        fi
    done
    rm -rf "$STACK"
    mkdir -p "$STACK/tls" "$LOGS" "$PIDS" "$STACK/var"
    install_packages
    certificate
    fresh_database
    S3=""
    if "$PY" -c 'import moto.server, boto3' 2>/dev/null; then S3=1; fi
    write_env
    render
    [ -n "$S3" ] && start_s3 || log "moto is not installed: evidence on the local disk (shared: one machine)"
    log "migrate, collectstatic, check --deploy, seed_demo"
    # As the owner (the env file names the application role), which grants the app role.
    (cd "$APP_DIR" && load_env && DATABASE_URL="$PG_OWNER/$DB_NAME" "$PY" manage.py \
        migrate --noinput -v0) >"$LOGS/migrate.log" 2>&1
    manage collectstatic --noinput -v1 >"$LOGS/collectstatic.log" 2>&1
    tail -n1 "$LOGS/collectstatic.log"
    manage check --deploy --fail-level WARNING >"$LOGS/check.log" 2>&1
    manage seed_demo --throwaway-database >"$LOGS/seed_demo.log" 2>&1
    for port in "${WEB_PORTS[@]}"; do start_unit vetting-web@.service "$port"; done
    start_unit vetting-worker.service
    start_unit vetting-beat.service
    nginx -t -q -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf" 2>"$LOGS/nginx-test.log" \
        || { cat "$LOGS/nginx-test.log" >&2; return 1; }
    nginx -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf"
    log "nginx on https://$SERVER_NAME:$HTTPS_PORT (and http :$HTTP_PORT)"
    for port in "${WEB_PORTS[@]}"; do
        wait_ready "http://127.0.0.1:$port/readyz" -H "Host: $SERVER_NAME" -H "X-Forwarded-Proto: https"
    done
    wait_ready "https://$SERVER_NAME:$HTTPS_PORT/readyz" -k --resolve "$SERVER_NAME:$HTTPS_PORT:127.0.0.1"
    cat >"$STACK/stack.env" <<EOF
STACK_BASE_URL=https://$SERVER_NAME:$HTTPS_PORT
STACK_SERVER_NAME=$SERVER_NAME
STACK_HTTPS_PORT=$HTTPS_PORT
STACK_HTTP_PORT=$HTTP_PORT
STACK_WEB_HOSTS=$(printf 'http://127.0.0.1:%s,' "${WEB_PORTS[@]}" | sed 's/,$//')
STACK_S3=${S3:-0}
STACK_DIR=$STACK
EOF
    log "ready: $(tr '\n' ' ' <"$STACK/stack.env")"
}

restart_web() {  # stop and start the web hosts (with $STACK_WEB_EXTRA_ENV), wait for them
    local port
    for port in "${WEB_PORTS[@]}"; do stop_pid "$PIDS/vetting-web@$port.pid"; done
    for port in "${WEB_PORTS[@]}"; do start_unit vetting-web@.service "$port"; done
    for port in "${WEB_PORTS[@]}"; do
        wait_ready "http://127.0.0.1:$port/readyz" -H "Host: $SERVER_NAME" -H "X-Forwarded-Proto: https"
    done
}

stop_pid() {  # pid file: TERM, then KILL after 15 s
    local file="$1" pid
    pid="$(cat "$file" 2>/dev/null || true)"
    rm -f "$file"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    # Only a process of this stack (a pid file outliving its process may name another).
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -e "$APP_DIR" -e "$STACK" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    log "$(basename "$file" .pid) did not stop on TERM: KILL"
    kill -KILL "$pid" 2>/dev/null || true
}

down() {
    rm -f "$STACK/stack.env"  # no stack to test any more (deploy/smoke, bench/db_pool)
    [ -d "$PIDS" ] || return 0
    # nginx first (no new requests), then web, beat, worker, the store.
    local file
    for file in "$PIDS"/nginx.pid "$PIDS"/vetting-web@*.pid "$PIDS"/vetting-beat.pid \
        "$PIDS"/vetting-worker.pid "$PIDS"/s3.pid; do
        if [ -e "$file" ]; then stop_pid "$file"; fi
    done
    log "stopped; logs in $LOGS"
}

tails() {
    local file
    for file in "$LOGS"/*.log; do
        [ -s "$file" ] || continue
        printf '\n----- %s (last 40 lines)\n' "$file" >&2
        tail -n 40 "$file" >&2
    done
}

case "${1:-}" in
up)
    trap 'status=$?; log "up failed (exit $status)"; tails; down; exit $status' ERR
    up
    ;;
down) down ;;
restart-web) restart_web ;;
logs) tails ;;
*)
    echo "usage: $0 up|down|logs|restart-web" >&2
    exit 2
    ;;
esac
