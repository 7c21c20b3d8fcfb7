"""BitLocker on the system drive (``Get-BitLockerVolume -MountPoint $env:SystemDrive``).

Protected means fully encrypted AND protection on: a volume can be FullyEncrypted with
ProtectionStatus Off ("waiting for activation", or suspended), whose key then sits in the
clear on the disk. The script sends enum names ("FullyEncrypted", "On", "XtsAes128");
ProtectionStatus numbers follow Win32_EncryptableVolume (0 Off, 1 On, 2 Unknown).
"""

from __future__ import annotations

from dentsec.collect.windows.document import Document
from dentsec.collect.windows.psjson import as_braced_list, as_float, as_int, as_list, as_text, prop
from dentsec.facts import DiskEncryption

_PROTECTION = {0: "off", 1: "on", 2: "unknown"}


def protection(value: object) -> str | None:
    number = as_int(value)
    if number is not None:
        return _PROTECTION.get(number)
    text = as_text(value)
    return text.strip().lower() if text else None


def disk_encryption(doc: Document) -> DiskEncryption:
    fam = DiskEncryption(source="Get-BitLockerVolume")
    volumes = as_list(doc.data("bitlocker"))
    system = next((v for v in volumes if (as_text(prop(v, "VolumeType")) or "").lower()
                   == "operatingsystem"), volumes[0] if len(volumes) == 1 else None)
    if system is None:
        fam.unknown["system_encrypted"] = "no BitLocker information for the system drive"
        return fam
    return describe_volume(system, fam)


def describe_volume(volume: object, fam: DiskEncryption) -> DiskEncryption:
    status = (as_text(prop(volume, "VolumeStatus")) or "").strip()
    state = protection(prop(volume, "ProtectionStatus"))
    method = (as_text(prop(volume, "EncryptionMethod")) or "").strip()
    percent = as_float(prop(volume, "EncryptionPercentage"))
    protectors = as_braced_list(prop(volume, "KeyProtector")) or []
    fam.method = f"BitLocker {method}" if method and method.lower() != "none" else None
    fam.detail = (f"{as_text(prop(volume, 'MountPoint')) or '?'} {status or '?'}"
                  f" {percent if percent is not None else '?'}%, protection {state or '?'}"
                  f", protectors {{{', '.join(protectors)}}}")
    if state == "on":
        fam.system_encrypted = status.lower() == "fullyencrypted" or None
    elif state == "off":
        fam.system_encrypted = False
    if fam.system_encrypted is None:
        fam.unknown["system_encrypted"] = f"BitLocker reports {status or '?'} / protection {state or '?'}"
    return fam
