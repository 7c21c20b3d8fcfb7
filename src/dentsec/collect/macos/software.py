"""Installed programs that matter on a Mac, and XProtect (Apple's built-in malware scan)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from dentsec.collect.common import eol
from dentsec.collect.macos import plist
from dentsec.collect.macos.context import MacContext
from dentsec.collect.macos.plan import APPLICATIONS, STAT_MTIME_ARGV, TRACKED, XPROTECT_PLISTS
from dentsec.collect.macos.updates import install_history_dates, read_install_history
from dentsec.facts import Antivirus, AntivirusProduct, Software, SoftwareItem
from dentsec.host import Host

REMOTE_TOOLS = {
    "TeamViewer.app": "TeamViewer", "TeamViewerHost.app": "TeamViewer Host",
    "TeamViewer Host.app": "TeamViewer Host", "TeamViewerQS.app": "TeamViewer QuickSupport",
    "AnyDesk.app": "AnyDesk", "RustDesk.app": "RustDesk",
    "Splashtop Streamer.app": "Splashtop Streamer", "VNC Server.app": "RealVNC Server",
    "LogMeIn Client.app": "LogMeIn", "GoToMyPC.app": "GoToMyPC",
    "ScreenConnect Client.app": "ScreenConnect", "ConnectWise Control.app": "ScreenConnect",
    "Zoho Assist.app": "Zoho Assist", "NoMachine.app": "NoMachine", "DWAgent.app": "DWAgent",
    "Jump Desktop Connect.app": "Jump Desktop Connect", "Chrome Remote Desktop Host.app":
    "Chrome Remote Desktop",
}
UNWANTED = {
    "MacKeeper.app": "MacKeeper", "Advanced Mac Cleaner.app": "Advanced Mac Cleaner",
    "Mac Auto Fixer.app": "Mac Auto Fixer", "Mac Cleanup Pro.app": "Mac Cleanup Pro",
    "MacBooster 8.app": "MacBooster", "Smart Mac Booster.app": "Smart Mac Booster",
}
"""Bundled "cleaners" that security vendors classify as potentially unwanted."""
THIRD_PARTY_AV = {
    "Sophos Endpoint.app": "Sophos", "Bitdefender Endpoint Security Tools.app": "Bitdefender",
    "Antivirus for Mac.app": "Bitdefender", "ESET Endpoint Antivirus.app": "ESET",
    "ESET Cyber Security.app": "ESET", "Malwarebytes.app": "Malwarebytes",
    "Avast.app": "Avast", "Norton 360.app": "Norton", "Intego VirusBarrier.app": "Intego",
    "Kaspersky Internet Security.app": "Kaspersky", "ClamXAV.app": "ClamXAV",
}
XPROTECT_FRESH_DAYS = 30
"""Apple ships XProtect data every few weeks; older than a month means updates stopped."""


def collect_software(host: Host, ctx: MacContext) -> Software:
    apps = ctx.applications
    if not apps.ok:
        raise RuntimeError(f"/Applications: {apps.error}")
    fam = Software(source="/Applications")
    fam.remote_control_tools = sorted({REMOTE_TOOLS[e] for e in apps.entries if e in REMOTE_TOOLS})
    fam.unwanted = sorted({UNWANTED[e] for e in apps.entries if e in UNWANTED})
    for bundle, (name, product) in TRACKED.items():
        if bundle not in apps.entries:
            continue
        info, _ = plist.read_plist(host, f"{APPLICATIONS}/{bundle}/Contents/Info.plist")
        version = str((info or {}).get("CFBundleShortVersionString", ""))
        item = SoftwareItem(name=name, version=version, eol_product=product)
        release = eol.find_by_version(product, version) if version else None
        if release:
            item.eol_cycle, item.eol_date = release.cycle, release.eol
        fam.items.append(item)
    fam.items += [SoftwareItem(name=n) for n in fam.remote_control_tools]
    return fam


@dataclass(frozen=True)
class XProtect:
    version: str | None
    updated: datetime | None
    error: str | None


def parse_stat_mtime(text: str) -> datetime | None:
    """``stat -f %m <file>``: the modification time in Unix seconds."""
    value = text.strip()
    if not re.fullmatch(r"[0-9]{1,12}", value):
        return None
    return datetime.fromtimestamp(int(value), UTC)


def modified_at(host: Host, path: str) -> datetime | None:
    """When a file last changed. XProtect data replaced outside softwareupdate (macOS 15
    fetches it itself) leaves no InstallHistory entry but renews its bundle."""
    res = host.run([*STAT_MTIME_ARGV, path])
    return parse_stat_mtime(res.stdout) if res.ok else None


def read_xprotect(host: Host) -> XProtect:
    why = None
    for path in XPROTECT_PLISTS:
        info, why = plist.read_plist(host, path)
        if info is not None:
            history, _ = read_install_history(host)
            dates = [install_history_dates(history, "XProtect") if history else None,
                     modified_at(host, path)]
            known = [d for d in dates if d is not None]
            return XProtect(str(info.get("CFBundleShortVersionString", "")) or None,
                            max(known) if known else None, None)
    return XProtect(None, None, why or "XProtect not found")


def collect_antivirus(host: Host, ctx: MacContext, xp: XProtect, now: datetime) -> Antivirus:
    fam = Antivirus(source="XProtect bundle (version, date) and InstallHistory.plist; /Applications")
    if xp.error is None:
        age = (now - xp.updated).total_seconds() / 86400 if xp.updated else None
        fam.products.append(AntivirusProduct(
            name=f"XProtect {xp.version or ''}".strip(), enabled=True, realtime=True,
            signature_age_days=round(age, 1) if age is not None else None,
            up_to_date=(age <= XPROTECT_FRESH_DAYS) if age is not None else None))
        if age is None:
            fam.unknown["signature_age_days"] = "no XProtect date (InstallHistory.plist, stat)"
    else:
        fam.unknown["products"] = xp.error
    entries = ctx.applications.entries
    fam.products += [AntivirusProduct(name=THIRD_PARTY_AV[e]) for e in entries if e in THIRD_PARTY_AV]
    return fam
