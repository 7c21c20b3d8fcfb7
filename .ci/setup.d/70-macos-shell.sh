#!/usr/bin/env bash
# macOS agent without Python (tests/collect/macos/test_shell.py, tests/agent/test_shell_agent.py,
# tests/server/test_shell_agent.py): dash and bash run the generated sh scripts, setpriv runs
# them as nobody (chmod 000 then refuses like on a Mac), the real sqlite3 counts browser
# logins, zip writes the bundle, curl talks to the live test console, and node runs the
# scripts' JavaScript for Automation in place of osascript. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v dash >/dev/null 2>&1 || need+=(dash)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v zip >/dev/null 2>&1 || need+=(zip)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi
