"""Rule 5 on Linux: browsers that open downloads by themselves, downloads scanned by ClamAV."""

from __future__ import annotations

from dentsec.collect.linux import browsers
from dentsec.collect.linux.antivirus import ONACCESS_UNITS, clamav_installed, service_state
from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import AutoOpen, Downloads


def collect_downloads(ctx: LinuxContext) -> Downloads:
    fam = Downloads(source="Firefox handlers.json, Chromium Preferences, ClamAV on-access")
    fam.not_applicable += ["reputation_check", "autorun_disabled"]
    users, why = ctx.human_users()
    if users is None:
        raise RuntimeError(why)
    problems: list[str] = []
    for user in users:
        profiles, trouble = browsers.find_profiles(ctx, user)
        problems += trouble
        for profile in profiles:
            types, problem = browsers.auto_open_types(ctx, profile)
            if types is None:
                problems.append(problem)
                continue
            fam.auto_open.append(AutoOpen(browser=profile.browser, user=user.name,
                                          profile=profile.name, extensions=types))
    if problems:
        fam.unknown["auto_open"] = "; ".join(problems)[:500]
    installed = clamav_installed(ctx)
    if installed is False:
        fam.scan_downloads = False
    else:
        fam.scan_downloads = service_state(ctx, "clamonacc", ONACCESS_UNITS)
        if fam.scan_downloads is None:
            fam.unknown["scan_downloads"] = "ClamAV on-access state unknown"
    return fam
