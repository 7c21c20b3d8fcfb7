"""Every macOS parser survives any input: it answers or says unknown, never crashes."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.collect.macos import plist
from dentsec.collect.macos.accounts import (
    parse_account_policy,
    parse_screen_lock_status,
    screensaver_idle,
)
from dentsec.collect.macos.backup import (
    latest_snapshot,
    parse_destinationinfo,
    parse_latestbackup,
)
from dentsec.collect.macos.context import (
    parse_console_user,
    parse_dscl_list,
    parse_group_membership,
    parse_users,
    parse_utc_offset,
)
from dentsec.collect.macos.downloads import (
    keep_download_prefs,
    parse_chromium_auto_open,
    parse_firefox_auto_open,
    parse_spctl_status,
    safari_auto_open,
)
from dentsec.collect.macos.firewall import (
    parse_fdesetup_status,
    parse_lsof_fields,
    parse_remote_login,
    parse_socketfilterfw,
    parse_sshd_effective,
)
from dentsec.collect.macos.osinfo import build_os_info, parse_sw_vers
from dentsec.collect.macos.passwords import (
    looks_like_password_file,
    parse_firefox_policies,
    parse_pwpolicy,
    probe_count,
)
from dentsec.collect.macos.software import parse_stat_mtime
from dentsec.collect.macos.updates import (
    auto_update_state,
    install_history_dates,
    parse_history,
    parse_softwareupdate_list,
)

# Text made of the tokens the tools print, so the fuzzer reaches deep branches.
TOKENS = st.sampled_from([
    "\n", "\t", " ", ":", ",", "/", "-", "=", "*", "(", ")", "<", ">", "0", "1", "12", "13", "2025",
    "* Label: ", "Title: ", "Version: ", "Action: restart", "Recommended: YES",
    "No new software available.", "Scan finished with error", "ProductVersion:", "15.6.1",
    "GroupMembership:", "FileVault is On.", "FileVault is Off.", "Encryption in progress",
    "Firewall is enabled. (State = ", "Stealth mode enabled", "block all state set to enabled",
    "assessments enabled", "screenLock delay is ", "seconds", "immediate", "screenLock is off",
    "Remote Login: On", "No destinations configured", "Name", "ID", "URL", "===",
    "p", "c", "n*:", "PTCP", "f", "[::1]:", "2026-11-28-213015", "28/08/2025, 02:01:08",
    "<?xml version=\"1.0\"?>", "<plist version=\"1.0\">", "</plist>", "<dict>", "</dict>",
    "<key>passwordLastSetTime</key>", "<real>1e300</real>", "<integer>-5</integer>",
    "<key>policyCategoryPasswordContent</key>", "<array>", "</array>", "<string>",
    "</string>", "policyAttributePassword matches '.{9999,}+'", "[A-Z]", "<true/>",
    "passwordauthentication yes", "permitrootlogin no", "{", "}", "\"download\"", "\"", "\"mimeTypes\"", "\"action\"",
    "²", "٣", "\x00",  # digits int() refuses or accepts, and a NUL
])
TEXT = st.one_of(st.text(max_size=300), st.lists(TOKENS, max_size=60).map("".join))
TZ = st.sampled_from([None, UTC, timezone(timedelta(hours=14))])


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_parsers_never_crash(text: str) -> None:
    parse_softwareupdate_list(text)
    parse_pwpolicy(text)
    parse_account_policy(text)
    parse_screen_lock_status(text)
    parse_destinationinfo(text)
    parse_dscl_list(text)
    parse_group_membership(text)
    parse_console_user(text)
    parse_utc_offset(text)
    parse_users(text, text, text)
    parse_chromium_auto_open(text)
    parse_firefox_auto_open(text)
    keep_download_prefs(text)
    parse_spctl_status(text)
    parse_fdesetup_status(text)
    parse_lsof_fields(text)
    parse_remote_login(text)
    parse_socketfilterfw(text)
    parse_sshd_effective(text)
    build_os_info(parse_sw_vers(text), "mac", None)
    looks_like_password_file(text)
    parse_firefox_policies(text)
    parse_stat_mtime(text)
    plist.loads(text)


@settings(max_examples=200, deadline=None)
@given(TEXT, TZ)
def test_dated_parsers_never_crash(text: str, tz: timezone | None) -> None:
    parse_history(text, tz)
    parse_latestbackup(text, tz)


def test_dates_at_the_edge_of_time() -> None:
    plus14 = timezone(timedelta(hours=14))
    assert parse_latestbackup("/x/0001-01-01-000000", plus14) is None
    assert parse_history("01/01/0001, 00:00:00", plus14)[0] is None


KEYS = st.sampled_from([
    "last_run", "ok", "at", "connected", "last_success", "last_verify", "last_drill",
    "disk_checks", "providers", "name", "assessed_at", "repository", "Destinations",
    "SnapshotDates", "date", "displayName", "processName", "AutomaticCheckEnabled",
    "CriticalUpdateInstall", "idleTime", "AutoOpenSafeDownloads", "count"]) | st.text(max_size=8)
LEAVES = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
          | st.datetimes() | st.sampled_from(["2026-11-27T10:00:00+01:00", "softwareupdated",
                                              "XProtectPlistConfigData"]))
JSONISH = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(JSONISH)
def test_value_helpers_never_crash(value: object) -> None:
    # Values as plistlib / json hand them over: whatever shape the file had.
    plist.as_bool(value)
    plist.as_int(value)
    plist.as_utc(value)
    install_history_dates(value)
    install_history_dates(value, "XProtect")
    probe_count(value)
    if isinstance(value, dict):
        latest_snapshot(value)
        auto_update_state(value)
        screensaver_idle(value)
        safari_auto_open(value)
