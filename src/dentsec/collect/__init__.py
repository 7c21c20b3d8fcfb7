"""Evidence -> facts. One package per OS; rules never see the OS."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dentsec.facts import Facts, Family, OSInfo
from dentsec.host import Host
from dentsec.vocab import OS_FAMILIES, ErrorKind

Collector = Callable[[Host], Family]
"""Gathers one fact family. It may raise: the family then becomes unknown with the reason."""

FAMILIES = (
    "updates", "software", "password_policy", "passwords", "accounts", "screen_lock",
    "backup", "downloads", "antivirus", "firewall", "network", "remote_access",
    "disk_encryption",
)


def run_collectors(
    host: Host, os_info: OSInfo, collectors: Mapping[str, Collector], workers: int = 8
) -> Facts:
    """Run the collectors concurrently (each command inside is time-boxed) and assemble."""
    results: dict[str, Any] = {}
    unknown: dict[str, str] = {}

    def one(name: str, fn: Collector) -> tuple[str, Family | None, str | None]:
        try:
            return name, fn(host), None
        except Exception as exc:  # noqa: BLE001 - one broken collector must not stop the audit
            return name, None, f"{ErrorKind.COLLECTOR_ERROR}: {type(exc).__name__}: {exc}"[:300]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for name, family, error in pool.map(lambda kv: one(*kv), collectors.items()):
            if family is not None:
                results[name] = family
            else:
                unknown[name] = error or "?"
    for name in FAMILIES:
        if name not in collectors:
            unknown.setdefault(name, f"{ErrorKind.UNSUPPORTED}: not collected on this platform")
    return Facts(
        collected_at=host.info.collected_at,
        collection_mode=host.info.mode,
        is_admin=host.info.is_admin,
        os=os_info,
        unknown=unknown,
        **results,
    )


def collect_facts(host: Host) -> Facts:
    family = host.info.os_family
    if family not in OS_FAMILIES:  # pragma: no cover - validated upstream
        raise ValueError(family)
    module = importlib.import_module(f"dentsec.collect.{family}")
    facts: Facts = module.collect(host)
    return facts
