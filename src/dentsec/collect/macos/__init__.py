"""macOS collector: evidence from Apple's own tools -> OS-neutral facts.

Read-only and locale-independent: property lists through ``plutil -convert xml1``,
tools whose output has no translated words (``sw_vers``, ``dscl``, ``socketfilterfw``,
``fdesetup``, ``tmutil``, ``lsof -F``), exit codes (``launchctl print``). Every command
is time-boxed by the host. What needs administrator rights and is refused becomes
unknown with the refusal as reason.
"""

from __future__ import annotations

from functools import partial

from dentsec.collect import run_collectors
from dentsec.collect.macos.accounts import collect_accounts, collect_screen_lock
from dentsec.collect.macos.backup import collect_backup
from dentsec.collect.macos.context import gather
from dentsec.collect.macos.downloads import collect_downloads
from dentsec.collect.macos.firewall import (
    collect_disk_encryption,
    collect_firewall,
    collect_network,
    collect_remote_access,
)
from dentsec.collect.macos.osinfo import collect_os
from dentsec.collect.macos.passwords import collect_password_policy, collect_passwords
from dentsec.collect.macos.software import collect_antivirus, collect_software, read_xprotect
from dentsec.collect.macos.updates import collect_updates
from dentsec.facts import Facts
from dentsec.host import Host

__all__ = ["collect"]


def collect(host: Host) -> Facts:
    os_info = collect_os(host)
    ctx = gather(host)
    xprotect = read_xprotect(host)
    now = host.info.collected_at
    return run_collectors(host, os_info, {
        "updates": partial(collect_updates, ctx=ctx, os_version=os_info.version),
        "software": partial(collect_software, ctx=ctx),
        "password_policy": collect_password_policy,
        "passwords": partial(collect_passwords, ctx=ctx),
        "accounts": partial(collect_accounts, ctx=ctx),
        "screen_lock": partial(collect_screen_lock, ctx=ctx),
        "backup": partial(collect_backup, ctx=ctx),
        "downloads": partial(collect_downloads, ctx=ctx,
                             xprotect_present=xprotect.error is None),
        "antivirus": partial(collect_antivirus, ctx=ctx, xp=xprotect, now=now),
        "firewall": collect_firewall,
        "network": partial(collect_network, ctx=ctx),
        "remote_access": partial(collect_remote_access, ctx=ctx),
        "disk_encryption": collect_disk_encryption,
    })
