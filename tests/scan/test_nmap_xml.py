"""The nmap XML parser, on nmap's real output and on generated documents (nmap.dtd)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.scan.nmap_xml import (
    Host,
    NmapRun,
    NmapXmlError,
    Port,
    Script,
    Service,
    expand_services,
    parse,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_recorded_practice_lab() -> None:
    """fixtures/practice-lab.xml: nmap 7.93 (Debian 12) run by dentsec's argv on the
    namespace lab of tests/scan/netlab.py (see fixtures/README.md)."""
    run = parse((FIXTURES / "practice-lab.xml").read_text())
    assert run.complete and run.version == "7.93"
    by_address = {h.address: h for h in run.hosts}
    nas = by_address["198.51.100.11"]
    smb = nas.script("smb-protocols")
    assert smb is not None and smb.elems[0].startswith("NT LM 0.12")
    assert nas.mac is not None
    router = {p.portid: p for p in by_address["198.51.100.12"].ports if p.state == "open"}
    assert router[23].service == Service("telnet", method="probed")
    title = router[80].script("http-title")
    assert title is not None and title.elems == ("Administration du routeur",)
    imaging = {p.portid: p for p in by_address["198.51.100.13"].ports if p.state == "open"}
    assert imaging[104].service is not None and imaging[104].service.name == "dicom"
    assert imaging[104].script("dicom-ping") is not None
    server = {p.portid: p for p in by_address["198.51.100.14"].ports if p.state == "open"}
    assert server[21].service is not None and server[21].service.product == "vsftpd"
    assert server[5432].service is not None and server[5432].service.name == "postgresql"
    tcp = next(s for s in run.scaninfo if s.protocol == "tcp")
    assert len(expand_services(tcp.services)) == tcp.numservices


@pytest.mark.parametrize("text", ["", "not xml", "<html/>", "<nmaprun/>",
                                  '<nmaprun scanner="nmap" version="7.93" '
                                  'xmloutputversion="1.05"><host/></nmaprun>',
                                  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'])
def test_what_is_not_nmap_output_is_refused(text: str) -> None:
    with pytest.raises(NmapXmlError):
        parse(text)


def test_a_run_cut_short_is_not_complete() -> None:
    run = parse('<nmaprun scanner="nmap" version="7.93" xmloutputversion="1.05">'
                '<verbose level="0"/><debugging level="0"/></nmaprun>')
    assert not run.complete and run.hosts == ()


# Generated documents: any text nmap could carry from a device (banners, titles) must come
# back as data, unchanged.
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_word = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
_scripts = st.lists(st.builds(Script, id=_word, output=_text,
                              elems=st.lists(_text.map(str.strip), max_size=3).map(tuple)),
                    max_size=2).map(tuple)
_services = st.none() | st.builds(Service, name=_word, product=_text, version=_text,
                                  extrainfo=_text, tunnel=st.sampled_from(["", "ssl"]),
                                  method=st.sampled_from(["table", "probed"]), devicetype=_text)
_ports = st.builds(Port, proto=st.sampled_from(["tcp", "udp"]),
                   portid=st.integers(0, 65535),
                   state=st.sampled_from(["open", "closed", "filtered", "open|filtered"]),
                   reason=_word, service=_services, scripts=_scripts)
_hosts = st.builds(Host, address=st.ip_addresses().map(str),
                   addrtype=st.sampled_from(["ipv4", "ipv6"]),
                   state=st.sampled_from(["up", "down", "unknown"]),
                   reason=st.sampled_from(["arp-response", "localhost-response", "echo-reply"]),
                   mac=st.none(), vendor=st.none(),
                   hostnames=st.lists(_word, max_size=2).map(tuple),
                   timed_out=st.booleans(), ports=st.lists(_ports, max_size=4).map(tuple),
                   scripts=_scripts)


def _script_el(parent: ET.Element, s: Script) -> None:
    el = ET.SubElement(parent, "script", id=s.id, output=s.output)
    table = ET.SubElement(el, "table", key="t")
    for text in s.elems:
        ET.SubElement(table, "elem").text = text


def _document(hosts: list[Host], exit_: str) -> str:
    root = ET.Element("nmaprun", scanner="nmap", version="7.94", xmloutputversion="1.05")
    ET.SubElement(root, "scaninfo", type="syn", protocol="tcp", numservices="3",
                  services="1,3-4")
    for h in hosts:
        attrs = {"timedout": "true"} if h.timed_out else {}
        hel = ET.SubElement(root, "host", attrs)
        ET.SubElement(hel, "status", state=h.state, reason=h.reason, reason_ttl="0")
        ET.SubElement(hel, "address", addr=h.address, addrtype=h.addrtype)
        names = ET.SubElement(hel, "hostnames")
        for n in h.hostnames:
            ET.SubElement(names, "hostname", name=n, type="user")
        ports = ET.SubElement(hel, "ports")
        ET.SubElement(ports, "extraports", state="closed", count="10")
        for p in h.ports:
            pel = ET.SubElement(ports, "port", protocol=p.proto, portid=str(p.portid))
            ET.SubElement(pel, "state", state=p.state, reason=p.reason, reason_ttl="64")
            if p.service:
                attrs = {"name": p.service.name, "method": p.service.method, "conf": "10"}
                for key in ("product", "version", "extrainfo", "tunnel", "devicetype"):
                    if getattr(p.service, key):
                        attrs[key] = getattr(p.service, key)
                ET.SubElement(pel, "service", attrs)
            for s in p.scripts:
                _script_el(pel, s)
        if h.scripts:
            hs = ET.SubElement(hel, "hostscript")
            for s in h.scripts:
                _script_el(hs, s)
    stats = ET.SubElement(root, "runstats")
    ET.SubElement(stats, "finished", time="1", elapsed="2.5", exit=exit_)
    ET.SubElement(stats, "hosts", up=str(len(hosts)), down="0", total=str(len(hosts)))
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n' + ET.tostring(
        root, encoding="unicode")


@settings(max_examples=150, deadline=None)
@given(st.lists(_hosts, max_size=3), st.sampled_from(["success", "error"]))
def test_generated_documents_come_back_unchanged(hosts: list[Host], exit_: str) -> None:
    run = parse(_document(hosts, exit_))
    assert isinstance(run, NmapRun)
    assert run.hosts == tuple(hosts)
    assert run.complete == (exit_ == "success")
    assert run.elapsed == 2.5 and run.hosts_total == len(hosts)
    assert expand_services(run.scaninfo[0].services) == [1, 3, 4]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_any_input_parses_or_is_refused_cleanly(data: str | bytes) -> None:
    try:
        parse(data)
    except NmapXmlError:
        pass


@given(st.lists(st.tuples(st.integers(0, 65535), st.integers(0, 40)), max_size=8))
def test_port_lists_expand(ranges: list[tuple[int, int]]) -> None:
    spec = ",".join(f"{a}-{min(65535, a + n)}" if n else str(a) for a, n in ranges)
    expected = [p for a, n in ranges for p in range(a, min(65535, a + n) + 1)]
    assert expand_services(spec) == expected
