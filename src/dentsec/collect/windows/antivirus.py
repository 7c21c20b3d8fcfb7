"""Antivirus: Microsoft Defender (Get-MpComputerStatus) and others (Security Center).

``productState`` of ``root\\SecurityCenter2 AntiVirusProduct`` is a bit field that
Microsoft does not document; its widely used reading is: second byte 0x10 = real-time
protection on (0x00 off, 0x01 snoozed), low byte 0x00 = signatures up to date (0x10 out of
date). Security Center does not exist on Windows Server (the part then fails).
"""

from __future__ import annotations

from typing import Any

from dentsec.collect.windows.document import Document, PartMissing
from dentsec.collect.windows.psjson import as_age, as_bool, as_dict, as_int, as_list, as_text, prop
from dentsec.facts import Antivirus, AntivirusProduct

DEFENDER_NAMES = {"windows defender", "microsoft defender antivirus", "microsoft defender"}
DEFENDER = "Microsoft Defender Antivirus"
NO_SIGNATURES = "0.0.0.0"
"""AntivirusSignatureVersion of a Defender that never downloaded its signatures."""


def product_state(state: int) -> tuple[bool, bool]:
    """(real-time protection on, signatures up to date) from a productState value."""
    return ((state >> 8) & 0x10) == 0x10, (state & 0xFF) == 0x00


def defender_mode_normal(status: dict[str, Any]) -> bool:
    """Defender is the active antivirus (not passive beside another one, not off)."""
    mode = (as_text(prop(status, "AMRunningMode")) or "Normal").strip().lower()
    return mode == "normal" and as_bool(prop(status, "AMServiceEnabled")) is not False


def _security_center(doc: Document) -> list[dict[str, Any]]:
    data = doc.data("security_center")
    products = prop(data, "antiVirus") if isinstance(data, dict) else data
    return [as_dict(p) for p in as_list(products)]


def third_party_active(doc: Document) -> bool:
    try:
        products = _security_center(doc)
    except PartMissing:
        return False
    for p in products:
        name = (as_text(prop(p, "displayName")) or "").lower()
        state = as_int(prop(p, "productState"))
        if name not in DEFENDER_NAMES and state is not None and product_state(state)[0]:
            return True
    return False


def never_updated(status: dict[str, Any]) -> bool:
    """Signatures never downloaded: the age is a "never" sentinel or the version is 0.0.0.0."""
    raw_age = as_int(prop(status, "AntivirusSignatureAge"))
    version = (as_text(prop(status, "AntivirusSignatureVersion")) or "").strip()
    return (raw_age is not None and as_age(raw_age) is None) or version == NO_SIGNATURES


def _defender(status: dict[str, Any]) -> AntivirusProduct:
    out_of_date = as_bool(prop(status, "DefenderSignaturesOutOfDate"))
    age = as_age(prop(status, "AntivirusSignatureAge"))
    up_to_date = (not out_of_date) if out_of_date is not None else None
    if never_updated(status) or as_bool(prop(status, "AMServiceEnabled")) is False:
        # A stopped service keeps its last "not out of date" flag: it receives nothing.
        up_to_date = False
    return AntivirusProduct(
        name=DEFENDER,
        enabled=defender_mode_normal(status) and as_bool(prop(status, "AntivirusEnabled")) is True,
        realtime=as_bool(prop(status, "RealTimeProtectionEnabled")),
        signature_age_days=float(age) if age is not None else None,
        up_to_date=up_to_date,
    )


def antivirus(doc: Document) -> Antivirus:
    fam = Antivirus(source="Get-MpComputerStatus, root\\SecurityCenter2 AntiVirusProduct")
    reasons = []
    have_defender = False
    try:
        status = as_dict(doc.data("defender"))
        if status:
            fam.products.append(_defender(status))
            have_defender = True
    except PartMissing as exc:
        reasons.append(str(exc))
    try:
        for p in _security_center(doc):
            name = as_text(prop(p, "displayName")) or "?"
            if have_defender and name.lower() in DEFENDER_NAMES:
                continue
            state = as_int(prop(p, "productState"))
            on, fresh = product_state(state) if state is not None else (None, None)
            fam.products.append(AntivirusProduct(name=name, enabled=on, realtime=on, up_to_date=fresh))
    except PartMissing as exc:
        reasons.append(str(exc))
    if not fam.products and reasons:
        raise PartMissing("; ".join(reasons)[:300])
    if reasons:
        fam.unknown["products"] = "; ".join(reasons)[:300]
    return fam
