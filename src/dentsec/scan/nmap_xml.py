"""Parser of nmap's XML output (``-oX``), following nmap's documented DTD (docs/nmap.dtd,
shipped with nmap as ``share/nmap/nmap.dtd``): ``nmaprun`` > ``scaninfo``, ``host`` >
``status``, ``address``, ``ports`` > ``port`` > ``state``, ``service``, ``script``;
``hostscript`` > ``script``; ``runstats`` > ``finished``. Only what the findings use is kept.

Text from the scanned devices (service banners, page titles) arrives here: it is kept as
data and never interpreted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass


class NmapXmlError(ValueError):
    """The document is not nmap's XML output (or is cut short)."""


@dataclass(frozen=True)
class Script:
    id: str
    output: str
    elems: tuple[str, ...] = ()
    """Text of every ``elem``, tables flattened, in document order."""


@dataclass(frozen=True)
class Service:
    name: str
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    tunnel: str = ""
    """``ssl`` when nmap found TLS in front of the service."""
    method: str = "table"
    """``probed`` (nmap talked to it) or ``table`` (guessed from the port number)."""
    devicetype: str = ""

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.product, self.version) if p)


@dataclass(frozen=True)
class Port:
    proto: str
    portid: int
    state: str
    """open, closed, filtered, unfiltered, open|filtered, closed|filtered."""
    reason: str = ""
    service: Service | None = None
    scripts: tuple[Script, ...] = ()

    def script(self, script_id: str) -> Script | None:
        return next((s for s in self.scripts if s.id == script_id), None)


@dataclass(frozen=True)
class Host:
    address: str
    addrtype: str
    state: str
    reason: str = ""
    """Why nmap holds it up: ``arp-response``, ``localhost-response`` (the scanning
    machine itself)…"""
    mac: str | None = None
    vendor: str | None = None
    hostnames: tuple[str, ...] = ()
    timed_out: bool = False
    ports: tuple[Port, ...] = ()
    scripts: tuple[Script, ...] = ()

    def script(self, script_id: str) -> Script | None:
        return next((s for s in self.scripts if s.id == script_id), None)


@dataclass(frozen=True)
class ScanInfo:
    type: str
    protocol: str
    numservices: int
    services: str


@dataclass(frozen=True)
class NmapRun:
    version: str
    args: str = ""
    scaninfo: tuple[ScanInfo, ...] = ()
    hosts: tuple[Host, ...] = ()
    exit: str = ""
    """``success`` or ``error``; empty when nmap did not get to the end (``runstats``)."""
    errormsg: str = ""
    elapsed: float | None = None
    hosts_up: int | None = None
    hosts_total: int | None = None

    @property
    def complete(self) -> bool:
        return self.exit == "success"


def _req(el: ET.Element, name: str) -> str:
    value = el.get(name)
    if value is None:
        raise NmapXmlError(f"<{el.tag}> without its required attribute {name!r}")
    return value


def _int(el: ET.Element, name: str) -> int:
    try:
        return int(_req(el, name))
    except ValueError as exc:
        raise NmapXmlError(f"<{el.tag} {name}=…> is not a number") from exc


def _elems(el: ET.Element) -> tuple[str, ...]:
    return tuple((e.text or "").strip() for e in el.iter("elem"))


def _scripts(parent: ET.Element | None) -> tuple[Script, ...]:
    if parent is None:
        return ()
    return tuple(Script(_req(s, "id"), _req(s, "output"), _elems(s))
                 for s in parent.findall("script"))


def _service(el: ET.Element | None) -> Service | None:
    if el is None:
        return None
    return Service(name=_req(el, "name"), product=el.get("product", ""),
                   version=el.get("version", ""), extrainfo=el.get("extrainfo", ""),
                   tunnel=el.get("tunnel", ""), method=el.get("method", "table"),
                   devicetype=el.get("devicetype", ""))


def _port(el: ET.Element) -> Port:
    state = el.find("state")
    if state is None:
        raise NmapXmlError("<port> without <state>")
    portid = _int(el, "portid")
    if not 0 <= portid <= 65535:
        raise NmapXmlError(f"port number out of range: {portid}")
    return Port(proto=_req(el, "protocol"), portid=portid, state=_req(state, "state"),
                reason=state.get("reason", ""), service=_service(el.find("service")),
                scripts=_scripts(el))


def _host(el: ET.Element) -> Host:
    status = el.find("status")
    if status is None:
        raise NmapXmlError("<host> without <status>")
    address, addrtype, mac, vendor = "", "", None, None
    for a in el.findall("address"):
        kind = a.get("addrtype", "ipv4")
        if kind == "mac":
            mac, vendor = _req(a, "addr"), a.get("vendor")
        elif not address:
            address, addrtype = _req(a, "addr"), kind
    if not address:
        raise NmapXmlError("<host> without an IP address")
    ports_el = el.find("ports")
    ports = tuple(_port(p) for p in ports_el.findall("port")) if ports_el is not None else ()
    names = tuple(_req(h, "name") for h in el.iterfind("hostnames/hostname") if h.get("name"))
    return Host(address=address, addrtype=addrtype, state=_req(status, "state"),
                reason=_req(status, "reason"), mac=mac,
                vendor=vendor, hostnames=names, timed_out=el.get("timedout") == "true",
                ports=ports, scripts=_scripts(el.find("hostscript")))


def parse(text: str | bytes) -> NmapRun:
    """The scan in ``text``; raises NmapXmlError for anything that is not nmap's output."""
    head = text[:4096] if isinstance(text, str) else text[:4096].decode("utf-8", "replace")
    if "<!ENTITY" in head:  # nmap never declares entities: refuse expansion tricks
        raise NmapXmlError("entity declarations are not nmap output")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise NmapXmlError(f"not well-formed XML: {exc}") from exc
    if root.tag != "nmaprun":
        raise NmapXmlError(f"root element is <{root.tag}>, not <nmaprun>")
    scaninfo = tuple(ScanInfo(_req(s, "type"), _req(s, "protocol"), _int(s, "numservices"),
                              _req(s, "services")) for s in root.findall("scaninfo"))
    finished = root.find("runstats/finished")
    hosts_el = root.find("runstats/hosts")
    elapsed = None
    if finished is not None:
        try:
            elapsed = float(_req(finished, "elapsed"))
        except ValueError as exc:
            raise NmapXmlError("<finished elapsed=…> is not a number") from exc
    return NmapRun(
        version=_req(root, "version"),
        args=root.get("args", ""),
        scaninfo=scaninfo,
        hosts=tuple(_host(h) for h in root.findall("host")),
        exit=(finished.get("exit", "success") if finished is not None else ""),
        errormsg=(finished.get("errormsg", "") if finished is not None else ""),
        elapsed=elapsed,
        hosts_up=_int(hosts_el, "up") if hosts_el is not None and hosts_el.get("up") else None,
        hosts_total=_int(hosts_el, "total") if hosts_el is not None else None,
    )


def expand_services(spec: str) -> list[int]:
    """Port numbers of a ``scaninfo services`` list such as ``1,3-4,6-7``."""
    ports: list[int] = []
    for part in filter(None, spec.split(",")):
        low, _, high = part.partition("-")
        try:
            a, b = int(low), int(high or low)
        except ValueError as exc:
            raise NmapXmlError(f"bad port list item {part!r}") from exc
        if not 0 <= a <= b <= 65535:
            raise NmapXmlError(f"bad port range {part!r}")
        ports.extend(range(a, b + 1))
    return ports
