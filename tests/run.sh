#!/usr/bin/env bash
# Install what the tests need and run the whole suite. Used by CI (.ci/run) and by people.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

# Debian's Chromium for the browser tests (Playwright cannot download browsers here), and
# nginx for tests/deploy (the reverse-proxy config in docs/deploy/nginx.conf).
if ! command -v chromium >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ]; then
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium nginx >/dev/null
fi

VENV=${JADUGAR_TEST_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ] && ! python3 -m venv "$VENV"; then
  # Debian's python3 ships venv separately.
  rm -rf "$VENV"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv >/dev/null
  python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q -e '.[test]'

"$VENV/bin/ruff" check .

# Each pass's output is kept so the run can end on one plain total: libraries may still
# print at interpreter exit, after pytest's own summary line.
OUT=$(mktemp -d)
total() {
  local passed=0 failed=0 n
  for f in "$OUT"/*.log; do
    n=$(grep -E '^=+ .*(passed|failed).* in [0-9.]+s' "$f" | tail -1 || true)
    passed=$((passed + $(grep -oE '[0-9]+ passed' <<<"$n" | grep -oE '[0-9]+' || echo 0)))
    failed=$((failed + $(grep -oE '[0-9]+ failed' <<<"$n" | grep -oE '[0-9]+' || echo 0)))
  done
  echo "tests: $passed passed, $failed failed"
}

# Two test processes (pytest-xdist), each with its own embedded PostgreSQL and servers; a
# file's tests stay in one process (--dist loadfile), so a module's servers start once.
WORKERS=${JADUGAR_TEST_WORKERS:-2}

# 1. The whole suite on an embedded PostgreSQL started by the tests.
env -u JADUGAR_TEST_DATABASE_URL -u JADUGAR_DATABASE_URL "$PY" -m pytest -n "$WORKERS" \
  --dist loadfile --durations=30 "$@" 2>&1 | tee "$OUT/1-embedded.log"

# 2. The tests of the SQL itself (services, retention, API, webhooks, alerts, models) again
#    on a server PostgreSQL, when there is one: pages, browsers and processes ran above.
SERVER_URL=${JADUGAR_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}
if "$PY" - "$SERVER_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception:
    sys.exit(1)
PYEOF
then
  echo "--- again on $SERVER_URL (the SQL tests)"
  JADUGAR_TEST_DATABASE_URL=$SERVER_URL "$PY" -m pytest -n "$WORKERS" --dist loadfile \
    --durations=15 -m "not browser and not slow and not fuzz" "$@" \
    tests/services tests/retention tests/api tests/webhooks tests/alerts tests/test_models.py \
    tests/test_test_databases.py 2>&1 | tee "$OUT/2-server.log"
else
  echo "--- no server PostgreSQL at $SERVER_URL; skipped the second run"
fi
total
