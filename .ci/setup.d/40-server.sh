#!/usr/bin/env bash
# Practice console (server) tests: a real PostgreSQL, Debian's Chromium for Playwright,
# gettext for the French/English catalogues. Idempotent; writes the PostgreSQL URL the
# tests read (DENTSEC_TEST_POSTGRES_URL) to /tmp/dentsec-ci.env, which .ci/run sources
# after the setup scripts (tests/server/conftest.py also reads that file when the variable
# is absent, so a plain `pytest` finds the database too).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
if ! pg_lsclusters -h | grep -q "^${version} main"; then
    pg_createcluster "${version}" main
fi
pg_ctlcluster "${version}" main start 2>/dev/null || true
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
done

# The test role may create databases: pytest-django makes its own test_* database.
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='dentsec'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE dentsec LOGIN CREATEDB PASSWORD 'dentsec-ci'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='dentsec'\"" | grep -q 1 \
    || su postgres -c "createdb -O dentsec dentsec"

echo "DENTSEC_TEST_POSTGRES_URL=postgres://dentsec:dentsec-ci@127.0.0.1:5432/dentsec" \
    > /tmp/dentsec-ci.env
