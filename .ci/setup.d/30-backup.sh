#!/usr/bin/env bash
# Backup toolkit (tests/backup): the real restic engine, plus util-linux for the failure
# tests (mount for a size-limited target, setpriv to read as root without CAP_DAC_OVERRIDE)
# and e2fsprogs for the loop-mounted ext4 fallback when tmpfs cannot be mounted.
set -euo pipefail
need=()
command -v restic >/dev/null 2>&1 || need+=(restic)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v mount >/dev/null 2>&1 || need+=(mount)
command -v mkfs.ext4 >/dev/null 2>&1 || need+=(e2fsprogs)
if ((${#need[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y --no-install-recommends "${need[@]}"
fi
restic version
