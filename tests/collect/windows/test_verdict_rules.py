"""Verdict rules on Windows, each ending with the audit of an evidence bundle.

Each test copies a sample bundle of samples/evidence (see samples/evidence/README-windows.md
for the documented formats each part follows), changes one part the way the real command
would print it, audits the copy with the engine and asserts what the practice is told.
Shapes used for the changed parts:
- admins: ``Get-LocalGroupMember -SID S-1-5-32-544`` (ObjectClass "User"/"Group", Name
  "DOMAIN\\name", PrincipalSource 1 Local / 2 ActiveDirectory, as the script selects them;
  Microsoft's Add-LocalGroupMember page adds "CONTOSO\\Domain Admins" the same way), SIDs
  as the script's New-SidColumn object;
- defender: Get-MpComputerStatus properties, with the "never" sentinel 4294967295 that
  real-outputs windows-en-get-mpcomputerstatus-01-docs-ws2022.txt shows for QuickScanAge;
- firewall: Get-NetFirewallProfile JSON as real-outputs
  windows-en-get-netfirewallprofile-json-01-ws2022-activestore.json.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dentsec.collect.windows.accounts import accounts
from dentsec.engine import audit_evidence

from .build import SAMPLES, document

Parts = dict[str, Any]
DOMAIN = "S-1-5-21-2401234567-1234567890-987654321"


def audit_document(tmp_path: Path, sample: str, change: Callable[[dict[str, Any]], None]
                   ) -> dict[str, tuple[str, str]]:
    """Audit a copy of ``sample`` whose script document ``change`` edited:
    id -> (status, French message)."""
    target = tmp_path / sample
    shutil.copytree(SAMPLES / sample, target)
    out = target / "items/0001.out"
    doc = json.loads(out.read_text(encoding="utf-8"))
    change(doc)
    out.write_text(json.dumps(doc), encoding="utf-8")
    return {f.check.id: (f.status, f.message["fr"]) for f in audit_evidence(target).findings}


def audit_changed(tmp_path: Path, sample: str, change: Callable[[Parts], None]
                  ) -> dict[str, tuple[str, str]]:
    """Audit a copy of ``sample`` whose parts ``change`` edited."""
    return audit_document(tmp_path, sample, lambda doc: change(doc["parts"]))


def sid(value: str) -> dict[str, Any]:
    return {"BinaryLength": 28, "AccountDomainSid": value.rsplit("-", 1)[0], "Value": value}


def member(name: str, value: str, kind: str = "User", source: int = 2) -> dict[str, Any]:
    return {"Name": name, "SID": sid(value), "PrincipalSource": source, "ObjectClass": kind}


def add_members(*members: dict[str, Any]) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        parts["admins"]["data"]["members"].extend(members)
    return change


def test_domain_administrators_count(tmp_path: Path) -> None:
    # windows-wellkept-win11 has it.moreau (+ the disabled built-in Administrateur): 1 admin.
    found = audit_changed(tmp_path, "windows-wellkept-win11", add_members(
        member("CABINET\\j.lefevre", f"{DOMAIN}-1105"),
        member("CABINET\\m.durand", f"{DOMAIN}-1106"),
        member("CABINET\\prestataire", f"{DOMAIN}-1107")))
    status, message = found["ACC-ADMIN-COUNT"]
    assert status == "fail" and message.startswith("4 comptes administrateurs")
    assert "CABINET\\prestataire" in message
    # Their passwords and logons are the domain's: no unknown on this workstation for them.
    assert found["ACC-EMPTY-PASSWORD"][0] == "pass" and found["ACC-DORMANT"][0] == "pass"
    assert "CABINET" not in found["PWD-RENEWAL"][1]


def test_a_domain_group_among_administrators_is_never_dropped(tmp_path: Path) -> None:
    found = audit_changed(tmp_path, "windows-wellkept-win11", add_members(
        member("CABINET\\Domain Admins", f"{DOMAIN}-512", kind="Group")))
    status, message = found["ACC-ADMIN-COUNT"]
    assert status == "unknown" and "CABINET\\Domain Admins" in message
    assert "prestataire" in message  # what to do about it


def test_adsi_fallback_members() -> None:
    # The ADSI fallback gives Name, SID and IADs.Class ("User"/"Group"); bundles written
    # before it gave the class have Name and SID only: RID 512 is Domain Admins, a group,
    # and a member of unknown class may be a group too (its people stay uncounted).
    doc = document({"local_users": [], "registry": [],
                    "admins": {"method": "adsi", "members": [
                        {"Name": "Domain Admins", "SID": f"{DOMAIN}-512"},
                        {"Name": "j.lefevre", "SID": f"{DOMAIN}-1105", "ObjectClass": "User"},
                        {"Name": "Support", "SID": f"{DOMAIN}-1200", "ObjectClass": "Group"},
                        {"Name": "m.durand", "SID": f"{DOMAIN}-1106"}]}})
    fam = accounts(doc)
    assert [(a.name, a.group, a.local, a.is_admin) for a in fam.accounts] == [
        ("Domain Admins", True, False, True), ("j.lefevre", False, False, True),
        ("Support", True, False, True), ("m.durand", True, False, True)]


def _local_user(parts: Parts, name: str, rid: int, description: str = "") -> dict[str, Any]:
    template = dict(parts["local_users"]["data"][-1])
    machine = template["SID"]["AccountDomainSid"]
    template.update(Name=name, SID=sid(f"{machine}-{rid}"), Description=description,
                    Enabled=True, LastLogon=None, FullName="")
    return template


def test_service_accounts_are_not_people(tmp_path: Path) -> None:
    def add_services(parts: Parts) -> None:
        users = parts["local_users"]["data"]
        # SQL Server Machine Learning Services' R workers, an instance account, and a
        # program account whose description says so; none ever logs on interactively.
        users += [_local_user(parts, f"MSSQLSERVER{n:02d}", 1100 + n) for n in range(1, 21)]
        users.append(_local_user(parts, "SQLServer2005SQLBrowserUser$CAB", 1130))
        users.append(_local_user(parts, "svc-radio", 1131, "Compte de service du logiciel de radiologie"))
    found = audit_changed(tmp_path, "windows-wellkept-win11", add_services)
    assert found["ACC-DORMANT"][0] == "pass"
    assert found["ACC-NAMED"][0] == "pass"
    # A person's account with the same shape still counts (and was never seen logging on).
    found = audit_changed(tmp_path / "b", "windows-wellkept-win11",
                          lambda parts: parts["local_users"]["data"].append(
                              _local_user(parts, "service.compta", 1132, "Service comptabilité")))
    assert found["ACC-DORMANT"][0] == "unknown"


def test_a_missing_firewall_profile_is_unknown_never_pass(tmp_path: Path) -> None:
    def drop_public(parts: Parts) -> None:
        parts["firewall"]["data"] = [p for p in parts["firewall"]["data"] if p["Name"] != "Public"]
    status, message = audit_changed(tmp_path, "windows-wellkept-win11", drop_public)["FW-ENABLED"]
    assert status == "unknown" and "profils" in message

    def public_off_private_missing(parts: Parts) -> None:
        profiles = [p for p in parts["firewall"]["data"] if p["Name"] != "Private"]
        for p in profiles:
            if p["Name"] == "Public":
                p["Enabled"] = 0
        parts["firewall"]["data"] = profiles
    status, message = audit_changed(tmp_path / "b", "windows-wellkept-win11",
                                    public_off_private_missing)["FW-ENABLED"]
    assert status == "fail" and message == "Pare-feu désactivé : profil public."


def defender(**values: Any) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        parts["defender"]["data"].update(values)
    return change


def test_defender_never_updated_is_not_up_to_date(tmp_path: Path) -> None:
    never = {"AntivirusSignatureAge": 4294967295, "AntivirusSignatureVersion": "0.0.0.0",
             "AntivirusSignatureLastUpdated": None, "DefenderSignaturesOutOfDate": False}
    found = audit_changed(tmp_path, "windows-wellkept-win11", defender(**never))
    status, message = found["FW-AV-UPDATED"]
    assert status == "fail" and "jamais téléchargées" in message
    # Stopped as well: the antivirus is off, and its signatures are not up to date either.
    found = audit_changed(tmp_path / "b", "windows-wellkept-win11",
                          defender(**never, AMServiceEnabled=False, AntivirusEnabled=False,
                                   RealTimeProtectionEnabled=False))
    assert found["FW-AV-PRESENT"][0] == "fail"
    assert found["FW-AV-UPDATED"][0] == "fail"
    # The 16-bit form of the sentinel is "never" too.
    found = audit_changed(tmp_path / "c", "windows-wellkept-win11",
                          defender(AntivirusSignatureAge=65535, DefenderSignaturesOutOfDate=None))
    assert found["FW-AV-UPDATED"][0] == "fail"


def os_part(**registry: Any) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        data = parts["os"]["data"]
        product_type = registry.pop("ProductType", None)
        data["registry"].update(registry)
        if product_type is not None:
            data["win32_operatingsystem"]["ProductType"] = product_type
    return change


def test_end_of_support_by_edition(tmp_path: Path) -> None:
    # windows-wellkept-win11 is 11 24H2 Pro: Home/Pro support ended on 2026-10-13.
    status, message = audit_changed(tmp_path, "windows-wellkept-win11", os_part())["UPD-OS-SUPPORTED"]
    assert status == "fail" and "13/10/2026" in message
    # The same build in Enterprise/Education is supported until 2027-10-12.
    status, message = audit_changed(tmp_path / "e", "windows-wellkept-win11",
                                    os_part(EditionID="Enterprise"))["UPD-OS-SUPPORTED"]
    assert status == "pass" and "12/10/2027" in message


def test_end_of_support_of_a_server_by_product_type(tmp_path: Path) -> None:
    found = audit_changed(tmp_path, "windows-wellkept-win11", os_part(
        EditionID="ServerStandard", InstallationType="Server", CurrentBuild="20348",
        CurrentBuildNumber="20348", DisplayVersion="21H2", ProductType=3))
    status, message = found["UPD-OS-SUPPORTED"]
    assert status == "pass" and "14/10/2031" in message  # Windows Server 2022


def test_windows_10_esu_is_not_assumed(tmp_path: Path) -> None:
    # windows-unmanaged-win10: 10 22H2, support ended 2025-10-14; paid ESU runs to 2028-10-10
    # but nothing the collector reads shows an ESU licence.
    status, message = audit_changed(tmp_path, "windows-unmanaged-win10",
                                    os_part())["UPD-OS-SUPPORTED"]
    assert status == "fail" and "ESU" in message and "n'a pas pu être vérifiée" in message


def test_a_stopped_firewall_service_filters_nothing(tmp_path: Path) -> None:
    # Get-Service (services part, Status as its enum name): mpssvc stopped and disabled,
    # while Get-NetFirewallProfile still shows the three profiles on.
    def stop(parts: Parts) -> None:
        for service in parts["services"]["data"]:
            if service["Name"] == "mpssvc":
                service.update(Status="Stopped", StartType="Disabled")
    status, message = audit_changed(tmp_path, "windows-wellkept-win11", stop)["FW-ENABLED"]
    assert status == "fail" and "service du pare-feu est arrêté" in message


def test_a_domain_session_may_be_admin_through_a_group(tmp_path: Path) -> None:
    def domain_session(parts: Parts) -> None:
        add_members(member("CABINET\\Domain Admins", f"{DOMAIN}-512", kind="Group"))(parts)
    def with_console(user: str, user_sid: str) -> Callable[[dict[str, Any]], None]:
        def change(doc: dict[str, Any]) -> None:
            doc["context"].update(console_user=user, console_user_sid=user_sid)
            domain_session(doc["parts"])
        return change
    found = audit_document(tmp_path, "windows-wellkept-win11",
                           with_console("CABINET\\j.lefevre", f"{DOMAIN}-1105"))
    assert found["ACC-DAILY-ADMIN"][0] == "unknown"
    # A local account cannot be in a domain group: not a direct member, not an administrator.
    local = audit_document(tmp_path / "b", "windows-wellkept-win11", lambda doc: domain_session(
        doc["parts"]))
    assert local["ACC-DAILY-ADMIN"][0] == "pass"
