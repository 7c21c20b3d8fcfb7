#!/usr/bin/env bash
# Linux collectors: the real ClamAV tools (clamscan, sigtool builds a test database; no
# freshclam run: the network is closed) and dconf-cli (`dconf compile` writes real GNOME
# settings databases for the screen-lock tests). setpriv (util-linux) runs the
# unprivileged live collection. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v clamscan >/dev/null 2>&1 || need+=(clamav)
command -v sigtool >/dev/null 2>&1 || need+=(clamav)
command -v dconf >/dev/null 2>&1 || need+=(dconf-cli)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi
