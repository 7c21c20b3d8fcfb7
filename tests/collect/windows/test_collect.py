"""collect(): one script run, replayed from bundles (dentsec's and the standalone script's)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dentsec.collect.common.browsers import count_chromium_logins
from dentsec.collect.windows import SCRIPT_ARGV, collect, load
from dentsec.collect.windows.document import parse_document
from dentsec.collect.windows.os_info import cycle_candidates, os_info
from dentsec.collect.windows.passwords import passwords, probe_name
from dentsec.host import CommandResult
from dentsec.host.base import HostInfo, ProbeResult
from dentsec.host.bundle import load_bundle, write_bundle
from dentsec.host.live import LiveHost
from dentsec.host.replay import ReplayHost

from .build import SAMPLES, document, document_text


def _standalone_zip(path: Path, stdout: str | bytes) -> None:
    """A zip laid out exactly as dentsec-collect.ps1 -Output writes it (Write-Bundle)."""
    manifest = {"schema": "dentsec.evidence/1", "created_at": "2026-11-27T08:42:10+00:00",
                "collector": "dentsec-collect.ps1 1",
                "host": {"os_family": "windows", "hostname": "PC-ACCUEIL", "is_admin": True},
                "items": [{"kind": "command", "argv": list(SCRIPT_ARGV), "exit_code": 0, "error": None,
                           "duration_ms": 52140, "stdout": "items/0001.out", "stderr": "items/0001.err"}]}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=4))
        zf.writestr("items/0001.out", stdout)
        zf.writestr("items/0001.err", "")


def test_standalone_zip_replays_like_the_folder(tmp_path: Path) -> None:
    folder = SAMPLES / "windows-unmanaged-win10"
    stdout = (folder / "items" / "0001.out").read_text(encoding="utf-8")
    _standalone_zip(tmp_path / "bundle.zip", stdout)
    from_zip = collect(ReplayHost(load_bundle(tmp_path / "bundle.zip")))
    from_folder = collect(ReplayHost(load_bundle(folder)))
    assert from_zip.model_dump() == from_folder.model_dump()
    assert from_zip.collection_mode == "evidence" and from_zip.is_admin is True


def test_utf16_stdout_is_read(tmp_path: Path) -> None:
    stdout = (SAMPLES / "windows-wellkept-win11" / "items" / "0001.out").read_text(encoding="utf-8")
    _standalone_zip(tmp_path / "b.zip", "\ufeff".encode("utf-16-le") + stdout.encode("utf-16-le"))
    facts = collect(ReplayHost(load_bundle(tmp_path / "b.zip")))
    assert facts.os.display_version == "24H2" and facts.disk_encryption is not None


def test_bundle_without_the_command_gives_unknown_everywhere(tmp_path: Path) -> None:
    info = HostInfo(os_family="windows", hostname="PC", mode="live", is_admin=False,
                    collected_at=datetime(2026, 11, 27, tzinfo=UTC))
    write_bundle(tmp_path / "empty.zip", info, [])
    facts = collect(ReplayHost(load_bundle(tmp_path / "empty.zip")))
    assert facts.accounts is None and facts.firewall is None
    assert "not-collected" in facts.unknown["firewall"]
    assert facts.os.family == "windows" and "version" in facts.os.unknown


def test_dentsec_collect_bundle_with_a_probe_counts_chromium_passwords(tmp_path: Path) -> None:
    stdout = (SAMPLES / "windows-unmanaged-win10" / "items" / "0001.out").read_text(encoding="utf-8")
    path = r"C:\Users\drmartin\AppData\Local\Google\Chrome\User Data\Default\Login Data"
    info = HostInfo(os_family="windows", hostname="PC-ACCUEIL", mode="live", is_admin=True,
                    collected_at=datetime(2026, 11, 27, tzinfo=UTC))
    items = [CommandResult(SCRIPT_ARGV, 0, stdout, ""),
             ProbeResult(probe_name(path), {"saved_logins": 41})]
    write_bundle(tmp_path / "live.zip", info, items)
    facts = collect(ReplayHost(load_bundle(tmp_path / "live.zip")))
    assert facts.passwords is not None
    counts = {(b.browser, b.user): b.saved_count for b in facts.passwords.browsers}
    assert counts[("chrome", "drmartin")] == 41
    assert counts[("chrome", "accueil")] is None  # no probe recorded for that profile


def test_live_host_without_powershell_records_the_logical_argv() -> None:
    host = LiveHost()
    host.info.os_family = "windows"
    facts = collect(host)
    [command] = [i for i in host.log.items if isinstance(i, CommandResult)]
    assert command.argv == SCRIPT_ARGV
    if command.error == "not-found":  # any machine without Windows PowerShell
        assert facts.accounts is None and "not-found" in facts.unknown["accounts"]


def test_damaged_documents_are_unknown_not_errors() -> None:
    assert load(CommandResult(SCRIPT_ARGV, 0, "{}", "")).problem
    assert load(CommandResult(SCRIPT_ARGV, 1, "", "boom")).problem == "powershell.exe: exit 1 (boom)"
    assert parse_document('{"schema": "other"}').problem
    doc = parse_document(document_text({}, failed={"secpol": {"category": "OperationTimeout",
                                                               "type": "Timeout", "message": "no answer"}}))
    assert doc.why_not("secpol").startswith("secpol: timed out")
    assert doc.why_not("nothing") == "nothing: not in the collector output"


def test_access_denied_reason_says_admin_rights_are_missing() -> None:
    doc = document({}, context={"elevated": False},
                   failed={"bitlocker": {"type": "Microsoft.Management.Infrastructure.CimException",
                                         "message": "Accès refusé. ", "category": "PermissionDenied",
                                         "hresult": -2146233088}})
    assert doc.why_not("bitlocker").startswith("bitlocker: needs administrator rights")


@pytest.mark.parametrize(("edition", "display", "build", "cycle"), [
    ("Professional", "24H2", "26100", "11-24h2-w"),
    ("Core", "23H2", "22631", "11-23h2-w"),
    ("Enterprise", "24H2", "26100", "11-24h2-e"),
    ("Education", "22H2", "22621", "11-22h2-e"),
    ("Professional", "22H2", "19045", "10-22h2"),
    ("EnterpriseS", "21H2", "19044", "10-21h2-e-lts"),
    ("IoTEnterpriseS", "24H2", "26100", "11-24h2-iot-lts"),
])
def test_windows_release_cycles(edition: str, display: str, build: str, cycle: str) -> None:
    info = os_info(document({"os": {"registry": {"EditionID": edition, "DisplayVersion": display,
                                                 "CurrentBuild": build, "ProductName": "Windows 10 Pro"}}}))
    assert info.eol_cycle == cycle and info.eol_date is not None
    assert info.name.startswith("Windows 11" if int(build) >= 22000 else "Windows 10")
    assert cycle_candidates("11", "24H2", "Professional")[0] == "11-24h2-w"


def test_chromium_login_data_count(tmp_path: Path) -> None:
    # Chromium's "logins" table keeps blacklisted_by_user = 1 rows for "never save here" sites.
    db = tmp_path / "Login Data"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE logins (origin_url TEXT, username_value TEXT, password_value BLOB,"
                " blacklisted_by_user INTEGER)")
    con.executemany("INSERT INTO logins VALUES (?, ?, ?, ?)",
                    [("https://a.example", "u", b"x", 0), ("https://b.example", "", b"", 1),
                     ("https://c.example", "v", b"y", 0)])
    con.commit()
    con.close()
    assert count_chromium_logins(str(db)) == 2
    fam = passwords(document({"browsers": [{"browser": "edge", "user": "u", "profile": "Default",
                                            "login_data_path": str(db)}], "password_files": []}),
                    prober=lambda p: (count_chromium_logins(p), None))
    assert fam.browsers[0].saved_count == 2 and fam.browsers[0].manager_disabled_by_policy is None


def test_dentsec_status_after_a_failed_run_keeps_the_last_success() -> None:
    from dentsec.collect.windows.backup import backup
    status = {"schema": "dentsec.backup-status/1", "repository": "E:\\dentsec",
              "last_run": {"ok": False, "error_code": "repository-missing"},
              "last_success": "2026-11-20T19:00:00+00:00", "last_verify": None, "last_drill": None,
              "disk_checks": [], "providers": [{"name": "Cloud HDS", "assessed_at": "2026-10-01T10:00:00+00:00"}]}
    found = {"path": "C:\\ProgramData\\dentsec\\backup\\status.json", "content": json.dumps(status)}
    fam = backup(document({"backup": {"dentsec_status": found}, "windows_backup": [], "shadow_copies": []}))
    assert fam.dentsec_configured and fam.tools[0].last_ok is False
    assert fam.last_backup == datetime(2026, 11, 20, 19, tzinfo=UTC)
    assert fam.cloud_providers_assessed == ["Cloud HDS"]
    broken = backup(document({"backup": {"dentsec_status": {"path": "x", "content": "{"}},
                              "windows_backup": [], "shadow_copies": []}))
    assert not broken.dentsec_configured and "dentsec" in broken.unknown


def test_the_scripts_look_at_the_backup_disk_counts_as_an_offline_copy() -> None:
    from dentsec.collect.windows.backup import backup
    runs = [{"at": f"2026-11-{day}T19:00:00+00:00", "connected": True, "by": "run"}
            for day in (20, 21, 22)]
    status = {"schema": "dentsec.backup-status/1", "repository": "E:\\dentsec",
              "last_success": "2026-11-22T19:10:00+00:00", "disk_checks": runs}
    found = {"path": "C:\\ProgramData\\dentsec\\backup\\status.json",
             "content": json.dumps(status), "disk_present": False,
             "looked_at": "2026-11-23T10:00:00.0000000Z"}
    fam = backup(document({"backup": {"dentsec_status": found}, "windows_backup": [],
                           "shadow_copies": []}))
    assert fam.disk_always_connected is False
    del found["disk_present"]  # an older script: nobody looked between backups
    fam = backup(document({"backup": {"dentsec_status": found}, "windows_backup": [],
                           "shadow_copies": []}))
    assert fam.disk_always_connected is None


def test_windows_7_backup_task_and_never_ran_sentinel() -> None:
    from dentsec.collect.windows.backup import backup
    ran = {"TaskName": "AutomaticBackup", "State": "Ready", "LastRunTime": "/Date(1795900000000)/",
           "LastTaskResult": 0}
    fam = backup(document({"backup": {}, "windows_backup": [ran], "shadow_copies": []}))
    [tool] = fam.tools
    assert tool.tool == "windows-backup" and tool.last_ok is True and fam.last_backup == tool.last_backup
    never = dict(ran, LastRunTime="/Date(943920000000)/", LastTaskResult=267011)  # 1999-11-30
    [tool] = backup(document({"backup": {}, "windows_backup": never, "shadow_copies": []})).tools
    assert tool.last_backup is None and tool.last_ok is None
    off = dict(ran, State="Disabled")
    assert backup(document({"backup": {}, "windows_backup": [off], "shadow_copies": []})).tools == []


def test_remote_control_services_without_an_uninstall_entry() -> None:
    from dentsec.collect.windows.software import software
    services = [{"Name": "uvnc_service", "Status": "Running", "StartType": "Automatic"},
                {"Name": "TeamViewer", "Status": "Running", "StartType": "Automatic"}]
    fam = software(document({"programs": [], "services": services}))
    assert fam.remote_control_tools == ["VNC server", "TeamViewer"]
    installed = [{"DisplayName": "UltraVNC", "DisplayVersion": "1.4.3.6"}]
    fam = software(document({"programs": installed, "services": services}))
    assert fam.remote_control_tools == ["UltraVNC", "TeamViewer"]


def test_windows_server_is_matched_by_build_not_to_client_cycles() -> None:
    info = os_info(document({"os": {"registry": {"EditionID": "ServerStandard", "DisplayVersion": "21H2",
                                                 "CurrentBuild": "20348"},
                                    "win32_operatingsystem": {"ProductType": 3}}}))
    # Build 20348 is Windows Server 2022 (LTSC, security fixes until 2031-10-14).
    assert (info.eol_product, info.eol_cycle, info.eol_date) == ("windows-server", "2022",
                                                                 date(2031, 10, 14))
    unknown_build = os_info(document({"os": {"registry": {"CurrentBuild": "99999"},
                                             "win32_operatingsystem": {"ProductType": 2}}}))
    assert unknown_build.eol_date is None and "99999" in unknown_build.unknown["eol_date"]
