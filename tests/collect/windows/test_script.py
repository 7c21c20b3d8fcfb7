"""dentsec-collect.ps1: real PowerShell grammar, and agreement with the Python side."""

from __future__ import annotations

import re

import tree_sitter_powershell
from tree_sitter import Language, Node, Parser

from dentsec.collect.windows import SCRIPT_ARGV, collectors, script_path
from dentsec.collect.windows.document import Document
from dentsec.collect.windows.registry import Registry, RegValue

from .build import document

SCRIPT = script_path().read_text(encoding="utf-8")


def _bad_nodes(node: Node) -> list[str]:
    found = []
    if node.type == "ERROR" or node.is_missing:
        found.append(f"{node.type} at {node.start_point}")
    for child in node.children:
        found.extend(_bad_nodes(child))
    return found


def test_script_parses_with_the_powershell_grammar() -> None:
    tree = Parser(Language(tree_sitter_powershell.language())).parse(SCRIPT.encode("utf-8"))
    assert _bad_nodes(tree.root_node) == []
    assert not tree.root_node.has_error


def test_script_is_pure_ascii() -> None:
    """Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page: stay ASCII."""
    assert SCRIPT.isascii()


def test_script_is_shipped_inside_the_package() -> None:
    assert script_path().is_file()
    assert script_path().name == SCRIPT_ARGV[-1]


def test_standalone_bundle_records_the_same_argv_as_python() -> None:
    match = re.search(r"\$LogicalArgv = @\(([^)]*)\)", SCRIPT)
    assert match
    assert tuple(re.findall(r"'([^']*)'", match.group(1))) == SCRIPT_ARGV


def test_every_part_python_reads_is_produced_by_the_script() -> None:
    produced = set(re.findall(r"\$Parts\['(\w+)'\] = \{", SCRIPT))
    read: set[str] = set()

    class Spy(Document):
        def part(self, name: str):  # type: ignore[no-untyped-def]
            read.add(name)
            return super().part(name)

    spy = Spy()
    from dentsec.collect.windows.os_info import os_info
    os_info(spy)
    for fn in collectors(spy).values():
        try:
            fn(None)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001,S110 - only the names asked for matter here
            pass
    assert read, "no part was asked for"
    assert read <= produced, read - produced


def test_every_registry_value_python_reads_is_asked_by_the_script(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked = {(h, k.lower(), n.lower()) for h, k, n in
             re.findall(r"@\('(HKLM|HKCU)', '([^']+)', '([^']+)'\)", SCRIPT)}
    used: set[tuple[str, str, str]] = set()
    original = Registry.get

    def spy(self: Registry, hive: str, key: str, name: str) -> RegValue:
        used.add((hive, key.lower(), name.lower()))
        return original(self, hive, key, name)

    monkeypatch.setattr(Registry, "get", spy)
    doc = document({"registry": [], "defender": {}, "browsers": [], "services": []})
    for fn in collectors(doc).values():
        try:
            fn(None)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001,S110 - only the values asked for matter here
            pass
    assert len(used) > 15
    assert used <= asked, used - asked


def test_script_changes_nothing() -> None:
    """Audit changes nothing: no Set-/New-/Remove- cmdlet except the script's own temp file."""
    writes = re.findall(r"\b(Set|New|Remove|Enable|Disable|Add|Clear|Stop|Start)-(\w+)", SCRIPT)
    allowed = {("New", "Object"), ("Remove", "Item"), ("Set", "StrictMode"), ("Add", "Type"),
               ("Start", "Process"), ("New", "SidColumn")}
    assert set(writes) <= allowed, set(writes) - allowed
    assert "Remove-Item -LiteralPath $tmp" in SCRIPT  # the only deletion: secedit's temp export
