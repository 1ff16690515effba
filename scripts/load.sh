#!/usr/bin/env bash
# make load: a bounded load test of the production server on the 100,000-patient demo.
# Gunicorn (deploy/gunicorn.conf.py, DEBUG off) on loopback, PostgreSQL, locust headless: 50
# requests/s for 5 minutes (the target: p95 < 300 ms, no error), then 100 requests/s to see
# where it bends. Everything stops by itself; figures land in var/load/.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
OUT=var/load
PORT="${LOAD_PORT:-8790}"
DB="${LOAD_DB:-filiere_load}"
PATIENTS="${LOAD_PATIENTS:-100000}"
# LOAD_STEPS="" builds the demo and checks the server without loading it.
STEPS="${LOAD_STEPS-50:5m 100:2m}"
mkdir -p "$OUT"

"$BIN/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
  -r requirements/load.lock

# The server runs as a production install does (README, « Installer en production »): its own
# venv from requirements/runtime.lock, on Debian 12's python3.11 where there is one. That
# interpreter is built with profile-guided and link-time optimisation; a Python compiled from
# source without them (pyenv's default) spends about 7 % more processor time on every page.
LOAD_PYTHON="${LOAD_PYTHON:-$(command -v /usr/bin/python3.11 || command -v python3.11)}"
SERVER_VENV="$OUT/venv"
SERVER_STAMP="$SERVER_VENV/.installed-$(cat requirements/runtime.lock "$LOAD_PYTHON" | sha1sum | cut -c1-12)"
if [ ! -f "$SERVER_STAMP" ]; then
  rm -rf "$SERVER_VENV"
  make --no-print-directory install-production VENV="$SERVER_VENV" PYTHON="$LOAD_PYTHON"
  touch "$SERVER_STAMP"
fi
SERVER_BIN="$SERVER_VENV/bin"
echo "== Server on $("$SERVER_BIN/python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

# The server's secrets persist between runs: the demo's TOTP secrets are encrypted with the key.
[ -f "$OUT/secret.key" ] || head -c 48 /dev/urandom | base64 > "$OUT/secret.key"
[ -f "$OUT/mfa.key" ] || head -c 32 /dev/urandom | base64 | tr '+/' '-_' > "$OUT/mfa.key"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export MFA_ENCRYPTION_KEY SECRET_KEY
MFA_ENCRYPTION_KEY="$(cat "$OUT/mfa.key")"
SECRET_KEY="$(cat "$OUT/secret.key")"
export STATIC_ROOT="$PWD/$OUT/static" DATA_DIR="$PWD/$OUT/data"
export REDIS_URL="${LOAD_REDIS_URL:-redis://127.0.0.1:6379/5}"

psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" \
  | grep -q 1 || createdb -h 127.0.0.1 -U postgres "$DB"
echo "== Demo network of $PATIENTS patients on PostgreSQL ($DB); a second run adds nothing"
DEBUG=1 "$BIN/python" manage.py migrate --noinput -v0
DEBUG=1 "$BIN/filiere" demo --size "$PATIENTS" | grep -E "^(Registre|Réseau)" || true
DEBUG=1 "$BIN/python" manage.py collectstatic --noinput -v0

echo "== Production server on 127.0.0.1:$PORT"
DEBUG=0 HTTPS=0 ALLOWED_HOSTS=127.0.0.1 LOG_FORMAT=json \
  "$SERVER_BIN/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$PORT" \
  2> "$OUT/gunicorn.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/sante/" && break
  sleep 1
done

for step in $STEPS; do
  rate="${step%%:*}"
  duration="${step#*:}"
  echo "== $rate requests/s for $duration"
  "$BIN/locust" -f scripts/load/locustfile.py --headless --only-summary \
    --host "http://127.0.0.1:$PORT" --users "$rate" --spawn-rate "$rate" \
    --run-time "$duration" --stop-timeout 10 --csv "$OUT/rate-$rate" \
    --loglevel WARNING --exit-code-on-error 0 > "$OUT/rate-$rate.log" 2>&1
  "$BIN/python" scripts/load/summary.py "$OUT/rate-${rate}_stats.csv" "$rate"
done
