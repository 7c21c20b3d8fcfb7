"""Every macOS parser against the real outputs of ../shared/data/real-outputs/.

Each test names its file; the expected values are those the README there states.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from dentsec.collect.macos.backup import parse_destinationinfo
from dentsec.collect.macos.context import parse_group_membership
from dentsec.collect.macos.downloads import parse_chromium_auto_open
from dentsec.collect.macos.firewall import (
    parse_fdesetup_status,
    parse_remote_login,
    parse_socketfilterfw,
)
from dentsec.collect.macos.osinfo import build_os_info, parse_sw_vers
from dentsec.collect.macos.passwords import parse_pwpolicy
from dentsec.collect.macos.updates import count_security, parse_history, parse_softwareupdate_list

from .real_outputs import real


def test_chrome_preferences_without_download_section_opens_nothing() -> None:
    # macos-en-chrome-preferences-01-no-download-section.json (nmcspadden/Google-Chrome-Configurations)
    assert parse_chromium_auto_open(real("macos-en-chrome-preferences-01-no-download-section.json")) == []


def test_admin_group_root_and_one_user() -> None:
    # macos-en-dscl-read-admin-groupmembership-01.txt (goonerDroid/cyber-bootcamp-2025)
    assert parse_group_membership(real("macos-en-dscl-read-admin-groupmembership-01.txt")) == [
        "root", "XXXXXXXX"]


def test_fdesetup_on() -> None:
    # macos-en-fdesetup-status-01-on.txt (goonerDroid/cyber-bootcamp-2025)
    assert parse_fdesetup_status(real("macos-en-fdesetup-status-01-on.txt")) == (True, None)


def test_pwpolicy_profile() -> None:
    # macos-en-pwpolicy-getaccountpolicies-01-profile.txt (kolide/launcher test1.output)
    pol = parse_pwpolicy(real("macos-en-pwpolicy-getaccountpolicies-01-profile.txt"))
    assert pol is not None
    assert pol.min_length == 8
    assert pol.min_classes == 3  # upper, lower, number
    assert pol.lockout_threshold == 5
    assert pol.max_age_days == 0
    assert pol.history_size == 0


def test_pwpolicy_default_four_characters_no_lockout() -> None:
    # macos-en-pwpolicy-getaccountpolicies-02-default.txt (kolide/launcher empty.output)
    pol = parse_pwpolicy(real("macos-en-pwpolicy-getaccountpolicies-02-default.txt"))
    assert pol is not None
    assert (pol.min_length, pol.min_classes, pol.lockout_threshold) == (4, 0, 0)


def test_socketfilterfw_enabled_stealth() -> None:
    # macos-en-socketfilterfw-01-global-stealth-logging.txt (kolide/launcher data.txt)
    state = parse_socketfilterfw(real("macos-en-socketfilterfw-01-global-stealth-logging.txt"))
    assert state == {"enabled": True, "block_all": False, "stealth": True}


def test_socketfilterfw_listapps_says_nothing_about_global_state() -> None:
    # macos-en-socketfilterfw-02-listapps.txt: --listapps is not a global-state answer
    assert parse_socketfilterfw(real("macos-en-socketfilterfw-02-listapps.txt")) == {}


def test_softwareupdate_history_day_first() -> None:
    # macos-en-softwareupdate-history-01-sequoia.txt (goonerDroid/cyber-bootcamp-2025)
    last, why = parse_history(real("macos-en-softwareupdate-history-01-sequoia.txt"), None)
    assert why is None
    assert last == datetime(2025, 8, 28, 2, 1, 8, tzinfo=UTC)


def test_softwareupdate_one_update() -> None:
    # macos-en-softwareupdate-l-01-one-update.txt (kolide/launcher update-available-scan.txt)
    ups = parse_softwareupdate_list(real("macos-en-softwareupdate-l-01-one-update.txt"))
    assert ups is not None and len(ups) == 1
    up = ups[0]
    assert (up.label, up.title, up.version) == ("macOS Ventura 13.3.1-22E261", "macOS Ventura 13.3.1",
                                                "13.3.1")
    assert up.recommended is True and up.restart is True
    assert count_security(ups, "13.2.1") == 1


def test_softwareupdate_two_updates_noscan() -> None:
    # macos-en-softwareupdate-l-02-two-updates-noscan.txt (kolide/launcher)
    ups = parse_softwareupdate_list(real("macos-en-softwareupdate-l-02-two-updates-noscan.txt"))
    assert ups is not None
    assert [(u.title, u.version, u.restart) for u in ups] == [
        ("Command Line Tools for Xcode", "14.3", False), ("macOS Ventura 13.4 Beta", "13.4", True)]


def test_softwareupdate_no_updates() -> None:
    # macos-en-softwareupdate-l-03-no-updates.txt (kolide/launcher)
    assert parse_softwareupdate_list(real("macos-en-softwareupdate-l-03-no-updates.txt")) == []


def test_softwareupdate_beta() -> None:
    # macos-en-softwareupdate-l-04-beta-noscan.txt (kolide/launcher)
    ups = parse_softwareupdate_list(real("macos-en-softwareupdate-l-04-beta-noscan.txt"))
    assert ups is not None and [(u.version, u.restart) for u in ups] == [("13.3", True)]


def test_softwareupdate_scan_error_is_unknown_not_up_to_date() -> None:
    # macos-en-softwareupdate-l-05-scan-error.txt (kolide/launcher error-scan.txt)
    assert parse_softwareupdate_list(real("macos-en-softwareupdate-l-05-scan-error.txt")) is None


def test_softwareupdate_four_updates_with_major_upgrade() -> None:
    # macos-en-softwareupdate-l-06-four-updates-major.txt (fleetdm/fleet updates_available.txt)
    ups = parse_softwareupdate_list(real("macos-en-softwareupdate-l-06-four-updates-major.txt"))
    assert ups is not None
    assert [u.title for u in ups] == ["Safari", "SF Symbols", "macOS Tahoe 26.7", "macOS 27"]
    assert [u.restart for u in ups] == [False, False, True, True]
    # Only the 26.x point release fixes the installed Tahoe; macOS 27 is an upgrade.
    assert count_security(ups, "26.6.2") == 1


def test_sw_vers_catalina() -> None:
    # macos-en-sw_vers-01.txt (mondoohq/mql osx.toml)
    info = build_os_info(parse_sw_vers(real("macos-en-sw_vers-01.txt")), "mac", "x86_64")
    assert (info.name, info.version, info.build) == ("Mac OS X", "10.15.4", "19E266")
    assert (info.eol_cycle, info.eol_date, info.eol_announced) == ("10.15", date(2026, 2, 2), True)


def test_sw_vers_mavericks() -> None:
    # macos-en-sw_vers-02-10.9.2.txt (elatov/elatov.github.io)
    info = build_os_info(parse_sw_vers(real("macos-en-sw_vers-02-10.9.2.txt")), "mac", None)
    assert (info.version, info.build, info.eol_cycle) == ("10.9.2", "13C64", "10.9")
    assert info.eol_date == date(2016, 12, 1)


def test_systemsetup_remote_login_off() -> None:
    # macos-en-systemsetup-getremotelogin-01.txt (mondoohq/mql systemsetup.toml)
    assert parse_remote_login(real("macos-en-systemsetup-getremotelogin-01.txt")) is False


def test_tmutil_destinationinfo_network() -> None:
    # macos-en-tmutil-destinationinfo-01-afp-network.txt (elatov/elatov.github.io)
    dests = parse_destinationinfo(real("macos-en-tmutil-destinationinfo-01-afp-network.txt"))
    assert dests == [{"Name": "time_mach", "Kind": "Network", "URL": "afp://elatov@zf/time_mach",
                      "Mount Point": "/Volumes/time_mach-1",
                      "ID": "C17BD870-304F-4FDB-AF6D-3A78B24729AB"}]


def test_sonoma_has_no_announced_end_in_the_shipped_data() -> None:
    # Apple never announces end dates; the shipped endoflife extract says "not yet" for 14
    # (and has no macOS 27 entry), so 14 counts as supported until the data says otherwise.
    info = build_os_info({"ProductName": "macOS", "ProductVersion": "14.8.9"}, "mac", "arm64")
    assert (info.eol_cycle, info.eol_date, info.eol_announced) == ("14", None, False)
    assert info.unknown["eol_date"] == "no end of support announced for macOS 14"
    ventura = build_os_info({"ProductVersion": "13.7.8"}, "mac", None)
    assert ventura.eol_date == date(2025, 9, 15)
