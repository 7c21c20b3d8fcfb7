"""Windows Update: automatic-update policy, pending updates, last installed update.

* Policy: ``HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU`` —
  ``NoAutoUpdate`` = 1 turns automatic updates off; ``AUOptions`` 2 (notify) and 3
  (download, notify to install) leave installation to a person, 4 installs on a schedule.
  Without any policy Windows 10/11 installs updates by itself, unless the Windows Update
  service (wuauserv) is disabled.
* Pending: the Windows Update Agent search (IUpdateSearcher::Search); security updates are
  those in the "Security Updates" category (its GUID, never its translated name) or
  carrying an MSRC severity.
* Last update: the newest ``Get-HotFix`` InstalledOn (cumulative updates are hotfixes);
  the agent's LastInstallationSuccessDate is only a fallback since it also moves for
  Defender signature updates.
"""

from __future__ import annotations

from datetime import datetime

from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import as_datetime, as_dict, as_int, as_list, as_text, prop
from dentsec.collect.windows.registry import Registry
from dentsec.collect.windows.services import service_start_types
from dentsec.facts import Updates

AU_KEY = r"SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU"
SECURITY_UPDATES_CATEGORY = "0fa1201d-4330-4fa8-8ae9-b877473b6441"
SEARCH_SUCCEEDED = (2, 3)
"""OperationResultCode orcSucceeded and orcSucceededWithErrors."""
AU_AUTOMATIC = {4: True, 2: False, 3: False, 7: False}


def updates(doc: Document) -> Updates:
    fam = Updates(source="registry WindowsUpdate\\AU, Windows Update Agent, Get-HotFix")
    _policy(doc, fam)
    _pending(doc, fam)
    fam.last_update = _last_update(doc, fam)
    return fam


def _policy(doc: Document, fam: Updates) -> None:
    try:
        reg = Registry(doc.data("registry"))
    except PartMissing as exc:
        fam.unknown["auto_updates_enabled"] = str(exc)
        return
    no_auto = reg.get("HKLM", AU_KEY, "NoAutoUpdate")
    options = reg.get("HKLM", AU_KEY, "AUOptions")
    if not no_auto.known or not options.known:
        fam.unknown["auto_updates_enabled"] = no_auto.why or options.why
        return
    starts = service_start_types(doc)
    if starts.get("wuauserv") == "disabled":
        fam.auto_updates_enabled = False
        fam.auto_update_mechanism = "Windows Update (service disabled)"
        return
    if no_auto.dword() == 1:
        fam.auto_updates_enabled = False
        fam.auto_update_mechanism = "Windows Update (policy NoAutoUpdate=1)"
        return
    option = options.dword()
    if option is None:
        fam.auto_updates_enabled = True
        fam.auto_update_mechanism = "Windows Update (default, no policy)"
        return
    fam.auto_update_mechanism = f"Windows Update (AUOptions={option})"
    fam.auto_updates_enabled = AU_AUTOMATIC.get(option)
    if fam.auto_updates_enabled is None:
        fam.unknown["auto_updates_enabled"] = f"AUOptions={option} leaves the choice to users"


def _pending(doc: Document, fam: Updates) -> None:
    try:
        data = as_dict(doc.data("wu_pending"))
    except PartMissing as exc:
        fam.unknown["pending_updates"] = fam.unknown["pending_security_updates"] = str(exc)
        return
    code = as_int(prop(data, "ResultCode"))
    if code not in SEARCH_SUCCEEDED:
        why = f"Windows Update search did not succeed (ResultCode {code})"
        fam.unknown["pending_updates"] = fam.unknown["pending_security_updates"] = why
        return
    found = [as_dict(u) for u in as_list(prop(data, "Updates"))]
    fam.pending_updates = len(found)
    fam.pending_security_updates = sum(1 for u in found if _is_security(u))


def _is_security(update: dict[str, object]) -> bool:
    categories = {str(c).lower() for c in as_list(prop(update, "CategoryIDs"))}
    return SECURITY_UPDATES_CATEGORY in categories or bool(as_text(prop(update, "MsrcSeverity")))


def _last_update(doc: Document, fam: Updates) -> datetime | None:
    reasons = []
    try:
        dates = [as_datetime(prop(h, "InstalledOn")) for h in as_list(doc.data("hotfixes"))]
        known = [d for d in dates if d is not None]
        if known:
            return max(known)
        reasons.append("no hotfix with an install date")
    except PartMissing as exc:
        reasons.append(str(exc))
    try:
        moment = as_datetime(prop(doc.data("wu_status"), "LastInstallationSuccessDate"))
        if moment is not None:
            return moment
        reasons.append("Windows Update reports no successful installation")
    except PartMissing as exc:
        reasons.append(str(exc))
    fam.unknown["last_update"] = "; ".join(reasons)[:300]
    return None
