"""Installed programs (the Uninstall registry keys) that matter for the audit.

Browsers and Office get their end-of-support dates; remote-control tools and known
bundled/unwanted programs are listed by matching their display name. Display names are
the vendors' own (not translated by Windows), matched case-insensitively.
"""

from __future__ import annotations

import re

from dentsec.collect.common import eol
from dentsec.collect.windows.document import Document
from dentsec.collect.windows.psjson import as_dict, as_list, as_text, prop
from dentsec.collect.windows.services import services
from dentsec.facts import Software, SoftwareItem

REMOTE_TOOLS: tuple[tuple[str, str], ...] = (
    (r"\bteamviewer\b", "TeamViewer"),
    (r"\banydesk\b", "AnyDesk"),
    (r"\bultravnc\b", "UltraVNC"),
    (r"\btightvnc\b", "TightVNC"),
    (r"\btigervnc\b", "TigerVNC"),
    (r"\brealvnc\b|^vnc (server|connect)", "RealVNC"),
    (r"\brustdesk\b", "RustDesk"),
    (r"\bsplashtop\b", "Splashtop"),
    (r"\blogmein\b", "LogMeIn"),
    (r"chrome remote desktop", "Chrome Remote Desktop"),
    (r"\bsupremo\b", "Supremo"),
    (r"\bammyy\b", "Ammyy Admin"),
    (r"\bdwagent\b|\bdwservice\b", "DWService"),
    (r"screenconnect|connectwise control", "ScreenConnect"),
    (r"\bnetsupport\b", "NetSupport"),
    (r"\bgotoassist\b|\bgoto resolve\b", "GoTo"),
)
"""Remote-control software: each installation must be justified (FW-REMOTE-TOOLS)."""

UNWANTED: tuple[tuple[str, str], ...] = (
    (r"\bwave browser\b", "Wave Browser"),
    (r"\bonelaunch\b", "OneLaunch"),
    (r"web ?companion", "Web Companion"),
    (r"\bsegurazo\b|\bsantivirus\b", "Segurazo / SAntivirus"),
    (r"\bbytefence\b", "ByteFence"),
    (r"\breimage\b", "Reimage Repair"),
    (r"\brestoro\b", "Restoro"),
    (r"\bpc accelerate\b", "PC Accelerate"),
    (r"\bsearch protect\b", "Search Protect"),
    (r"\bask toolbar\b", "Ask Toolbar"),
    (r"\bbabylon\b", "Babylon"),
    (r"\bmywebsearch\b", "MyWebSearch"),
    (r"\bshopping ?helper\b", "Shopping Helper"),
    (r"\bdriver ?(booster|support|updater)\b", "driver updater"),
    (r"\bmcafee webadvisor\b", "McAfee WebAdvisor"),
    (r"\bavast secure browser\b|\bavg secure browser\b", "bundled secure browser"),
    (r"\bpc ?cleaner\b|\bpc optimizer\b|\bsystem mechanic\b", "PC cleaner/optimizer"),
)
"""Programs commonly installed bundled with others (adware, "optimizers", toolbars)."""

SERVICE_REMOTE_TOOLS: tuple[tuple[str, str], ...] = (
    (r"vnc", "VNC server"),
    (r"^lmiguardiansvc$", "LogMeIn"),
    (r"^chromoting$", "Chrome Remote Desktop"),
)
"""Service names (never translated) of remote-control tools, beyond REMOTE_TOOLS' names."""

OFFICE_YEAR = re.compile(r"\boffice\b.*\b(2007|2010|2013|2016|2019|2021|2024)\b", re.I)


def _match(name: str, table: tuple[tuple[str, str], ...]) -> str | None:
    for pattern, label in table:
        if re.search(pattern, name, re.I):
            return label
    return None


def _eol_item(name: str, version: str, publisher: str | None) -> SoftwareItem | None:
    """A browser or Office item with its end of support; None for other programs."""
    low = name.lower()
    item = SoftwareItem(name=name, version=version, publisher=publisher)
    release = None
    if low.startswith("google chrome"):
        item.eol_product = "chrome"
        release = eol.find_by_version("chrome", version) if version else None
    elif low.startswith("mozilla firefox"):
        item.eol_product = "firefox"
        release = eol.find_by_version("firefox", version) if version else None
    elif low.startswith("microsoft edge") and "webview" not in low:
        item.eol_product = None  # evergreen, follows Chromium; not in the data
    elif "microsoft 365" in low or "office 365" in low:
        item.eol_product = "office"  # subscription: supported while updated, no end date
    else:
        match = OFFICE_YEAR.search(name)
        if not match or not low.startswith("microsoft"):
            return None
        item.eol_product = "office"
        release = eol.find("office", match.group(1))
    if release:
        item.eol_cycle, item.eol_date = release.cycle, release.eol
    return item


def software(doc: Document) -> Software:
    fam = Software(source="registry Uninstall keys (HKLM 64/32-bit, HKCU)")
    seen: set[tuple[str, str]] = set()
    for raw in as_list(doc.data("programs")):
        entry = as_dict(raw)
        name = (as_text(prop(entry, "DisplayName")) or "").strip()
        if not name:
            continue
        version = (as_text(prop(entry, "DisplayVersion")) or "").strip()
        if (name.lower(), version) in seen:
            continue
        seen.add((name.lower(), version))
        publisher = as_text(prop(entry, "Publisher"))
        tool = _match(name, REMOTE_TOOLS)
        unwanted = _match(name, UNWANTED)
        item = _eol_item(name, version, publisher)
        if tool and tool not in fam.remote_control_tools:
            fam.remote_control_tools.append(tool)
        if unwanted and name not in fam.unwanted:
            fam.unwanted.append(name)
        if item is None and (tool or unwanted):
            item = SoftwareItem(name=name, version=version, publisher=publisher)
        if item is not None:
            fam.items.append(item)
    # A remote-control service can run without an Uninstall entry (portable or per-user).
    for name in (services(doc) or {}):
        tool = _match(name, REMOTE_TOOLS) or _match(name, SERVICE_REMOTE_TOOLS)
        if tool == "VNC server" and any("VNC" in t for t in fam.remote_control_tools):
            continue  # the installed VNC product is already listed by name
        if tool and tool not in fam.remote_control_tools:
            fam.remote_control_tools.append(tool)
    return fam
