"""Host firewall: running nftables rules (root only) or the boot configuration of
ufw, firewalld, nftables and iptables-persistent."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from dentsec.collect.linux.context import LinuxContext
from dentsec.collect.linux.textconf import parse_assignments
from dentsec.facts import Firewall, FirewallProfile

NFT_LIST = ["nft", "-j", "list", "ruleset"]
IPTABLES_LEGACY = ["iptables-legacy-save"]
FIREWALL_PACKAGES = ("nftables", "iptables", "ufw", "firewalld", "iptables-persistent")
FIREWALL_PROGRAMS = tuple(f"{folder}/{name}"
                          for folder in ("/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin")
                          for name in ("nft", "iptables", "iptables-legacy", "ufw", "firewalld"))
"""The programs that load filtering rules into the kernel: with none of them (and none of
their packages) nothing can have set up a firewall."""
Inbound = Literal["block", "allow"]


def _unconditional_drop(expr: Any) -> bool:
    """A rule whose only effect is drop/reject (counters and comments aside)."""
    if not isinstance(expr, list) or not expr:
        return False
    verdicts = [e for e in expr if isinstance(e, dict) and ("drop" in e or "reject" in e)]
    others = [e for e in expr if isinstance(e, dict) and not ("drop" in e or "reject" in e
                                                              or "counter" in e or "log" in e)]
    return bool(verdicts) and not others


def parse_nft_ruleset(text: str) -> tuple[bool, Inbound | None]:
    """(an input hook exists, default for unsolicited inbound) from ``nft -j list ruleset``."""
    data = json.loads(text)
    items = data.get("nftables", []) if isinstance(data, dict) else []
    chains: dict[tuple[str, str, str], str] = {}
    last_rule: dict[tuple[str, str, str], Any] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        chain = item.get("chain")
        if isinstance(chain, dict) and chain.get("hook") == "input" \
                and chain.get("family") in ("ip", "ip6", "inet"):
            key = (str(chain.get("family")), str(chain.get("table")), str(chain.get("name")))
            chains[key] = str(chain.get("policy", "accept"))
        rule = item.get("rule")
        if isinstance(rule, dict):
            key = (str(rule.get("family")), str(rule.get("table")), str(rule.get("chain")))
            last_rule[key] = rule.get("expr")
    if not chains:
        return False, None
    blocked = any(policy == "drop" or _unconditional_drop(last_rule.get(key))
                  for key, policy in chains.items())
    return True, "block" if blocked else "allow"


def parse_nft_conf(text: str) -> tuple[bool, Inbound | None]:
    """Same question answered from an nftables.conf text."""
    clean = re.sub(r"#[^\n]*", "", text)
    hooks = re.findall(r"hook\s+input\b[^;}]*;(?:\s*policy\s+(\w+)\s*;)?", clean)
    if not hooks:
        return False, None
    return True, "block" if any(p == "drop" for p in hooks) else "allow"


def ufw_profile(ufw_conf: str, default_ufw: str) -> FirewallProfile:
    enabled = parse_assignments(ufw_conf).get("ENABLED", "no").lower() == "yes"
    policy = parse_assignments(default_ufw).get("DEFAULT_INPUT_POLICY", "").upper()
    inbound: Inbound | None = {"DROP": "block", "REJECT": "block", "ACCEPT": "allow"}.get(policy)  # type: ignore[assignment]
    return FirewallProfile(name="ufw", enabled=enabled, default_inbound=inbound)


def iptables_input_policy(rules_v4: str) -> Inbound | None:
    m = re.search(r"^:INPUT\s+(\w+)", rules_v4, re.M)
    if not m:
        return None
    return "block" if m.group(1).upper() == "DROP" else "allow"


def _configured(ctx: LinuxContext, pkgs: dict[str, str]) -> list[FirewallProfile]:
    host = ctx.host
    units, _ = ctx.enabled_units()
    profiles: list[FirewallProfile] = []
    if "ufw" in pkgs:
        ufw = ufw_profile(host.read_text("/etc/ufw/ufw.conf").text or "",
                          host.read_text("/etc/default/ufw").text or "")
        if ufw.enabled and units and "ufw.service" not in units:
            # ENABLED=yes, but systemd does not start ufw at boot: no rules get loaded.
            ufw = ufw.model_copy(update={"enabled": False})
        profiles.append(ufw)
    if "firewalld" in pkgs:
        conf = parse_assignments(host.read_text("/etc/firewalld/firewalld.conf").text or "")
        zone = conf.get("DefaultZone", "public")
        zone_xml = host.read_text(f"/etc/firewalld/zones/{zone}.xml").text or ""
        inbound: Inbound = "allow" if zone == "trusted" or 'target="ACCEPT"' in zone_xml \
            else "block"
        profiles.append(FirewallProfile(name=f"firewalld ({zone})",
                                        enabled="firewalld.service" in units,
                                        default_inbound=inbound))
    if "nftables" in pkgs and "nftables.service" in units:
        has_input, inbound_nft = parse_nft_conf(host.read_text("/etc/nftables.conf").text or "")
        profiles.append(FirewallProfile(name="nftables.conf", enabled=has_input,
                                        default_inbound=inbound_nft))
    if "iptables-persistent" in pkgs:
        policy = iptables_input_policy(host.read_text("/etc/iptables/rules.v4").text or "")
        profiles.append(FirewallProfile(name="iptables-persistent", enabled=policy is not None,
                                        default_inbound=policy))
    return profiles


def firewall_installed(ctx: LinuxContext, pkgs: dict[str, str] | None) -> bool | None:
    """Whether a firewall program exists: True, False (seen absent), None (could not look)."""
    if pkgs is not None and any(p in pkgs for p in FIREWALL_PACKAGES):
        return True
    errors = [ctx.host.read_text(path, max_bytes=0).error for path in FIREWALL_PROGRAMS]
    if any(e is None for e in errors):
        return True
    if any(e != "missing" for e in errors):
        return None  # a program that exists but cannot be opened is still installed
    # Without the package list, missing programs only count where programs live at all.
    return False if pkgs is not None or ctx.exists("/usr/sbin") else None


def collect_firewall(ctx: LinuxContext) -> Firewall:
    host = ctx.host
    fam = Firewall()
    pkgs, why = ctx.packages()
    fam.installed = firewall_installed(ctx, pkgs)
    if fam.installed is False:
        # Seen absent: no program to load rules, hence no firewall (a fail, not an unknown).
        fam.source = "no firewall package (" + ", ".join(FIREWALL_PACKAGES) + ") nor program"
        return fam
    configured = _configured(ctx, pkgs) if pkgs is not None else []
    active = [p for p in configured if p.enabled]
    fam.backend = active[0].name.split(" ")[0] if active else None
    running = host.run(NFT_LIST, timeout=10) if host.info.runs_commands and host.info.is_admin \
        else None
    if running is not None and running.ok:
        try:
            has_input, inbound = parse_nft_ruleset(running.stdout)
        except (ValueError, AttributeError) as exc:
            fam.unknown["profiles"] = f"nft -j list ruleset: {exc}"[:200]
        else:
            if not has_input:
                # Rules loaded through the legacy iptables API do not show in nft.
                legacy = host.run(IPTABLES_LEGACY, timeout=10)
                policy = iptables_input_policy(legacy.stdout) if legacy.ok else None
                if policy is not None and ("-A INPUT" in legacy.stdout or policy == "block"):
                    fam.profiles = [FirewallProfile(name="iptables-legacy (running rules)",
                                                    enabled=True, default_inbound=policy)]
                    fam.backend = fam.backend or "iptables"
                    fam.source = "iptables-legacy-save (running rules)"
                    return fam
            fam.profiles = [FirewallProfile(name="nftables (running rules)", enabled=has_input,
                                            default_inbound=inbound)]
            fam.backend = fam.backend or ("nftables" if has_input else None)
            fam.source = "nft list ruleset (running rules)"
            return fam
    fam.profiles = configured
    fam.source = "boot configuration (ufw, firewalld, nftables, iptables-persistent)"
    if pkgs is None:
        fam.unknown["profiles"] = why
    elif not active and host.info.runs_commands:
        reason = running.why_not() if running is not None else \
            "the running rules can only be listed as root (nft list ruleset)"
        fam.unknown["profiles"] = f"no firewall configured to start at boot; {reason}"
        fam.profiles = []
    return fam
