"""OS identity from /etc/os-release and its end of support."""

from __future__ import annotations

import json
import platform
import re

from dentsec.collect.common import eol
from dentsec.collect.linux.textconf import parse_assignments
from dentsec.facts import OSInfo
from dentsec.host import Host

# os-release ID -> product key in the end-of-life data.
EOL_PRODUCTS = {
    "debian": "debian", "ubuntu": "ubuntu", "linuxmint": "linuxmint", "fedora": "fedora",
    "rhel": "rhel", "almalinux": "almalinux", "rocky": "rocky-linux",
}


def eol_cycle(os_id: str, version_id: str, name: str) -> str | None:
    """The release cycle as the end-of-life data spells it, e.g. 12, 24.04, lmde6, 9."""
    if not version_id:
        return None
    if os_id == "linuxmint" and "lmde" in name.lower():
        return f"lmde{version_id.split('.')[0]}"
    if os_id in ("debian", "rhel", "almalinux", "rocky"):
        return version_id.split(".")[0]
    return version_id


PRO_STATUS = "/var/lib/ubuntu-advantage/status.json"
"""The Ubuntu Pro client's last ``pro status --format json`` (attached, services[])."""
ESM_SOURCES = ("/etc/apt/sources.list.d/ubuntu-esm-infra.sources",
               "/etc/apt/sources.list.d/ubuntu-esm-infra.list")
ESM_AUTH = "/etc/apt/auth.conf.d/90ubuntu-advantage"
"""Written by ``pro attach``: the credentials without which the ESM sources give nothing."""


def pro_status_enrolled(text: str) -> bool | None:
    """ESM Infra is enabled in a ``pro status --format json`` document; None if unreadable."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("attached"), bool):
        return None
    services = data.get("services")
    return data["attached"] and isinstance(services, list) and any(
        isinstance(s, dict) and s.get("name") == "esm-infra" and s.get("status") == "enabled"
        for s in services)


def keep_pro_services(text: str) -> str:
    """Redactor: only "attached" and each service's name and status are kept as evidence
    (the status also names the account and the contract)."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    services = data.get("services")
    return json.dumps({"attached": data.get("attached"), "services": [
        {"name": s.get("name"), "status": s.get("status")}
        for s in (services if isinstance(services, list) else []) if isinstance(s, dict)]})


def ubuntu_pro(host: Host) -> tuple[bool | None, str]:
    """(enrolled in ESM Infra, why not counted): Pro status, else ESM sources + credentials."""
    status = host.read_text(PRO_STATUS, max_bytes=1024 * 1024, redact=keep_pro_services)
    if status.text is not None:
        enrolled = pro_status_enrolled(status.text)
        if enrolled is not None:
            return enrolled, "" if enrolled else f"{PRO_STATUS}: esm-infra not enabled"
    sources = [host.read_text(path, max_bytes=64 * 1024) for path in ESM_SOURCES]
    listed = any(re.search(r"^\s*(deb|URIs:)\s.*esm\.ubuntu\.com", r.text or "", re.M)
                 for r in sources)
    if listed and host.read_text(ESM_AUTH, max_bytes=0).error != "missing":
        return True, ""
    unreadable = [r for r in [status, *sources] if r.error not in (None, "missing")]
    if unreadable:
        return None, unreadable[0].why_not()
    return False, "not attached to Ubuntu Pro (no ESM Infra status nor sources)"


def os_info_from_release(text: str, hostname: str,
                         pro: tuple[bool | None, str] = (None, "")) -> OSInfo:
    """OS identity and end of support; ``pro`` is the Ubuntu Pro enrolment (see ubuntu_pro)."""
    fields = parse_assignments(text)
    os_id = fields.get("ID", "").lower()
    info = OSInfo(
        family="linux",
        name=fields.get("PRETTY_NAME") or fields.get("NAME", ""),
        version=fields.get("VERSION_ID", ""),
        hostname=hostname,
        source="/etc/os-release",
    )
    product = EOL_PRODUCTS.get(os_id)
    if product is None:
        like = fields.get("ID_LIKE", "")
        info.unknown["eol_date"] = f"no end-of-support data for '{os_id or '?'}' ({like})".strip()
        return info
    cycle = eol_cycle(os_id, info.version, fields.get("NAME", ""))
    info.eol_product = product
    if cycle is None:
        info.unknown["eol_date"] = "no VERSION_ID (testing/unstable release?)"
        return info
    rel = eol.find(product, cycle)
    if rel is None:
        info.unknown["eol_date"] = f"release {product} {cycle} not in end-of-support data"
        return info
    eol.apply_release(info, rel, *pro)
    return info


def _machine(_root: str) -> str:
    return platform.machine()


def collect_os(host: Host) -> OSInfo:
    res = host.read_text("/etc/os-release")
    if res.text is None:
        res = host.read_text("/usr/lib/os-release")
    if res.text is None:
        info = OSInfo(family="linux", hostname=host.info.hostname)
        info.unknown["name"] = res.why_not()
        info.unknown["eol_date"] = res.why_not()
    else:
        ubuntu = parse_assignments(res.text).get("ID", "").lower() == "ubuntu"
        pro = ubuntu_pro(host) if ubuntu else (None, "")
        info = os_info_from_release(res.text, host.info.hostname, pro)
    arch = host.probe("machine-architecture", _machine, live_only=True)
    if arch.ok and isinstance(arch.value, str):
        info.arch = arch.value
    else:
        info.unknown["arch"] = f"architecture: {arch.error}"
    return info
