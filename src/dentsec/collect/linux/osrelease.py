"""OS identity from /etc/os-release and its end of support."""

from __future__ import annotations

import platform

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


def os_info_from_release(text: str, hostname: str) -> OSInfo:
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
    info.eol_cycle = rel.cycle
    info.eol_date = rel.eol
    info.eol_announced = rel.eol is not None
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
        info = os_info_from_release(res.text, host.info.hostname)
    arch = host.probe("machine-architecture", _machine, live_only=True)
    if arch.ok and isinstance(arch.value, str):
        info.arch = arch.value
    else:
        info.unknown["arch"] = f"architecture: {arch.error}"
    return info
