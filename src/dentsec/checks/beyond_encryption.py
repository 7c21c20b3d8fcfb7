"""Beyond the six rules: a stolen laptop must not leak patient data."""

from __future__ import annotations

from dentsec.checks.registry import Ctx, Outcome, check, failed, passed


@check("ENC-SYSTEM-DISK")
def system_disk(ctx: Ctx) -> Outcome:
    on = ctx.get("disk_encryption", "system_encrypted")
    fam = ctx.family("disk_encryption")
    ev = [f"disk_encryption.system_encrypted = {on}", f"method = {fam.method}",
          f"detail = {fam.detail}"]
    if on:
        return passed(f"Disque système chiffré ({fam.method or '?'}).",
                      f"System disk encrypted ({fam.method or '?'}).", ev)
    return failed("Le disque système n'est pas chiffré (ou la protection est suspendue).",
                  "The system disk is not encrypted (or protection is suspended).", ev)
