"""Every parser on the real Windows outputs of ../shared/data/real-outputs (read in place).

Each test names the file it reads; the README there gives each file's source and what a
correct parser must read from it. The collector asks PowerShell for JSON; outputs published
as Format-List/Format-Table text go through tests' pstext helper into the same mappings.
Not read here, because the collector never runs those commands (their text is translated,
which is exactly what it avoids):
windows-en-manage-bde-status-01-issue-protection-off-commadecimal.txt (the collector uses
Get-BitLockerVolume) and windows-fr-systeminfo-01-win10pro-22h2-truncated.txt (it reads the
registry and Win32_OperatingSystem instead).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from dentsec.collect.windows.accounts import accounts, sid_of
from dentsec.collect.windows.antivirus import antivirus, product_state
from dentsec.collect.windows.encryption import describe_volume, disk_encryption
from dentsec.collect.windows.firewall import firewall
from dentsec.collect.windows.network import network
from dentsec.collect.windows.psjson import as_age, as_datetime, as_float, load_json
from dentsec.collect.windows.secedit import parse_inf, password_policy
from dentsec.collect.windows.updates import AU_KEY, updates
from dentsec.facts import DiskEncryption

from .build import REAL_OUTPUTS, document, real, registry_entries
from .pstext import format_list, format_table


def test_every_windows_real_output_is_covered_by_this_module() -> None:
    names = {p.name for p in REAL_OUTPUTS.glob("windows-*")}
    source = open(__file__, encoding="utf-8").read()
    assert names, "../shared/data/real-outputs is missing"
    assert {n for n in names if n not in source} == set()


def test_get_localuser_json_ps51() -> None:
    # windows-en-get-localuser-json-01.json: 5 accounts, \/Date(ms)\/, SID objects, int enums.
    users = load_json(real("windows-en-get-localuser-json-01.json"))
    fam = accounts(document({"local_users": users, "admins": {"members": []}, "registry": []}))
    by_name = {a.name: a for a in fam.accounts}
    assert set(by_name) == {"XXXXX", "DefaultAccount", "Guest", "sshd", "WDAGUtilityAccount"}
    admin = by_name["XXXXX"]
    assert admin.builtin_admin and admin.enabled is True and admin.human
    assert admin.id.endswith("-500")
    assert admin.password_last_set == datetime(2020, 4, 15, 20, 11, 59, 962000, tzinfo=UTC)
    assert admin.last_logon == datetime(2020, 4, 16, 12, 55, 59, 64000, tzinfo=UTC)
    assert by_name["Guest"].guest and by_name["Guest"].enabled is False
    assert by_name["DefaultAccount"].enabled is False and not by_name["DefaultAccount"].human
    assert by_name["sshd"].enabled is True and not by_name["sshd"].human  # a service account
    assert by_name["WDAGUtilityAccount"].enabled is False
    assert all(a.is_admin is False for a in fam.accounts)  # nobody in the (empty) admins part


def test_get_localgroup_json_ps51_sids() -> None:
    # windows-en-get-localgroup-json-01.json: 25 groups, well-known SIDs as objects.
    groups = load_json(real("windows-en-get-localgroup-json-01.json"))
    by_sid = {sid_of(g["SID"]): g["Name"] for g in groups}
    assert len(groups) == 25
    assert by_sid["S-1-5-32-544"] == "Administrators"
    assert by_sid["S-1-5-32-555"] == "Remote Desktop Users"
    assert by_sid["S-1-5-32-546"] == "Guests"


def _defender_from_list(name: str) -> dict[str, str]:
    blocks = format_list(real(name))
    assert len(blocks) == 1
    return blocks[0]


def test_get_mpcomputerstatus_docs_ws2022() -> None:
    # windows-en-get-mpcomputerstatus-01-docs-ws2022.txt: Defender on, sentinels for "never".
    status = _defender_from_list("windows-en-get-mpcomputerstatus-01-docs-ws2022.txt")
    fam = antivirus(document({"defender": status}, failed={"security_center": {"message": "n/a"}}))
    [product] = fam.products
    assert product.enabled is True and product.realtime is True
    assert product.signature_age_days == 1.0 and product.up_to_date is True
    assert as_age(status["QuickScanAge"]) is None  # 4294967295 = never
    assert as_datetime(status["DeviceControlPoliciesLastUpdated"]) is None  # 12/31/1600 sentinel


def test_get_mpcomputerstatus_2013_format() -> None:
    # windows-en-get-mpcomputerstatus-02-docs-2013-format.txt: no DefenderSignaturesOutOfDate.
    status = _defender_from_list("windows-en-get-mpcomputerstatus-02-docs-2013-format.txt")
    [product] = antivirus(document({"defender": status, "security_center": []})).products
    assert product.enabled is True and product.realtime is True
    assert product.signature_age_days == 0.0
    assert product.up_to_date is None  # the older property set does not say


def test_get_mpcomputerstatus_win11_day_first_dates() -> None:
    # windows-en-get-mpcomputerstatus-03-win11-22h2-ddmmyyyy.txt: "18-10-2022 09:18:29 AM".
    status = _defender_from_list("windows-en-get-mpcomputerstatus-03-win11-22h2-ddmmyyyy.txt")
    [product] = antivirus(document({"defender": status, "security_center": []})).products
    assert (product.enabled, product.realtime, product.signature_age_days) == (True, True, 0.0)
    assert status["IsTamperProtected"] == "True"
    # Day-first text is ambiguous without the locale: it is not guessed (the age is used).
    assert as_datetime(status["AntivirusSignatureLastUpdated"]) is None


def test_securitycenter2_antivirusproduct() -> None:
    # windows-en-securitycenter2-antivirusproduct-json-01.json: productState 397568 (0x61100).
    data = load_json(real("windows-en-securitycenter2-antivirusproduct-json-01.json"))
    fam = antivirus(document({"security_center": data}, failed={"defender": {"message": "x"}}))
    [product] = fam.products
    assert product.name == "Windows Defender"
    assert (product.enabled, product.realtime, product.up_to_date) == (True, True, True)
    assert product_state(397568) == (True, True)
    assert "products" in fam.unknown  # Defender's own status was not available


def test_get_netfirewallprofile_json_activestore() -> None:
    # windows-en-get-netfirewallprofile-json-01-ws2022-activestore.json: GpoBoolean 1, Action 4.
    data = load_json(real("windows-en-get-netfirewallprofile-json-01-ws2022-activestore.json"))
    fam = firewall(document({"firewall": data}))
    assert [(p.name, p.enabled, p.default_inbound) for p in fam.profiles] == [
        ("domain", True, "block"), ("private", True, "block"), ("public", True, "block")]


def test_get_netfirewallprofile_french_table() -> None:
    # windows-fr-get-netfirewallprofile-table-01.txt: French system, English column names.
    rows = format_table(real("windows-fr-get-netfirewallprofile-table-01.txt"))
    fam = firewall(document({"firewall": rows}))
    assert [(p.name, p.enabled, p.default_inbound) for p in fam.profiles] == [
        ("domain", True, None), ("private", True, None), ("public", True, None)]


def test_get_nettcpconnection_full_cim_object() -> None:
    # windows-en-get-nettcpconnection-json-01.json: one listener, State 2, CIM noise.
    tcp = load_json(real("windows-en-get-nettcpconnection-json-01.json"))
    fam = network(document({"listening": {"tcp": tcp, "udp": [], "processes": {"2136": "svchost"}}}))
    [sock] = fam.listening
    assert (sock.proto, sock.address, sock.port, sock.pid, sock.process) == ("tcp", "::", 49672, 2136, "svchost")
    assert sock.system  # an RPC endpoint of a Windows service


def test_get_nettcpconnection_selected_state_int() -> None:
    # windows-en-get-nettcpconnection-json-02-inspec-state-int.json: two listeners on 135.
    tcp = load_json(real("windows-en-get-nettcpconnection-json-02-inspec-state-int.json"))
    fam = network(document({"listening": {"tcp": tcp}}))
    assert sorted((s.address, s.port) for s in fam.listening) == [("192.168.10.157", 135), ("::", 135)]
    assert all(s.pid is None and s.process is None and not s.system for s in fam.listening)


def test_get_bitlockervolume_list_comma_decimal() -> None:
    # windows-xx-get-bitlockervolume-fl-01-docs-commadecimal.txt: encrypted and protected.
    [volume] = format_list(real("windows-xx-get-bitlockervolume-fl-01-docs-commadecimal.txt"))
    fam = disk_encryption(document({"bitlocker": [volume]}))
    assert fam.system_encrypted is True and fam.method == "BitLocker XtsAes128"
    assert "RecoveryPassword, Tpm" in (fam.detail or "")
    assert as_float(volume["CapacityGB"]) == 218.2344


def test_get_bitlockervolume_waiting_for_activation() -> None:
    # windows-en-get-bitlockervolume-fl-02-issue-waiting-activation.txt: FullyEncrypted, Off.
    [volume] = format_list(real("windows-en-get-bitlockervolume-fl-02-issue-waiting-activation.txt"))
    fam = disk_encryption(document({"bitlocker": volume}))  # a single object, not an array
    assert fam.system_encrypted is False
    assert as_float(volume["CapacityGB"]) == 471.5596


def test_get_bitlockervolume_table_wrapped_headers() -> None:
    # windows-en-get-bitlockervolume-table-01-docs.txt: C: is the OS volume, decrypted.
    rows = format_table(real("windows-en-get-bitlockervolume-table-01-docs.txt"))
    assert len(rows) == 5
    fam = disk_encryption(document({"bitlocker": rows}))
    assert fam.system_encrypted is False
    assert (fam.detail or "").startswith("C: FullyDecrypted 0.0%")
    data = describe_volume(rows[0], DiskEncryption())
    assert data.system_encrypted is False and "RecoveryPassword, Pas..." in (data.detail or "")


def test_get_hotfix_json_datetime_with_properties() -> None:
    # windows-en-get-hotfix-json-01-ps51-datetime-object.json: {"value": "\/Date()\/", "DateTime"}.
    hotfixes = load_json(real("windows-en-get-hotfix-json-01-ps51-datetime-object.json"))
    assert len(hotfixes) == 6
    fam = updates(document({"hotfixes": hotfixes}))
    assert fam.last_update == datetime(2020, 9, 9, tzinfo=UTC)


def test_get_hotfix_table_locale_date_is_not_guessed() -> None:
    # windows-en-get-hotfix-table-01-inspec.txt: "6/5/2017 12:00:00 AM" (month or day first?).
    [row] = format_table(real("windows-en-get-hotfix-table-01-inspec.txt"))
    assert (row["HotFixID"], row["Description"]) == ("KB4019215", "Security Update")
    fam = updates(document({"hotfixes": [row]}, failed={"wu_status": {"message": "x"}}))
    assert fam.last_update is None and "last_update" in fam.unknown


def test_get_itemproperty_windows_update_au_policy() -> None:
    # windows-en-get-itemproperty-wu-au-01-invoke-command-2servers.txt: AUOptions=3 twice.
    blocks = format_list(real("windows-en-get-itemproperty-wu-au-01-invoke-command-2servers.txt"))
    assert [b["PSComputerName"] for b in blocks] == ["Srv1", "Srv2"]
    for block in blocks:
        reg = registry_entries({("HKLM", AU_KEY, "NoAutoUpdate"): block.get("NoAutoUpdate"),
                                ("HKLM", AU_KEY, "AUOptions"): block["AUOptions"]})
        fam = updates(document({"registry": reg, "services": []}))
        assert fam.auto_updates_enabled is False  # 3 = download, then a person installs
        assert fam.auto_update_mechanism == "Windows Update (AUOptions=3)"


def test_secedit_export_01() -> None:
    # windows-en-secedit-export-01.inf: lockout after 1, complexity on, no [Privilege Rights].
    policy = parse_inf(real("windows-en-secedit-export-01.inf"))
    fam = password_policy(policy)
    assert (fam.min_length, fam.min_classes, fam.max_age_days, fam.lockout_threshold, fam.history_size) \
        == (0, 3, 42, 1, 0)
    assert policy.number("System Access", "ResetLockoutCount") == 30
    assert policy.number("System Access", "EnableGuestAccount") == 0
    key = r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\EnableLUA"
    assert policy.registry_dword(key) == 1
    assert policy.value("Privilege Rights", "SeRemoteInteractiveLogonRight") is None


def test_secedit_export_02_utf16_bytes() -> None:
    # windows-en-secedit-export-02.inf: no lockout; real exports are UTF-16LE with a BOM.
    text = real("windows-en-secedit-export-02.inf")
    policy = parse_inf("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    fam = password_policy(policy)
    assert (fam.min_length, fam.min_classes, fam.max_age_days, fam.lockout_threshold) == (0, 3, 42, 0)
    assert policy.number("System Access", "EnableAdminAccount") == 1
    assert policy.value("System Access", "NewAdministratorName") == '"XXXXX"'
    assert policy.value("Privilege Rights", "SeRemoteInteractiveLogonRight") == "*S-1-5-32-544,*S-1-5-32-555"
    assert json.dumps(fam.model_dump(mode="json"))  # serialisable as facts
