"""The scan reports a user reads (terminal, JSON against its schema, HTML, PDF), from the
recorded lab scan; text from the devices stays text."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from dentsec.i18n import set_language
from dentsec.scan import render_html, render_json, render_terminal
from dentsec.scan.findings import host_report
from dentsec.scan.model import ScanReport
from dentsec.scan.nmap_xml import Script, parse

FIXTURES = Path(__file__).parent / "fixtures"
AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _report(hostile_title: str | None = None) -> ScanReport:
    run = parse((FIXTURES / "practice-lab.xml").read_text())
    hosts = []
    for h in run.hosts:
        if hostile_title and h.address == "198.51.100.12":
            ports = tuple(dataclasses.replace(p, scripts=(Script("http-title", hostile_title,
                                                                 (hostile_title,)),))
                          if p.portid == 80 else p for p in h.ports)
            h = dataclasses.replace(h, ports=ports)
        hosts.append(host_report(h, ("nas.local",) if h.address.endswith(".11") else (), (),
                                 1005))
    return ScanReport(AT, AT + timedelta(seconds=49), ("198.51.100.0/24",), 256, "top", 1005,
                      True, run.version, (("nmap", "-oX", "-"),), tuple(hosts), ())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_json_follows_its_schema(lang: str) -> None:
    data = json.loads(render_json.render(_report(), lang))
    jsonschema.validate(data, render_json.scan_schema())
    assert data["lang"] == lang and data["counts"]["fail"] == 7
    scanner = [h for h in data["hosts"] if h["scanner"]]
    assert [h["address"] for h in scanner] == ["198.51.100.1"]


def test_terminal_worst_devices_first_in_french() -> None:
    set_language("fr")
    buf = io.StringIO()
    render_terminal.render(_report(), Console(file=buf, width=120, no_color=True))
    text = buf.getvalue()
    assert text.index("198.51.100.11 (nas.local)") < text.index("198.51.100.15")
    assert "198.51.100.1 — ce poste (celui qui scanne)" in text
    assert "SMBv1 (NT LM 0.12) est accepté par cet appareil." in text
    assert "6 appareil(s) trouvé(s) sur 256 adresse(s) ; 7 à corriger" in text


def test_html_escapes_what_devices_say() -> None:
    set_language("en")
    page = render_html.render(_report(hostile_title='<script>alert("x")</script>'))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'lang="en"' in page and "What the practice network exposes" in page


def test_pdf_is_a_pdf() -> None:
    set_language("fr")
    assert render_html.render_pdf(_report()).startswith(b"%PDF-")


def test_html_tells_what_changed_when_compared() -> None:
    set_language("fr")
    page = render_html.render(_report(), ["Nouvel appareil depuis le scan du 2026-11-30 : x."])
    assert 'id="changes"' in page and "Nouvel appareil depuis le scan du 2026-11-30" in page
    assert 'id="changes"' not in render_html.render(_report())
