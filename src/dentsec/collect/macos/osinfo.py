"""macOS version and its end of security support."""

from __future__ import annotations

import re

from dentsec.collect.common import eol
from dentsec.collect.macos.plan import ARCH_ARGV, SW_VERS_ARGV
from dentsec.facts import OSInfo
from dentsec.host import Host

EOL_PRODUCT = "macos"


def parse_sw_vers(text: str) -> dict[str, str]:
    """``sw_vers``: "ProductVersion:<TAB>15.6.1" lines (keys are not translated)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"\s*([A-Za-z]+)\s*:\s*(.*?)\s*$", line)
        if match and match.group(2):
            out[match.group(1)] = match.group(2)
    return out


def valid_version(version: str) -> bool:
    return re.fullmatch(r"\d{1,3}(\.\d{1,4}){0,3}", version) is not None


def build_os_info(fields: dict[str, str], hostname: str, arch: str | None) -> OSInfo:
    info = OSInfo(family="macos", hostname=hostname, arch=arch, source="sw_vers")
    version = fields.get("ProductVersion", "")
    if not valid_version(version):
        info.unknown["version"] = f"sw_vers: no usable ProductVersion ({version[:40]!r})"
        return info
    info.version = version
    info.build = fields.get("BuildVersion")
    info.name = fields.get("ProductName", "macOS")  # reports add the version
    info.eol_product = EOL_PRODUCT
    release = eol.find_by_version(EOL_PRODUCT, version)
    if release is None:
        info.unknown["eol_date"] = f"macOS {version} is not in the end-of-life data"
        return info
    info.eol_cycle = release.cycle
    info.eol_date = release.eol
    info.eol_announced = release.eol is not None
    if release.eol is None:
        # Apple never announces end dates; the data says "not yet" for this cycle.
        info.unknown["eol_date"] = f"no end of support announced for macOS {release.cycle}"
    return info


def collect_os(host: Host) -> OSInfo:
    res = host.run(SW_VERS_ARGV)
    arch_res = host.run(ARCH_ARGV)
    arch = arch_res.stdout.strip() if arch_res.ok and arch_res.stdout.strip() else None
    if not res.ok:
        info = OSInfo(family="macos", hostname=host.info.hostname, arch=arch, source="sw_vers")
        info.unknown["version"] = res.why_not()
        return info
    return build_os_info(parse_sw_vers(res.stdout), host.info.hostname, arch)
