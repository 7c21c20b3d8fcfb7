"""Parsers on recorded or documented outputs not found among the shared real outputs.

Sources: fixtures/README.md for files; each inline sample names its own.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from dentsec.collect.macos import plist
from dentsec.collect.macos.accounts import parse_account_policy, parse_screen_lock_status
from dentsec.collect.macos.backup import parse_destinationinfo, parse_latestbackup
from dentsec.collect.macos.context import (
    LocalUser,
    is_human,
    parse_console_user,
    parse_group_membership,
    parse_users,
    parse_utc_offset,
)
from dentsec.collect.macos.downloads import (
    keep_download_prefs,
    parse_firefox_auto_open,
    parse_spctl_status,
)
from dentsec.collect.macos.firewall import (
    parse_fdesetup_status,
    parse_lsof_fields,
    parse_socketfilterfw,
    parse_sshd_effective,
)
from dentsec.collect.macos.passwords import (
    chromium_logins_probe,
    firefox_logins_probe,
    looks_like_password_file,
    parse_firefox_policies,
    parse_pwpolicy,
)
from dentsec.collect.macos.software import parse_stat_mtime
from dentsec.collect.macos.updates import auto_update_state, install_history_dates, parse_history

from .real_outputs import fixture


def test_dscl_users_join_uid_and_home() -> None:
    # fixtures/dscl-list-users-*-01.txt (mondoohq/cnquery osx.toml)
    users = parse_users(fixture("dscl-list-users-uniqueid-01.txt"),
                        fixture("dscl-list-users-nfshomedirectory-01.txt"), None)
    by_name = {u.name: u for u in users}
    assert len(users) == 8
    assert by_name["root"].uid == 0 and by_name["nobody"].uid == -2
    assert by_name["Guest"].home is None  # no NFSHomeDirectory line for Guest
    assert by_name["_www"].home == "/Library/WebServer"
    assert not any(is_human(u) for u in users)
    assert all(u.enabled is None for u in users)  # authorities unread: unknown, not enabled


def test_enabled_from_authentication_authority() -> None:
    # fixtures/dscl-read-authenticationauthority-01-disabled.txt (DISA macOS STIG check text)
    value = fixture("dscl-read-authenticationauthority-01-disabled.txt").split(":", 1)[1]
    assert LocalUser("unlock", 502, "/Users/unlock", value).enabled is False
    assert LocalUser("alice", 501, "/Users/alice", ";ShadowHash;HASHLIST:<SALTED-SHA512-PBKDF2>"
                     ).enabled is True
    assert LocalUser("root", 0, "/var/root", "").enabled is False  # no authority: cannot log in
    # A directory (mobile) account logs in without a local ShadowHash. Form as grepped by
    # public scripts: dscl . -list /Users AuthenticationAuthority | grep LocalCachedUser.
    assert LocalUser("jdoe", 1104, "/Users/jdoe",
                     ";LocalCachedUser;/Active Directory/CORP/corp.example.com:jdoe:"
                     "4508EE9C-084B-4BA8-842E-4A2434933DDF").enabled is True


def test_account_policy_password_last_set() -> None:
    # fixtures/dscl-read-accountpolicydata-01.txt (fleetdm/fleet dscl_darwin_test.go)
    when = parse_account_policy(fixture("dscl-read-accountpolicydata-01.txt"))
    assert when == datetime.fromtimestamp(1636975330.6275649, UTC)
    assert parse_account_policy(fixture("dscl-read-accountpolicydata-02-nokey.txt")) is None


def test_group_membership_on_indented_lines() -> None:
    # dscl(1) prints a multi-value attribute on indented lines after "Key:" (fleetdm/fleet
    # dscl_darwin_test.go keySample5 shows this layout for RecordName).
    assert parse_group_membership("GroupMembership:\n root\n Dr Martin\nPrimaryGroupID: 80\n") == [
        "root", "Dr", "Martin"]
    assert parse_group_membership("No such key: GroupMembership\n") is None


def test_console_user() -> None:
    # stat(1) -f %Su prints the owner name; /dev/console belongs to root at the login window.
    assert parse_console_user("alice\n") == "alice"
    assert parse_console_user("root\n") is None


def test_utc_offset() -> None:
    # date(1) +%z: "+hhmm" / "-hhmm"
    assert parse_utc_offset("+0100\n") == timezone(timedelta(hours=1))
    assert parse_utc_offset("-0530") == timezone(-timedelta(hours=5, minutes=30))
    assert parse_utc_offset("CET") is None


def test_sysadminctl_screen_lock() -> None:
    # Answers quoted by the CIS macOS 14 benchmark (2.10.2, Tenable audit page) and in
    # public scripts grepping `sysadminctl -screenLock status 2>&1`; stderr lines carry a
    # "date time sysadminctl[pid:tid]" prefix.
    prefix = "2024-05-12 10:31:07.123 sysadminctl[2044:40210] "
    assert parse_screen_lock_status(prefix + "screenLock delay is immediate\n") == (True, 0)
    assert parse_screen_lock_status(prefix + "screenLock delay is 5 seconds\n") == (True, 5)
    assert parse_screen_lock_status(prefix + "screenLock is off\n") == (False, None)
    assert parse_screen_lock_status("screenLock delay is -1.000000 seconds") == (False, None)
    assert parse_screen_lock_status("") == (None, None)


def test_spctl_status() -> None:
    # spctl(8): "assessments enabled" / "assessments disabled" (the latter with exit 1)
    assert parse_spctl_status("assessments enabled\n") is True
    assert parse_spctl_status("assessments disabled\n") is False
    assert parse_spctl_status("spctl: error") is None


def test_socketfilterfw_disabled_block_all() -> None:
    # socketfilterfw getters as printed with the firewall off (state 0) and block-all on,
    # same wording as the kolide/launcher fixture of the shared real outputs.
    text = ("Firewall is disabled. (State = 0)\nFirewall has block all state set to enabled.\n"
            "Stealth mode disabled\n")
    assert parse_socketfilterfw(text) == {"enabled": False, "block_all": True, "stealth": False}


def test_fdesetup_off_and_in_progress() -> None:
    # fdesetup(8) status answers: "FileVault is Off." and the in-progress variant.
    assert parse_fdesetup_status("FileVault is Off.\n") == (False, None)
    on, detail = parse_fdesetup_status(
        "FileVault is On.\nEncryption in progress: Percent completed = 42.0\n")
    assert on is False and detail and detail.startswith("Encryption in progress")
    assert parse_fdesetup_status("") == (None, None)


def test_tmutil_none_and_latest() -> None:
    # tmutil(8): "No destinations configured." ; latestbackup prints the snapshot path.
    assert parse_destinationinfo("tmutil: No destinations configured.\n") == []
    assert parse_destinationinfo("garbage") is None
    tz = timezone(timedelta(hours=1))
    when = parse_latestbackup(
        "/Volumes/.timemachine/ABC/2026-11-28-213015.backup/2026-11-28-213015.backup\n", tz)
    assert when == datetime(2026, 11, 28, 20, 30, 15, tzinfo=UTC)
    assert parse_latestbackup("", tz) is None


def test_lsof_field_output() -> None:
    # fixtures/lsof-F-listen-01.txt: lsof(8) "OUTPUT FOR OTHER PROGRAMS" layout.
    socks = parse_lsof_fields(fixture("lsof-F-listen-01.txt"))
    got = [(s.address, s.port, s.process, s.pid, s.system) for s in socks]
    assert got == [("*", 7000, "ControlCenter", 512, True), ("*", 5000, "ControlCenter", 512, True),
                   ("127.0.0.1", 631, "cupsd", 301, False), ("::1", 631, "cupsd", 301, False),
                   ("*", 5938, "TeamViewer_Service", 733, False)]


def test_sshd_effective() -> None:
    # sshd(8) -T prints every effective keyword in lower case, one per line.
    assert parse_sshd_effective("passwordauthentication yes\npermitrootlogin without-password\n"
                                "kbdinteractiveauthentication no\n") == (True, False)
    assert parse_sshd_effective("passwordauthentication no\npermitrootlogin yes\n"
                                "kbdinteractiveauthentication yes\nusepam yes\n") == (True, True)
    assert parse_sshd_effective("passwordauthentication no\npermitrootlogin no\n") == (False, False)
    assert parse_sshd_effective("") == (None, None)


def test_history_ambiguous_dates_are_unknown() -> None:
    text = ("Display Name    Version    Date\n------------    -------    ----\n"
            "XProtect        5287       04/07/2025, 08:01:12\n")
    assert parse_history(text, None) == (None, "softwareupdate --history: day/month order "
                                               "cannot be told apart")


def test_auto_update_needs_every_key() -> None:
    on = {"AutomaticCheckEnabled": True, "AutomaticDownload": True, "CriticalUpdateInstall": True,
          "ConfigDataInstall": True}
    assert auto_update_state(on)[0] is True
    assert auto_update_state({**on, "CriticalUpdateInstall": False})[0] is False
    assert auto_update_state({"AutomaticCheckEnabled": 1})[0] is None


def test_pwpolicy_garbage_is_unknown() -> None:
    assert parse_pwpolicy("Getting global account policies\n") is None


def test_password_file_names() -> None:
    assert looks_like_password_file("Mots de passe cabinet.docx")
    assert looks_like_password_file("mdp.txt")
    assert looks_like_password_file("Identifiants Doctolib.xlsx")
    assert not looks_like_password_file("Coffre.kdbx")  # a password manager is the good answer
    assert not looks_like_password_file("Radiographies.pdf")


def test_download_redactor_keeps_only_download_settings() -> None:
    kept = keep_download_prefs('{"account_info": [{"email": "x@example.org"}], '
                               '"download": {"extensions_to_open": "pdf"}}')
    assert kept == '{"download": {"extensions_to_open": "pdf"}}'
    assert keep_download_prefs("not json") == ""


def test_stat_mtime() -> None:
    # stat(1) -f %m: modification time as Unix seconds
    assert parse_stat_mtime("1764039736\n") == datetime.fromtimestamp(1764039736, UTC)
    assert parse_stat_mtime("stat: No such file or directory") is None


def test_firefox_handlers() -> None:
    # handlers.json as Firefox writes it: action 2/4 open with a program, 3 inside Firefox.
    text = ('{"defaultHandlersVersion":{},"mimeTypes":{"application/pdf":{"action":4,'
            '"extensions":["pdf"]},"application/zip":{"action":0,"extensions":["zip"]}}}')
    assert parse_firefox_auto_open(text) == ["pdf"]
    assert parse_firefox_auto_open("{") is None


def test_browser_password_probes_count_only(tmp_path: Path) -> None:
    # A real SQLite file with the columns of Chromium's "logins" table that the count uses.
    db = tmp_path / "Login Data"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE logins (origin_url TEXT, username_value TEXT, "
                "password_value BLOB, blacklisted_by_user INTEGER)")
    con.executemany("INSERT INTO logins VALUES (?, ?, ?, ?)", [
        ("https://a.example", "u", b"FAKE-NOT-ENCRYPTED", 0),
        ("https://b.example", "", b"", 1)])  # "never save" entry: no password
    con.commit()
    con.close()
    assert chromium_logins_probe("", str(db)) == {"count": 1, "file": True}
    assert chromium_logins_probe(str(tmp_path), "/missing/Login Data") == {"count": 0,
                                                                           "file": False}
    logins = tmp_path / "logins.json"
    logins.write_text(json.dumps({"logins": [{"hostname": "https://a.example"}] * 3}))
    assert firefox_logins_probe("", str(logins)) == {"count": 3, "file": True}


def test_install_history_plaso() -> None:
    # fixtures/installhistory-01-plaso.plist (log2timeline/plaso test data, OS X 10.9)
    items = plist.loads(fixture("installhistory-01-plaso.plist"))
    assert isinstance(items, list) and len(items) == 7
    # OS install and XProtect data count; word-list config data and third-party installs not.
    assert install_history_dates(items) == datetime(2013, 12, 28, 12, 14, 43, tzinfo=UTC)
    assert install_history_dates(items, "XProtect") == datetime(2013, 12, 28, 12, 14, 43,
                                                                tzinfo=UTC)
    assert install_history_dates(items[:2]) == datetime(2013, 11, 12, 2, 59, 35, tzinfo=UTC)


def test_loginwindow_without_guest_key_is_unknown() -> None:
    # fixtures/loginwindow-01-plaso.plist: no GuestEnabled key, so no answer either way.
    data = plist.loads_dict(fixture("loginwindow-01-plaso.plist"))
    assert data is not None and data["LoginHook"] == "/Users/matthew/login.sh"
    assert plist.as_bool(data.get("GuestEnabled")) is None


def test_socketfilterfw_garbled_state_and_old_wordings() -> None:
    # fixtures/socketfilterfw-01-kolide-malformed.txt (kolide/launcher malformed.txt)
    state = parse_socketfilterfw(fixture("socketfilterfw-01-kolide-malformed.txt"))
    assert state == {"block_all": True, "stealth": False}  # the garbled state stays unknown


def test_firefox_policies() -> None:
    # policies.json layout of Mozilla's enterprise policy templates.
    assert parse_firefox_policies('{"policies": {"PasswordManagerEnabled": false}}') is True
    assert parse_firefox_policies('{"policies": {"DisableAppUpdate": true}}') is False
    assert parse_firefox_policies("{") is None
