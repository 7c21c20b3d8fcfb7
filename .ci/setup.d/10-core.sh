#!/usr/bin/env bash
# Audit core: WeasyPrint (PDF report) needs Pango and a font; the live-audit tests create an
# unprivileged user with useradd (passwd package). Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
command -v useradd >/dev/null 2>&1 || need+=(passwd)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi
