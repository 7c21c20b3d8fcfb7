"""Windows edition, version and end of support from the ``os`` part.

The registry's ProductName still says "Windows 10" on Windows 11 (a known quirk), so the
major version comes from the build number (22000 and later are Windows 11). The release
cycle in the end-of-life data depends on the edition: Home/Pro ("-w") and
Enterprise/Education ("-e") have different dates, LTSC editions their own.
"""

from __future__ import annotations

from typing import Any

from dentsec.collect.common import eol
from dentsec.collect.windows.document import Document
from dentsec.collect.windows.psjson import as_dict, as_int, as_text, prop
from dentsec.facts import OSInfo

WINDOWS_11_FIRST_BUILD = 22000
WORKSTATION = 1
"""Win32_OperatingSystem.ProductType: 1 workstation, 2 domain controller, 3 server."""
ENTERPRISE_EDITIONS = {"enterprise", "enterprisen", "education", "educationn", "enterpriseg",
                       "enterprisegn", "serverrdsh", "iotenterprise"}
LTSC_EDITIONS = {"enterprises", "enterprisesn"}
IOT_LTSC_EDITIONS = {"iotenterprises"}


def windows_major(build: int | None) -> str | None:
    if build is None:
        return None
    return "11" if build >= WINDOWS_11_FIRST_BUILD else "10"


def is_server(product_type: int | None, installation: str | None) -> bool | None:
    """Windows Server (ProductType 2 or 3), else from InstallationType/EditionID ("Server…")."""
    if product_type is not None:
        return product_type != WORKSTATION
    return "server" in installation.lower() if installation else None


def cycle_candidates(major: str, display_version: str, edition: str | None) -> list[str]:
    base = f"{major}-{display_version.lower()}"
    kind = (edition or "").lower()
    if kind in IOT_LTSC_EDITIONS:
        return [f"{base}-iot-lts"]
    if kind in LTSC_EDITIONS:
        return [f"{base}-e-lts"]
    if kind in ENTERPRISE_EDITIONS:
        return [f"{base}-e", base]
    return [f"{base}-w", base]


def os_info(doc: Document) -> OSInfo:
    info = OSInfo(family="windows", hostname=as_text(doc.context.get("computer_name")) or "")
    part = doc.part("os")
    if not part.ok:
        why = doc.why_not("os")
        info.unknown.update({f: why for f in ("version", "build", "display_version", "edition",
                                               "eol_date")})
        return info
    data = as_dict(part.data)
    reg = as_dict(prop(data, "registry"))
    cim = as_dict(prop(data, "win32_operatingsystem"))
    build_text = as_text(prop(reg, "CurrentBuild")) or as_text(prop(reg, "CurrentBuildNumber")) \
        or as_text(prop(cim, "BuildNumber"))
    build = as_int(build_text)
    major = windows_major(build)
    ubr = as_int(prop(reg, "UBR"))
    info.build = f"{build}.{ubr}" if build is not None and ubr is not None else build_text
    info.version = as_text(prop(cim, "Version")) or (f"10.0.{build}" if build is not None else "")
    info.edition = as_text(prop(reg, "EditionID"))
    info.arch = as_text(prop(cim, "OSArchitecture"))
    info.hostname = info.hostname or as_text(prop(cim, "CSName")) or ""
    info.name = _name(reg, cim, major)
    display = as_text(prop(reg, "DisplayVersion")) or as_text(prop(reg, "ReleaseId"))
    info.display_version = display
    server = is_server(as_int(prop(cim, "ProductType")),
                       as_text(prop(reg, "InstallationType")) or info.edition)
    if server:
        _server_release(info, build)
        return info
    info.eol_product = "windows"
    if server is None:
        info.unknown["eol_date"] = "ProductType unknown (workstation or server)"
        return info
    if major is None or not display:
        info.unknown["eol_date"] = "build or display version unknown"
        return info
    release = _client_release(major, display, info.edition)
    if isinstance(release, str):
        info.unknown["eol_date"] = release
    else:
        # Windows ESU enrolment is not collected: a paid extension is never assumed.
        eol.apply_release(info, release, None, "Windows ESU licence not collected")
    return info


def _client_release(major: str, display: str, edition: str | None) -> eol.Release | str:
    """The client release for this edition, or why none can be chosen."""
    if not edition:
        dates = {eol.find("windows", c) for c in cycle_candidates(major, display, "enterprise")
                 + cycle_candidates(major, display, "professional")}
        if len({r.eol for r in dates if r}) > 1:
            return f"Windows {major} {display}: edition unknown (Home/Pro and Enterprise differ)"
    for cycle in cycle_candidates(major, display, edition):
        release = eol.find("windows", cycle)
        if release:
            return release
    return f"Windows {major} {display} is not in the end-of-support data"


def _server_release(info: OSInfo, build: int | None) -> None:
    """Windows Server follows its own cycles (LTSC by year): matched by build number."""
    info.eol_product = "windows-server"
    release = next((r for r in eol.releases("windows-server")
                    if build is not None and (r.latest or "").split(".")[-1] == str(build)), None)
    if release is None:
        info.unknown["eol_date"] = f"Windows Server build {build} is not in the end-of-support data"
        return
    eol.apply_release(info, release, None, "Windows ESU licence not collected")


def _name(reg: dict[str, Any], cim: dict[str, Any], major: str | None) -> str:
    caption = as_text(prop(cim, "Caption"))
    if caption:
        return caption.strip()
    product = (as_text(prop(reg, "ProductName")) or "Windows").strip()
    if major == "11":
        product = product.replace("Windows 10", "Windows 11")
    return product
