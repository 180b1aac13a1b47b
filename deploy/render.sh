#!/usr/bin/env bash
# Render the deploy/ templates into OUT_DIR: every @NAME@ becomes $DEPLOY_NAME.
#
#   DEPLOY_SERVER_NAME=vetting.example.gov DEPLOY_HTTPS_PORT=443 DEPLOY_HTTP_PORT=80 \
#   DEPLOY_TLS_CERT=/etc/ssl/vetting/fullchain.pem DEPLOY_TLS_KEY=/etc/ssl/vetting/key.pem \
#   DEPLOY_STATIC_ROOT=/srv/vetting-static DEPLOY_NGINX_LOG_DIR=/var/log/nginx \
#   DEPLOY_APP_DIR=/srv/vetting DEPLOY_ENV_FILE=/etc/vetting/vetting.env DEPLOY_USER=vetting \
#       deploy/render.sh /tmp/vetting-deploy
#
# writes /tmp/vetting-deploy/nginx/vetting.conf and /tmp/vetting-deploy/systemd/*.service,
# and fails, naming it, if a placeholder has no value. deploy/ci-stack.sh renders the
# same files the same way.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: deploy/render.sh OUT_DIR}"
mkdir -p "$out/nginx" "$out/systemd"
render() {  # template -> rendered file
    local src="$1" dst="$2" text name value
    text="$(cat "$src")"
    for name in $(grep -o '@[A-Z_]*@' "$src" | sort -u | tr -d @); do
        value="DEPLOY_$name"
        if [ -z "${!value:-}" ]; then
            echo "render.sh: $src needs \$DEPLOY_$name" >&2
            return 1
        fi
        text="${text//@$name@/${!value}}"
    done
    printf '%s\n' "$text" >"$dst"
}
render "$here/nginx/vetting.conf" "$out/nginx/vetting.conf"
for unit in "$here"/systemd/*.service; do
    render "$unit" "$out/systemd/$(basename "$unit")"
done
