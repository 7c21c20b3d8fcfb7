"""Linux collectors: read-only, each command time-boxed, families gathered concurrently.

Works on the running machine (as root or not: what needs root becomes unknown with the
reason), on an offline tree (``--root``: file-based facts only) and on a recorded bundle.
"""

from __future__ import annotations

from collections.abc import Callable

from dentsec.collect import Collector, run_collectors
from dentsec.collect.linux.accounts import collect_accounts
from dentsec.collect.linux.antivirus import collect_antivirus
from dentsec.collect.linux.backup import collect_backup
from dentsec.collect.linux.context import LinuxContext
from dentsec.collect.linux.disk_encryption import collect_disk_encryption
from dentsec.collect.linux.downloads import collect_downloads
from dentsec.collect.linux.firewall import collect_firewall
from dentsec.collect.linux.network import collect_network
from dentsec.collect.linux.osrelease import collect_os
from dentsec.collect.linux.password_policy import collect_password_policy
from dentsec.collect.linux.passwords import collect_passwords
from dentsec.collect.linux.remote_access import collect_remote_access
from dentsec.collect.linux.screen_lock import collect_screen_lock
from dentsec.collect.linux.software import collect_software
from dentsec.collect.linux.updates import collect_updates
from dentsec.facts import Facts, Family
from dentsec.host import Host

__all__ = ["collect"]

FAMILY_COLLECTORS: dict[str, Callable[[LinuxContext], Family]] = {
    # The slowest first (apt simulation), so the pool starts it at once.
    "updates": collect_updates,
    "software": collect_software,
    "password_policy": collect_password_policy,
    "passwords": collect_passwords,
    "accounts": collect_accounts,
    "screen_lock": collect_screen_lock,
    "backup": collect_backup,
    "downloads": collect_downloads,
    "antivirus": collect_antivirus,
    "firewall": collect_firewall,
    "network": collect_network,
    "remote_access": collect_remote_access,
    "disk_encryption": collect_disk_encryption,
}


def _bind(ctx: LinuxContext, fn: Callable[[LinuxContext], Family]) -> Collector:
    return lambda _host: fn(ctx)


def collect(host: Host) -> Facts:
    ctx = LinuxContext(host)
    collectors = {name: _bind(ctx, fn) for name, fn in FAMILY_COLLECTORS.items()}
    return run_collectors(host, collect_os(host), collectors)
