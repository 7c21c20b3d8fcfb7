"""Browsers (with their end of support) and remote control tools among installed packages."""

from __future__ import annotations

import re

from dentsec.collect.common import eol
from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import Software, SoftwareItem
from dentsec.vocab import ErrorKind

BROWSERS = {
    "firefox": "firefox", "firefox-esr": "firefox", "chromium": "chrome",
    "chromium-browser": "chrome", "google-chrome-stable": "chrome",
    "microsoft-edge-stable": None, "brave-browser": None,
}
REMOTE_TOOLS = ("anydesk", "teamviewer", "rustdesk", "x11vnc", "tigervnc-standalone-server",
                "tigervnc-server", "tightvncserver", "realvnc-vnc-server", "xrdp")


def upstream_major(version: str) -> str:
    """Upstream major version of a Debian/RPM version: 1:128.5.0esr-1~deb12u1 -> 128."""
    upstream = version.split(":", 1)[-1]
    m = re.match(r"(\d+)", upstream)
    return m.group(1) if m else ""


def browser_item(package: str, version: str) -> SoftwareItem:
    item = SoftwareItem(name=package, version=version)
    product = BROWSERS.get(package)
    major = upstream_major(version)
    if product and major:
        rel = eol.find(product, major)
        if rel is not None:
            item.eol_product, item.eol_cycle, item.eol_date = product, rel.cycle, rel.eol
    return item


def snap_version(snap_yaml: str) -> str | None:
    """``version:`` of a snap's meta/snap.yaml."""
    m = re.search(r"^version:\s*['\"]?([^'\"\s]+)", snap_yaml, re.M)
    return m.group(1) if m else None


def collect_software(ctx: LinuxContext) -> Software:
    pkgs, why = ctx.packages()
    if pkgs is None:
        raise RuntimeError(why)
    fam = Software(source="installed packages (browsers, remote control tools)")
    for package, version in sorted(pkgs.items()):
        if package not in BROWSERS:
            continue
        if "snap" in version:
            # Ubuntu's firefox/chromium debs only install the snap: its version is the real one.
            name = "chromium" if package.startswith("chromium") else package
            meta = ctx.host.read_text(f"/snap/{name}/current/meta/snap.yaml", max_bytes=8192)
            real = snap_version(meta.text or "")
            if real is None:
                fam.unknown["items"] = f"{package}: snap version unknown ({meta.why_not()})"
                continue
            version = real
        fam.items.append(browser_item(package, version))
    fam.remote_control_tools = sorted(p for p in pkgs if p in REMOTE_TOOLS)
    # the distribution's packages carry no bundled extras list to match against (yet)
    fam.unknown["unwanted"] = f"{ErrorKind.UNSUPPORTED}: no list of unwanted software for Linux packages"
    return fam
