#!/usr/bin/env bash
# Network scan toolkit (tests/scan, benchmarks/scan_speed.py): the real nmap engine, and the
# real services the tests run inside network namespaces they create: Samba (SMBv1 enabled),
# vsftpd (FTP), inetutils-telnetd (telnet, run by inetutils-inetd), dcmtk (storescp, a DICOM listener); iproute2 for
# `ip netns` and veth pairs. Daemons are never started here (the tests start their own, inside
# their namespaces). Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v nmap >/dev/null 2>&1 || need+=(nmap)
command -v smbd >/dev/null 2>&1 || need+=(samba)
command -v vsftpd >/dev/null 2>&1 || [ -x /usr/sbin/vsftpd ] || need+=(vsftpd)
command -v storescp >/dev/null 2>&1 || need+=(dcmtk)
command -v inetutils-inetd >/dev/null 2>&1 || need+=(inetutils-telnetd)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    # policy-rc.d keeps the packages' own daemons stopped when it exists (containers); on a
    # machine without it, stop them right after installation so nothing listens outside the
    # tests' namespaces.
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
    for unit in smbd nmbd samba-ad-dc vsftpd; do
        if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q "$unit" 2>/dev/null; then
            systemctl disable --now "$unit" || true
        fi
    done
fi
nmap --version | head -n1
