from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dentsec.collect.linux.firewall import (
    iptables_input_policy,
    parse_nft_conf,
    parse_nft_ruleset,
    ufw_profile,
)
from dentsec.facts import Facts


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


def test_no_firewall_installed_is_a_fail_not_unknown(
    trees: Path, audit_tree: Callable[..., dict[str, tuple[str, str]]]
) -> None:
    # trees/weak: no nftables/iptables/ufw/firewalld package in dpkg's status, no program.
    status, message = audit_tree(trees / "weak")["FW-ENABLED"]
    assert status == "fail" and "aucun pare-feu n'est installé" in message.lower()


def test_firewall_program_without_package_list_is_installed(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts]
) -> None:
    root = tree_copy("weak")
    (root / "var/lib/dpkg/status").unlink()
    (root / "usr/sbin").mkdir(parents=True)
    # Nothing to see without the package list and without the folder programs live in.
    fw = collect_tree(root).firewall
    assert fw is not None and fw.installed is False
    (root / "usr/sbin/nft").write_bytes(b"\x7fELF")
    fw = collect_tree(root).firewall
    assert fw is not None and fw.installed is True and "profiles" in fw.unknown


def test_firewall_unseen_without_package_list_nor_programs_folder(
    tree_copy: Callable[[str], Path], collect_tree: Callable[..., Facts],
    audit_tree: Callable[..., dict[str, tuple[str, str]]],
) -> None:
    root = tree_copy("weak")
    (root / "var/lib/dpkg/status").unlink()
    fw = collect_tree(root).firewall
    assert fw is not None and fw.installed is None and "profiles" in fw.unknown
    assert audit_tree(root)["FW-ENABLED"][0] == "unknown"


def test_firewall_installed_but_nothing_configured_offline(
    tree_copy: Callable[[str], Path], audit_tree: Callable[..., dict[str, tuple[str, str]]]
) -> None:
    root = tree_copy("hardened")
    (root / "etc/ufw/ufw.conf").write_text("ENABLED=no\n")
    status, message = audit_tree(root)["FW-ENABLED"]
    assert status == "fail" and "none" not in message


def test_ufw_enabled_but_not_started_at_boot_fails(
    tree_copy: Callable[[str], Path], audit_tree: Callable[..., dict[str, tuple[str, str]]]
) -> None:
    # trees/hardened: ufw.conf ENABLED=yes and ufw.service linked in multi-user.target.wants.
    root = tree_copy("hardened")
    assert audit_tree(root)["FW-ENABLED"][0] == "pass"
    (root / "etc/systemd/system/multi-user.target.wants/ufw.service").unlink()
    status, message = audit_tree(root)["FW-ENABLED"]
    assert status == "fail" and "ufw" in message
