"""Windows Defender Firewall profiles (``Get-NetFirewallProfile -PolicyStore ActiveStore``).

In PowerShell 5.1 JSON ``Enabled`` is a GpoBoolean (0 False, 1 True, 2 NotConfigured) and
``DefaultInboundAction`` an Action number (0 NotConfigured, 2 Allow, 4 Block); Format-List
shows the names instead. NotConfigured inbound means Windows' default, which is Block.
"""

from __future__ import annotations

from typing import Literal

from dentsec.collect.windows.document import Document
from dentsec.collect.windows.psjson import as_bool, as_int, as_list, as_text, prop
from dentsec.collect.windows.services import services
from dentsec.facts import Firewall, FirewallProfile

Inbound = Literal["block", "allow"]
FIREWALL_SERVICE = "mpssvc"
"""Windows Defender Firewall's service: stopped (or disabled), no profile filters anything."""
PROFILES = ("domain", "private", "public")
"""Every Windows has these three; the one in use depends on the network."""
_ACTIONS: dict[int | str, Inbound] = {0: "block", 2: "allow", 4: "block", "notconfigured": "block",
                                      "allow": "allow", "block": "block"}


def inbound_action(value: object) -> Inbound | None:
    number = as_int(value)
    if number is not None:
        return _ACTIONS.get(number)
    text = as_text(value)
    return _ACTIONS.get(text.strip().lower()) if text else None


def firewall(doc: Document) -> Firewall:
    fam = Firewall(source="Get-NetFirewallProfile -PolicyStore ActiveStore", backend="windows",
                   installed=True)
    for raw in as_list(doc.data("firewall")):
        name = as_text(prop(raw, "Name")) or as_text(prop(raw, "Profile"))
        if not name:
            continue
        fam.profiles.append(FirewallProfile(
            name=name.lower(), enabled=as_bool(prop(raw, "Enabled")),
            default_inbound=inbound_action(prop(raw, "DefaultInboundAction"))))
    service = (services(doc) or {}).get(FIREWALL_SERVICE)
    if service is not None and service.status in ("running", "stopped"):
        fam.service_running = service.running
    missing = [name for name in PROFILES if name not in {p.name for p in fam.profiles}]
    if missing:
        # The network in use may be the unread one: the firewall is not known to be on.
        fam.unknown["profiles"] = f"profile(s) not read: {', '.join(missing)}"
    return fam
