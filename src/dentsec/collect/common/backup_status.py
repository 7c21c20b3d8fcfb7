"""The status file ``dentsec backup`` writes (schema dentsec.backup-status/1, see
docs/ARCHITECTURE.md), read the same way on every OS."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from dentsec.facts import Backup, BackupTool
from dentsec.host import Host

STATUS_SCHEMA = "dentsec.backup-status/1"
DISK_CHECKS_NEEDED = 7


def parse_when(value: Any) -> datetime | None:
    """An ISO 8601 timestamp with its zone; anything else is unknown."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def disk_always_connected(checks: Any) -> bool | None:
    """True when the last >= 7 checks, spanning >= 7 days, all saw the disk connected."""
    if not isinstance(checks, list):
        return None
    seen = [(w, c.get("connected")) for c in checks if isinstance(c, dict)
            for w in [parse_when(c.get("at"))] if w is not None]
    if len(seen) < DISK_CHECKS_NEEDED:
        return None
    recent = sorted(seen, key=lambda s: s[0])
    cutoff = recent[-1][0] - timedelta(days=7)
    older = [i for i, (when, _c) in enumerate(recent) if when <= cutoff]
    if not older:
        return None  # the checks do not cover 7 days yet
    window = recent[min(older[-1], len(recent) - DISK_CHECKS_NEEDED):]
    return all(connected is True for _w, connected in window)


def apply_status(fam: Backup, text: str) -> None:
    """Fill ``fam`` from a status file. Raises ValueError when the text is not one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}"[:200]) from exc
    if not isinstance(data, dict) or data.get("schema") != STATUS_SCHEMA:
        raise ValueError(f"not a {STATUS_SCHEMA} file")
    last_run = data.get("last_run")
    if not isinstance(last_run, dict):
        last_run = {}
    repository = data.get("repository")
    fam.dentsec_configured = True
    fam.tools.append(BackupTool(
        tool="dentsec", configured=True,
        destination=repository if isinstance(repository, str) and repository else None,
        last_backup=parse_when(data.get("last_success")),
        last_ok=_bool(last_run.get("ok"))))
    verify = data.get("last_verify")
    if isinstance(verify, dict):
        fam.last_verify = parse_when(verify.get("at"))
        fam.last_verify_ok = _bool(verify.get("ok"))
    drill = data.get("last_drill")
    if isinstance(drill, dict):
        fam.last_drill = parse_when(drill.get("at"))
        fam.last_drill_ok = _bool(drill.get("ok"))
    fam.disk_always_connected = disk_always_connected(data.get("disk_checks"))
    if fam.disk_always_connected is None:
        fam.unknown["disk_always_connected"] = (
            f"fewer than {DISK_CHECKS_NEEDED} disk checks over 7 days")
    providers = data.get("providers")
    for provider in providers if isinstance(providers, list) else []:
        if isinstance(provider, dict) and isinstance(provider.get("name"), str) and provider["name"]:
            fam.cloud_providers.append(provider["name"])
            if parse_when(provider.get("assessed_at")):
                fam.cloud_providers_assessed.append(provider["name"])


def _dentsec_home(_root: str) -> str:
    from dentsec.paths import dentsec_home

    return str(dentsec_home())


def own_status_path(host: Host) -> str | None:
    """The status file under the collecting user's DENTSEC_HOME, asked through a probe so
    that a bundle replays the path the live host used."""
    home = host.probe("dentsec-home", _dentsec_home, live_only=True)
    if home.ok and isinstance(home.value, str):
        return f"{home.value.rstrip('/')}/backup/status.json"
    return None
