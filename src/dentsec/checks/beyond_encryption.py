"""Beyond the six rules: a stolen laptop must not leak patient data."""

from __future__ import annotations

from dentsec.checks.registry import Ctx, Outcome, check, failed, need, passed
from dentsec.facts import DiskEncryption


@check("ENC-SYSTEM-DISK")
def system_disk(ctx: Ctx) -> Outcome:
    fam = ctx.family(DiskEncryption)
    on = need(fam, "system_encrypted", fam.system_encrypted)
    ev = [f"disk_encryption.system_encrypted = {on}", f"method = {fam.method}",
          f"detail = {fam.detail}"]
    if on:
        how = f" ({fam.method})" if fam.method else ""
        return passed(f"Disque système chiffré{how}.", f"System disk encrypted{how}.", ev)
    return failed("Le disque système n'est pas chiffré (ou la protection est suspendue).",
                  "The system disk is not encrypted (or protection is suspended).", ev)
