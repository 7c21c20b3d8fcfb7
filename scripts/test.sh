#!/usr/bin/env bash
# Installs everything the tests need and runs them: Debian packages and services (the
# scripts in .ci/setup.d/, when run as root), a virtual environment with dentsec and its
# test tools, then ruff, mypy and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
    for setup in .ci/setup.d/*.sh; do
        [ -e "$setup" ] || continue
        echo "== $setup"
        bash "$setup"
    done
else
    echo "Not root: skipping .ci/setup.d (Debian packages and services must already be there)." >&2
fi
if [ -f /tmp/dentsec-ci.env ]; then
    set -a; . /tmp/dentsec-ci.env; set +a
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

echo "== ruff"; .venv/bin/ruff check src tests benchmarks
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
