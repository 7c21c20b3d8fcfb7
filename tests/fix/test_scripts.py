"""Windows and macOS fix scripts: the real grammars (tree-sitter-powershell, sh -n, bash -n,
shellcheck), state saved before any change, elevation checked, every changing command
beside its vendor documentation, and the verdict a generated policy gives."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import tree_sitter_powershell
from click.testing import Result
from tree_sitter import Language, Node, Parser

from dentsec.checks.catalog import load_catalog
from dentsec.collect.macos.passwords import parse_pwpolicy
from dentsec.engine import audit_evidence
from dentsec.fix.scripts.macos import PASSWORD_POLICY, password_policy_plist
from dentsec.fix.scripts.model import APPLY, UNDO, ScriptFix
from dentsec.fix.scripts.render import all_script_fixes, render

SAMPLES = Path(__file__).parents[2] / "samples" / "evidence"
FIXES = all_script_fixes()
CASES = [(f, a) for f in FIXES for a in (APPLY, UNDO)]
IDS = [f"{f.name}-{a}" for f, a in CASES]
CHANGING = {
    "windows": re.compile(r"^\s*(foreach .*\{ )?(Set-Net\w+|Disable-Net\w+|Enable-Net\w+|"
                          r"Set-Smb\w+|Set-Mp\w+|Update-Mp\w+|Set-RegDword|Restore-RegState|"
                          r"\[DentsecModals\]::Set)"),
    "macos": re.compile(r"^\s*(\"\$FW\" --set|spctl --(global|master)-(en|dis)able|"
                        r"softwareupdate --schedule|sudo -u \"\$user\" sysadminctl|"
                        r"pwpolicy -(set|clear))|defaults (-currentHost )?(write|delete)"),
}


def _errors(node: Node) -> list[str]:
    found = [f"{node.type} at {node.start_point}"] if node.type == "ERROR" or node.is_missing else []
    for child in node.children:
        found += _errors(child)
    return found


@pytest.mark.parametrize(("fix", "action"), [c for c in CASES if c[0].os == "windows"],
                         ids=[i for i, c in zip(IDS, CASES, strict=True) if c[0].os == "windows"])
def test_powershell_parses_with_the_real_grammar(fix: ScriptFix, action: str) -> None:
    text = render(fix, action)
    assert text.startswith("\ufeff#Requires -Version 5.1")  # UTF-8 read as UTF-8 by PS 5.1
    tree = Parser(Language(tree_sitter_powershell.language())).parse(
        text.removeprefix("\ufeff").encode("utf-8"))
    assert _errors(tree.root_node) == []


@pytest.mark.parametrize(("fix", "action"), [c for c in CASES if c[0].os == "macos"],
                         ids=[i for i, c in zip(IDS, CASES, strict=True) if c[0].os == "macos"])
def test_shell_scripts_pass_sh_bash_and_shellcheck(fix: ScriptFix, action: str,
                                                   tmp_path: Path) -> None:
    script = tmp_path / f"{fix.name}-{action}.sh"
    script.write_text(render(fix, action), encoding="utf-8")
    for shell in ("sh", "bash"):
        res = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True,
                             check=False)
        assert res.returncode == 0, res.stderr
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck absent (.ci/setup.d/60-fix.sh installs it)")
    res = subprocess.run(["shellcheck", "-s", "sh", str(script)], capture_output=True, text=True,
                         check=False)
    assert res.returncode == 0, res.stdout


@pytest.mark.parametrize(("fix", "action"), CASES, ids=IDS)
def test_elevation_state_and_documentation(fix: ScriptFix, action: str) -> None:
    lines = render(fix, action).splitlines()
    body = fix.apply if action == APPLY else fix.undo
    elevation = next(i for i, ln in enumerate(lines)
                     if "IsInRole" in ln or "id -u" in ln)
    changes = [i for i, ln in enumerate(lines) if CHANGING[fix.os].search(ln)
               and not ln.lstrip().startswith("#")]
    if fix.explain_only:
        assert changes == []
        return
    if not changes:  # an undo with nothing to put back says so
        assert action == UNDO and "Write-Output" in body
        return
    assert elevation < changes[0]
    if action == APPLY:
        saved = next(i for i, ln in enumerate(lines)
                     if re.match(r"\s*(Save-State|.*\|\s*save_state)", ln) and "function" not in ln
                     and "save_state()" not in ln)
        assert saved < changes[0], "state must be saved before the first change"
    else:
        assert "Read-State" in body or "state_get" in body
    for i in changes:
        cited = [ln for ln in lines[max(0, i - 4):i] if "# https://" in ln]
        assert cited, f"no vendor documentation beside: {lines[i].strip()}"


def test_every_fix_names_real_checks_and_documents() -> None:
    catalog = load_catalog()
    for fix in FIXES:
        assert fix.checks and all(c in catalog for c in fix.checks), fix.name
        assert fix.docs and all(u.startswith("https://") for u in fix.docs)
        for text in (fix.title, fix.changes, fix.risks):
            assert text["fr"] and text["en"]
    assert len({f.name for f in FIXES}) == len(FIXES)


def test_rdp_fix_says_how_the_provider_keeps_access() -> None:
    rdp = next(f for f in FIXES if f.name == "windows-rdp-off")
    assert "coupe l'accès du prestataire" in rdp.risks["fr"]
    assert "VPN" in rdp.risks["fr"] and "NLA" in rdp.risks["fr"]


def test_bitlocker_is_only_explained() -> None:
    bitlocker = next(f for f in FIXES if "ENC-SYSTEM-DISK" in f.checks)
    assert bitlocker.explain_only
    assert "Enable-BitLocker" not in bitlocker.apply and "manage-bde" not in bitlocker.apply
    assert "clé de récupération" in bitlocker.risks["fr"]


def test_generated_password_policy_is_what_the_audit_wants(tmp_path: Path) -> None:
    """The plist the macOS script installs, read back as pwpolicy prints it, passes the
    three password checks of a real recorded Mac that failed them."""
    policy = parse_pwpolicy("Getting global account policies\n" + password_policy_plist())
    assert policy is not None
    assert (policy.min_length, policy.min_classes, policy.lockout_threshold) == (12, 4, 5)
    assert password_policy_plist() in PASSWORD_POLICY.apply
    bundle = tmp_path / "mac"
    shutil.copytree(SAMPLES / "macos-unmanaged", bundle)
    checks = ("PWD-MIN-LENGTH", "PWD-COMPLEXITY", "PWD-LOCKOUT")

    def verdicts() -> list[str]:
        report = audit_evidence(bundle)
        return [next(str(f.status) for f in report.findings if f.check.id == c) for c in checks]

    assert verdicts() == ["fail", "fail", "fail"]
    import json

    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    item = next(i for i in manifest["items"] if i.get("argv") == ["pwpolicy", "-getaccountpolicies"])
    (bundle / item["stdout"]).write_text("Getting global account policies\n"
                                         + password_policy_plist(), encoding="utf-8")
    assert verdicts() == ["pass", "pass", "pass"]


def test_cli_writes_both_scripts(cli: Callable[..., Result], tmp_path: Path) -> None:
    res = cli("fix", "FW-SMB1", "--script", "--os", "windows", "--output", str(tmp_path))
    assert res.exit_code == 0, res.output
    smb = next(f for f in FIXES if f.name == "windows-smb1-off")
    assert (tmp_path / "windows-smb1-off-apply.ps1").read_text(encoding="utf-8") == render(smb, APPLY)
    assert (tmp_path / "windows-smb1-off-undo.ps1").read_text(encoding="utf-8") == render(smb, UNDO)
    assert "Dans PowerShell lancé en administrateur" in res.output
    missing = cli("fix", "FW-SSH", "--script", "--os", "macos", "--output", str(tmp_path))
    assert missing.exit_code == 2 and "Aucun script de correction pour FW-SSH" in missing.output


def test_list_from_a_recorded_windows_bundle(cli: Callable[..., Result]) -> None:
    res = cli("fix", "--list", "--evidence", str(SAMPLES / "windows-unmanaged-win10"))
    assert res.exit_code == 0, res.output
    assert "windows-rdp-off" in res.output and "windows-firewall-profiles" in res.output
    assert "--script --os windows" in res.output
