"""Which packages of interest are installed (dpkg status database, or rpm on a live host)."""

from __future__ import annotations

from dentsec.host import Host
from dentsec.host.base import under_root

INTERESTING = (
    # browsers
    "firefox", "firefox-esr", "chromium", "chromium-browser", "google-chrome-stable",
    "microsoft-edge-stable", "brave-browser",
    # remote control and remote desktop
    "anydesk", "teamviewer", "rustdesk", "x11vnc", "tigervnc-standalone-server",
    "tigervnc-server", "tightvncserver", "vino", "realvnc-vnc-server", "xrdp",
    "gnome-remote-desktop",
    # network services
    "openssh-server", "samba", "telnetd", "inetutils-telnetd", "telnet-server", "vsftpd",
    "proftpd-basic", "proftpd-core", "pure-ftpd", "mariadb-server", "mysql-server",
    "postgresql", "postgresql-server", "rpcbind", "nfs-kernel-server",
    # protection
    "unattended-upgrades", "dnf-automatic", "clamav", "clamav-daemon", "clamav-freshclam",
    "clamd", "clamav-update", "mdatp", "ufw", "firewalld", "nftables", "iptables-persistent",
    # backups
    "restic", "borgbackup", "borgmatic", "timeshift", "deja-dup", "duplicity",
    "backintime-common",
)

DPKG_STATUS = "/var/lib/dpkg/status"


def parse_dpkg_status(text: str, wanted: frozenset[str]) -> dict[str, str]:
    """Installed packages among ``wanted`` -> version, from a dpkg status database."""
    out: dict[str, str] = {}
    name = version = status = ""
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if name in wanted and status.split()[-1:] == ["installed"]:
                out[name] = version
            name = version = status = ""
        elif line.startswith("Package:"):
            name = line[8:].strip()
        elif line.startswith("Version:"):
            version = line[8:].strip()
        elif line.startswith("Status:"):
            status = line[7:].strip()
    return out


def parse_rpm_query(text: str) -> dict[str, str]:
    """Lines ``name<TAB>version-release`` printed by ``rpm -q --qf`` (missing ones say so)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[0] and " " not in parts[0]:
            out[parts[0]] = parts[1]
    return out


def _dpkg_probe(root: str) -> dict[str, str]:
    path = under_root(root, DPKG_STATUS)
    with open(path, encoding="utf-8", errors="replace") as fh:
        return parse_dpkg_status(fh.read(), frozenset(INTERESTING))


def installed_packages(host: Host) -> tuple[dict[str, str] | None, str]:
    """(installed interesting packages -> version, source) or (None, why unknown)."""
    res = host.probe("dpkg-status:interesting-packages", _dpkg_probe)
    if res.ok and isinstance(res.value, dict):
        return {str(k): str(v) for k, v in res.value.items()}, "dpkg"
    reasons = [f"{DPKG_STATUS}: {res.error}"]
    rpm = host.run(["rpm", "-q", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n", *INTERESTING])
    # rpm exits with the number of missing packages; found ones are still printed.
    if rpm.error is None and rpm.exit_code is not None:
        return parse_rpm_query(rpm.stdout), "rpm"
    reasons.append(rpm.why_not())
    return None, "; ".join(reasons)
