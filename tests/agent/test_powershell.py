"""dentsec-agent.ps1: real PowerShell grammar, the task XML of dentsec.schedule, and the
enrollment line. (Its HTTP exchanges are tested from the server side in
tests/server/test_agent_scripts.py.)"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import tree_sitter_powershell
from lxml import etree
from tree_sitter import Language, Node, Parser

from dentsec.agent import enroll_line, powershell

SCRIPT = powershell.script_path().read_text(encoding="ascii")
XSD = Path(__file__).resolve().parents[1] / "backup" / "fixtures" / "task-scheduler-subset.xsd"


def _bad_nodes(node: Node) -> list[str]:
    found = []
    if node.type == "ERROR" or node.is_missing:
        found.append(f"{node.type} at {node.start_point}")
    for child in node.children:
        found.extend(_bad_nodes(child))
    return found


def parses(text: str) -> list[str]:
    tree = Parser(Language(tree_sitter_powershell.language())).parse(text.encode("utf-8"))
    return _bad_nodes(tree.root_node)


def test_agent_parses_with_the_powershell_grammar_and_is_ascii() -> None:
    assert parses(SCRIPT) == []
    assert SCRIPT.isascii()  # PowerShell 5.1 reads a BOM-less script in the ANSI code page


def test_agent_registers_the_task_dentsec_schedule_writes() -> None:
    embedded = re.search(r"\$TaskXml = @'\n(.*?)'@", SCRIPT, re.S)
    assert embedded and embedded.group(1) == powershell.task_xml()
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    installed = powershell.task_xml().replace(powershell.INSTALL_DIR,
                                              r"C:\Program Files\dentsec")
    document = etree.fromstring(installed.split("\n", 1)[1].encode("utf-8"))
    assert schema.validate(document), schema.error_log
    assert "S-1-5-18" in installed and "<RandomDelay>PT60M</RandomDelay>" in installed
    assert r'-File "C:\Program Files\dentsec\dentsec-agent.ps1" -Run' in installed


def test_agent_keeps_its_credential_with_machine_dpapi_and_a_private_acl() -> None:
    assert "ProtectedData]::Protect($clear, $Entropy, 'LocalMachine')" in SCRIPT
    assert "SetAccessRuleProtection($true, $false)" in SCRIPT
    assert "'S-1-5-18', 'S-1-5-32-544'" in SCRIPT
    assert "SecurityProtocolType]::Tls12" in SCRIPT
    # never turned off: verification is replaced only by an explicit pin
    assert "ServerCertificateValidationCallback = { $true }" not in SCRIPT


def test_every_mode_has_its_switch() -> None:
    for mode in ("Enroll", "Install", "Run", "Status", "Uninstall"):
        assert f"[switch]${mode}" in SCRIPT and f"if (${mode}) {{ Invoke-{mode} }}" in SCRIPT


def test_enrollment_line_decodes_to_a_script_that_parses() -> None:
    line = enroll_line.line("https://console.example/", "dse_abc-DEF_123")
    encoded = line.rsplit(" ", 1)[1]
    script = base64.b64decode(encoded).decode("utf-16-le")
    assert script == enroll_line.script("https://console.example", "dse_abc-DEF_123")
    assert parses(script) == []
    assert "'https://console.example/agent/'" in script
    assert "-Enroll -Install -Server 'https://console.example' -Token 'dse_abc-DEF_123'" in script
    assert "'https://o''brien.example'" in enroll_line.script("https://o'brien.example", "t")
