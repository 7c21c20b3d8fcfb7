"""No parser of outside text crashes, whatever it is given (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.backup.status import STATUS_SCHEMA
from dentsec.collect.common import backup_status
from dentsec.collect.common import browsers as common_browsers
from dentsec.collect.linux import (
    accounts,
    antivirus,
    backup,
    browsers,
    context,
    dconf,
    disk_encryption,
    firewall,
    osrelease,
    packages,
    password_policy,
    passwords,
    remote_access,
    screen_lock,
    software,
    textconf,
    updates,
)
from dentsec.facts import Backup

# Text that looks a bit like configuration files, plus anything at all.
config_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from([
        "password requisite pam_pwquality.so minlen=", "auth required pam_faillock.so deny=",
        "Inst pkg [1] (2 Debian-Security:12/stable-security [amd64])", "Upgrade: x", "End-Date: ",
        "2024-01-01 10:00:00 upgrade a 1 2", "Package: clamav", "Status: install ok installed",
        "Version: 1", "", "[Daemon]", "Timeout=", "Autolock=false", "ID=debian", "VERSION_ID=",
        "root:x:0:0::/root:/bin/bash", "a::1:1::/h:/bin/sh", "sudo:x:27:a", "Match User x",
        "PasswordAuthentication yes", "Include x", ":INPUT DROP", "hook input", "policy drop;",
        "ClamAV-VDB:", "/ /dev/mapper/x", "x UUID=y none luks", "minlen = -3", "dcredit=-1",
        "APT::Periodic::Unattended-Upgrade \"1\";", "[org/gnome/desktop/session]", "idle-delay=",
    ]) | st.text(max_size=20), max_size=12).map("\n".join),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from([
        "nftables", "chain", "rule", "hook", "policy", "family", "table", "name", "expr",
        "blockdevices", "children", "mountpoint", "mountpoints", "type", "mimeTypes", "action",
        "ask", "extensions", "logins", "download", "extensions_to_open", "schema", "last_run",
        "ok", "last_success", "last_verify", "last_drill", "at", "disk_checks", "connected",
        "providers", "assessed_at", "repository", "drop", "reject", "counter",
        "attached", "services", "status",
    ]) | st.text(max_size=5), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(config_text)
def test_text_parsers(text: str) -> None:
    textconf.parse_assignments(text)
    textconf.parse_spaced(text)
    textconf.parse_spaced(text, "=")
    textconf.parse_ini(text)
    context.parse_passwd(text)
    context.parse_group(text)
    redacted = accounts.redact_shadow(text)
    accounts.parse_shadow(redacted)
    accounts.parse_shadow(text)
    password_policy.parse_pam(text)
    password_policy.policy_from_texts(text, text, text, textconf.parse_spaced(text), text, text)
    updates.parse_apt_upgradable(text)
    updates.parse_dnf_check_update(text)
    updates.apt_periodic([text])
    updates.last_apt_upgrade(text)
    updates.last_dpkg_upgrade(text)
    updates.last_dnf_upgrade(text)
    packages.parse_dpkg_status(text, frozenset({"clamav", "x"}))
    packages.parse_rpm_query(text)
    osrelease.os_info_from_release(text, "h")
    remote_access.ssh_password_and_root(remote_access.parse_sshd(text.splitlines()))
    firewall.parse_nft_conf(text)
    firewall.ufw_profile(text, text)
    firewall.iptables_input_policy(text)
    disk_encryption.from_tabs(text, text)
    dconf.parse_keyfile(text)
    dconf.parse_locks(text)
    screen_lock.kde_lock(text, text)
    browsers.firefox_profile_paths(text)
    passwords.looks_like_password_file(text)
    antivirus.parse_cvd_header(text)
    backup.timeshift_time(text)
    software.upstream_major(text)
    software.snap_version(text)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_redaction_never_keeps_a_hash_field(text: str) -> None:
    for line in accounts.redact_shadow(text).splitlines():
        fields = line.split(":")
        assert len(fields) == 1 or fields[1] in ("<set>", "<empty>", "!<locked>", "*")


def _json_or_valueerror(fn: Any, text: str) -> None:
    try:
        fn(text)
    except ValueError:
        pass  # invalid JSON or not the expected document: the collector makes it unknown


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_json_parsers(value: Any) -> None:
    text = json.dumps(value)
    _json_or_valueerror(firewall.parse_nft_ruleset, text)
    _json_or_valueerror(disk_encryption.from_lsblk, text)
    _json_or_valueerror(common_browsers.firefox_auto_open, text)
    _json_or_valueerror(common_browsers.count_firefox_logins, text)
    _json_or_valueerror(lambda t: backup_status.apply_status(Backup(), t), text)
    if isinstance(value, dict):
        common_browsers.chromium_auto_open(value)
        _json_or_valueerror(lambda t: backup_status.apply_status(
            Backup(), json.dumps({**value, "schema": STATUS_SCHEMA})), text)
    assert osrelease.pro_status_enrolled(text) in (True, False, None)
    assert osrelease.pro_status_enrolled(osrelease.keep_pro_services(text)) in (True, False, None)
    screen_lock.gnome_lock({screen_lock.IDLE: value, screen_lock.LOCK: value},
                           screen_lock.SystemDconf({screen_lock.LOCK_DELAY: value}, set()))


@pytest.mark.parametrize("prefix", [b"", b"GVariant", b"raVGtnai"])
@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_gvdb_reader(prefix: bytes, data: bytes) -> None:
    for read in (dconf.read_gvdb, dconf.read_gvdb_locks):
        try:
            read(prefix + data)
        except ValueError:
            pass


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 200), st.binary(min_size=1, max_size=4))
def test_gvdb_reader_on_damaged_real_database(offset: int, junk: bytes) -> None:
    from pathlib import Path

    trees = Path(__file__).parent / "trees/hardened"
    for path in (trees / "home/cmartin/.config/dconf/user", trees / "etc/dconf/db/local"):
        data = bytearray(path.read_bytes())
        at = offset % len(data)
        data[at:at + len(junk)] = junk
        for read in (dconf.read_gvdb, dconf.read_gvdb_locks):
            try:
                read(bytes(data))
            except ValueError:
                pass
