"""Every fix dentsec knows, by OS and by the check it makes pass."""

from __future__ import annotations

from dentsec.fix.model import Fix


def all_fixes() -> list[Fix]:
    from dentsec.fix.linux import FIXES as LINUX

    return list(LINUX)


def fixes_for(check: str, os_family: str) -> list[Fix]:
    return [f for f in all_fixes() if f.os == os_family and check in f.checks]
