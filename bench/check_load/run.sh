#!/bin/bash
# bench/check_load: gunicorn (production settings) on PostgreSQL + Redis, driven by wrk.
# BENCH_QUICK=1 for a short run. Needs: PostgreSQL on 127.0.0.1:5432, Redis, wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec uv run python bench/check_load/run.py "$@"
