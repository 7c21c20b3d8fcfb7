"""Windows collector: one PowerShell run (dentsec-collect.ps1) -> OS-neutral facts.

The script prints one JSON document; each module here turns some of its parts into one
fact family. The command is recorded under a fixed logical argv (``SCRIPT_ARGV``), the
same one the script writes in a standalone bundle (``-Output X.zip``), so that a bundle
made without Python replays exactly like one made by ``dentsec collect``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dentsec.collect import Collector, run_collectors
from dentsec.collect.common.browsers import count_chromium_logins
from dentsec.collect.windows.accounts import accounts
from dentsec.collect.windows.antivirus import antivirus
from dentsec.collect.windows.backup import backup
from dentsec.collect.windows.document import Document, PartMissing, parse_document
from dentsec.collect.windows.downloads import downloads
from dentsec.collect.windows.encryption import disk_encryption
from dentsec.collect.windows.firewall import firewall
from dentsec.collect.windows.network import network
from dentsec.collect.windows.os_info import os_info
from dentsec.collect.windows.passwords import (
    Prober,
    passwords,
    probe_name,
    probe_value,
)
from dentsec.collect.windows.remote_access import remote_access
from dentsec.collect.windows.screen_lock import screen_lock
from dentsec.collect.windows.secedit import parse_inf, password_policy
from dentsec.collect.windows.software import software
from dentsec.collect.windows.updates import updates
from dentsec.facts import Facts, Family, PasswordPolicy
from dentsec.host import CommandResult, Host
from dentsec.host.replay import NOT_COLLECTED

SCRIPT_NAME = "dentsec-collect.ps1"
SCRIPT_ARGV = ("powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
               "-File", SCRIPT_NAME)
SCRIPT_TIMEOUT = 330.0
"""Above the script's own limits (60 s per part, 240 s for the Windows Update search)."""

__all__ = ["SCRIPT_ARGV", "collect", "script_path"]


def script_path() -> Path:
    return Path(__file__).with_name(SCRIPT_NAME)


def run_script(host: Host) -> CommandResult:
    # "-File dentsec-collect.ps1" is resolved from the working directory: running it from its
    # own folder keeps the recorded argv equal to SCRIPT_ARGV, the key the standalone script
    # writes in its bundles.
    return host.run(SCRIPT_ARGV, timeout=SCRIPT_TIMEOUT, cwd=str(script_path().parent))


def load(result: CommandResult) -> Document:
    if result.error is not None or not result.stdout.strip():
        return Document(problem=result.why_not())
    return parse_document(result.stdout)


def _password_policy(doc: Document) -> PasswordPolicy:
    inf = doc.data("secpol")
    text = inf.get("inf") if isinstance(inf, dict) else None
    if not isinstance(text, str):
        raise PartMissing("secpol: no INF text")
    return password_policy(parse_inf(text))


def _prober(host: Host) -> Prober:
    def count(path: str) -> tuple[int | None, str | None]:
        result = host.probe(probe_name(path), lambda _root: {"saved_logins": count_chromium_logins(path)},
                            live_only=True)
        if result.error == NOT_COLLECTED:
            return None, "Login Data is SQLite: counted only when dentsec runs on the PC"
        if not result.ok:
            return None, f"Login Data: {result.error}"
        value = probe_value(result.value)
        return value, None if value is not None else "Login Data: unreadable count"
    return count


def collectors(doc: Document, prober: Prober | None = None) -> dict[str, Collector]:
    """Fact family -> collector, all reading the one document."""
    def of(fn: Callable[[Document], Family]) -> Collector:
        return lambda _host: fn(doc)
    return {
        "updates": of(updates),
        "software": of(software),
        "password_policy": of(_password_policy),
        "passwords": lambda _host: passwords(doc, prober),
        "accounts": of(accounts),
        "screen_lock": of(screen_lock),
        "backup": of(backup),
        "downloads": of(downloads),
        "antivirus": of(antivirus),
        "firewall": of(firewall),
        "network": of(network),
        "remote_access": of(remote_access),
        "disk_encryption": of(disk_encryption),
    }


def collect(host: Host) -> Facts:
    doc = load(run_script(host))
    facts = run_collectors(host, os_info(doc), collectors(doc, _prober(host)))
    # "PartMissing: secpol: …" reads better without the exception's class name.
    facts.unknown = {k: v.removeprefix(f"{PartMissing.__name__}: ") for k, v in facts.unknown.items()}
    return facts
