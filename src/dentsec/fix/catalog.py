"""Every fix dentsec knows, by OS and by the check it makes pass: Linux fixes dentsec
applies itself, Windows and macOS fixes as generated scripts."""

from __future__ import annotations

from dentsec.fix.model import Fix
from dentsec.fix.scripts.model import ScriptFix


def all_fixes() -> list[Fix]:
    from dentsec.fix.linux import FIXES as LINUX

    return list(LINUX)


def fixes_for(check: str, os_family: str) -> list[Fix]:
    return [f for f in all_fixes() if f.os == os_family and check in f.checks]


def scripts_for(check: str, os_family: str) -> list[ScriptFix]:
    from dentsec.fix.scripts.render import all_script_fixes

    return [f for f in all_script_fixes() if f.os == os_family and check in f.checks]
