#!/usr/bin/env bash
# CI: « Installer en production » on loopback. From a production install (VENV, made by
# `make install-production`), start the three services of deploy/systemd — gunicorn as
# filiere-web (deploy/gunicorn.conf.py), `filiere worker`, `filiere scheduler` — on a fresh
# PostgreSQL database and the local Redis, with the settings of deploy/filiere.env.example
# (DEBUG off, behind the proxy); then fetch the login page and /sante/ as nginx forwards them,
# and check that the worker and the scheduler are up. Everything is stopped and dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${1:?usage: production-smoke.sh VENV}/bin"
WORK="$(mktemp -d)"
DB="filiere_smoke_$$"
PORT="${SMOKE_PORT:-8793}"
PG="postgres://postgres@127.0.0.1:5432"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export DEBUG=0 BEHIND_PROXY=1 TRUSTED_PROXY_COUNT=1 ALLOWED_HOSTS=filiere.example.org
export SITE_URL=https://filiere.example.org CSRF_TRUSTED_ORIGINS=https://filiere.example.org
SECRET_KEY="$(head -c 48 /dev/urandom | base64)"
MFA_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
HEALTH_TOKEN="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"
export SECRET_KEY MFA_ENCRYPTION_KEY HEALTH_TOKEN
export DATABASE_URL="$PG/$DB" REDIS_URL=redis://127.0.0.1:6379/12 JOBS_QUEUE="smoke-$$"
export DATA_DIR="$WORK/data" STATIC_ROOT="$WORK/static" LOG_FORMAT=json
mkdir -p "$DATA_DIR"

createdb -h 127.0.0.1 -U postgres "$DB"
"$BIN/filiere" migrate --noinput -v0
"$BIN/filiere" collectstatic --noinput -v0

"$BIN/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$PORT" 2> "$WORK/web.log" &
pids+=($!)
"$BIN/filiere" worker --concurrency 1 > "$WORK/worker.log" 2>&1 &
pids+=($!)
"$BIN/filiere" scheduler > "$WORK/scheduler.log" 2>&1 &
pids+=($!)

fetch() {
  curl -fsS -H "Host: filiere.example.org" -H "X-Forwarded-Proto: https" \
    -H "X-Forwarded-For: 203.0.113.7" "$@"
}
up=""
for _ in $(seq 1 90); do
  if fetch -o /dev/null "http://127.0.0.1:$PORT/sante/" 2>/dev/null \
    && grep -q "ready" "$WORK/worker.log" && grep -q "beat: Starting" "$WORK/scheduler.log"; then
    up=1
    break
  fi
  sleep 1
done
if [ -z "$up" ]; then
  echo "The services did not all start:"
  tail -n 20 "$WORK/web.log" "$WORK/worker.log" "$WORK/scheduler.log"
  exit 1
fi

login="$(fetch "http://127.0.0.1:$PORT/accounts/login/")"
grep -q 'name="csrfmiddlewaretoken"' <<<"$login"
health="$(fetch -H "Authorization: Bearer $HEALTH_TOKEN" "http://127.0.0.1:$PORT/sante/")"
echo "/sante/: $health"
"$BIN/python" - "$health" <<'PY'
import json, sys
health = json.loads(sys.argv[1])
assert health["status"] == "ok", health
PY
# The scheduler sends the outbox's due-mail job every minute: the worker running one proves the
# way from the scheduler through Redis to the worker and the database.
ran=""
for _ in $(seq 1 90); do
  if grep -q 'jobs.send_due_mail\[[^]]*\] succeeded' "$WORK/worker.log"; then
    ran=1
    break
  fi
  sleep 1
done
if [ -z "$ran" ]; then
  echo "No job sent by the scheduler was run by the worker:"
  tail -n 20 "$WORK/worker.log" "$WORK/scheduler.log"
  exit 1
fi
for pid in "${pids[@]}"; do
  kill -0 "$pid" || { echo "a service stopped: $pid"; tail -n 20 "$WORK"/*.log; exit 1; }
done
echo "gunicorn, worker and scheduler up from $BIN: login page and /sante/ served, a job sent"
echo "by the scheduler run by the worker"
