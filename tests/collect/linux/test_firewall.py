from __future__ import annotations

from collections.abc import Callable

from dentsec.collect.linux.firewall import (
    iptables_input_policy,
    parse_nft_conf,
    parse_nft_ruleset,
    ufw_profile,
)


def test_nft_json_rulesets(sample: Callable[[str], str]) -> None:
    assert parse_nft_ruleset(sample("nft-json-empty.json")) == (False, None)
    assert parse_nft_ruleset(sample("nft-json-policy-drop.json")) == (True, "block")
    assert parse_nft_ruleset(sample("nft-json-reject-last.json")) == (True, "block")
    assert parse_nft_ruleset(sample("nft-json-accept.json")) == (True, "allow")


def test_nftables_conf_text(sample: Callable[[str], str]) -> None:
    assert parse_nft_conf(sample("nftables-policy-drop.conf")) == (True, "block")
    assert parse_nft_conf("#!/usr/sbin/nft -f\nflush ruleset\n") == (False, None)


def test_ufw_package_defaults(sample: Callable[[str], str]) -> None:
    profile = ufw_profile(sample("ufw.conf-debian12.txt"), sample("default-ufw-debian12.txt"))
    assert (profile.enabled, profile.default_inbound) == (False, "block")
    on = ufw_profile("ENABLED=yes\n", 'DEFAULT_INPUT_POLICY="ACCEPT"\n')
    assert (on.enabled, on.default_inbound) == (True, "allow")


def test_iptables_save_policy() -> None:
    # iptables-save(8) layout: chain lines ":NAME POLICY [packets:bytes]".
    assert iptables_input_policy("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\nCOMMIT\n") == "block"
    assert iptables_input_policy("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n") == "allow"
    assert iptables_input_policy("") is None
