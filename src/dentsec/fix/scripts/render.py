"""A script fix as the text the workstation runs: header, shared prelude, body."""

from __future__ import annotations

from dentsec.fix.scripts import macos, windows
from dentsec.fix.scripts.model import APPLY, ScriptFix


def render(fix: ScriptFix, action: str) -> str:
    """The apply or undo script of ``fix`` (PowerShell with a UTF-8 BOM, or POSIX sh)."""
    body = fix.apply if action == APPLY else fix.undo
    what = "application" if action == APPLY else "annulation"
    lines = [f"dentsec fix {fix.name} ({', '.join(fix.checks)}) : {what}",
             fix.title["fr"],
             "Généré par dentsec : ne pas modifier à la main.",
             "Documentation :", *[f"  {url}" for url in fix.docs]]
    if fix.os == "windows":
        # Windows PowerShell 5.1 reads a UTF-8 file as UTF-8 only with its BOM.
        header = "\ufeff#Requires -Version 5.1\n<#\n" + "\n".join(f"  {ln}" for ln in lines) + "\n#>"
        return header + windows.PRELUDE + body.lstrip("\n")
    header = "#!/bin/sh\n" + "\n".join(f"# {ln}" for ln in lines)
    return header + "\n" + macos.PRELUDE + body.lstrip("\n")


def all_script_fixes() -> tuple[ScriptFix, ...]:
    return windows.FIXES + macos.FIXES
