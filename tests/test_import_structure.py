"""The layers import downwards only: host and collect never see checks or reports;
renderers read the findings layer, never the orchestrator."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "dentsec"


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["host", "collect", "facts"])
def test_lower_layers_never_import_checks_reports_or_engine(package: str) -> None:
    forbidden = ("dentsec.checks", "dentsec.report", "dentsec.engine", "dentsec.findings")
    bad = {str(p.relative_to(SRC)): sorted(m for m in imports(p) if m.startswith(forbidden))
           for p in modules(package)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_renderers_import_the_findings_layer_not_the_engine() -> None:
    renderers = modules("report")
    assert renderers
    bad = {str(p.relative_to(SRC)) for p in renderers if any(
        m == "dentsec.engine" or m.startswith("dentsec.engine.") for m in imports(p))}
    assert bad == set()
    assert any("dentsec.findings" in imports(p) for p in renderers)


def test_checks_do_not_reach_the_machine() -> None:
    forbidden = ("dentsec.host", "dentsec.collect", "dentsec.engine", "dentsec.report",
                 "subprocess", "os", "dentsec.proc")
    bad = {str(p.relative_to(SRC)): sorted(m for m in imports(p)
                                            if m in forbidden or m.startswith(forbidden[:5]))
           for p in modules("checks")}
    assert {k: v for k, v in bad.items() if v} == {}
