"""From what nmap saw on one device to what the practice is told. Pure: no network here.

One finding per open port (its most serious kind), plus SMBv1 for the device when nmap's
``smb-protocols`` lists the NT LM 0.12 dialect. A port the policy justifies becomes
SCAN-JUSTIFIED, except that SMBv1 stays a failure: the justification is for the port,
not for a broken protocol version. What nmap could not settle (a UDP port that did not
answer, a device whose scan timed out, SMB dialects that could not be listed) is
unknown, never pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dentsec.checks.policy import JustifiedPort
from dentsec.scan.model import Finding, HostReport, OpenPort, Text, kind
from dentsec.scan.nmap_xml import Host, Port

REMOTE_DESKTOP: dict[int, str] = {3389: "RDP", 5800: "VNC (web)", 5900: "VNC", 5901: "VNC",
                                  5902: "VNC", 5903: "VNC", 5938: "TeamViewer",
                                  6568: "AnyDesk", 7070: "AnyDesk"}
REMOTE_DESKTOP_SERVICES = {"ms-wbt-server": "RDP", "vnc": "VNC", "vnc-http": "VNC (web)",
                           "teamviewer": "TeamViewer"}
CLEARTEXT: dict[int, str] = {21: "FTP", 23: "Telnet", 2323: "Telnet"}
CLEARTEXT_SERVICES = {"ftp": "FTP", "telnet": "Telnet"}
DATABASES: dict[int, str] = {1433: "SQL Server", 3306: "MySQL/MariaDB", 5432: "PostgreSQL"}
DATABASE_SERVICES = {"ms-sql-s": "SQL Server", "mysql": "MySQL/MariaDB",
                     "postgresql": "PostgreSQL"}
DICOM_PORTS = frozenset({104, 11112, 4242})
DICOM_SERVICES = frozenset({"dicom", "acr-nema"})
PACS_PORTS = frozenset({8042})  # Orthanc's web interface
# Names a PACS or DICOM web viewer shows in its page title, server header or product.
PACS_MARKERS = re.compile(r"orthanc|ohif|dcm4che|weasis|conquest|osirix|horos|pacs|dicom",
                          re.IGNORECASE)
PRINTER_PORTS: dict[int, str] = {9100: "JetDirect", 515: "LPD"}
PRINTER_SERVICES = {"jetdirect": "JetDirect", "printer": "LPD"}
UPNP_TCP = frozenset({2869})
SMB_PORTS = frozenset({139, 445})
SMB_SERVICES = frozenset({"netbios-ssn", "microsoft-ds"})
SMB1_DIALECT = "NT LM 0.12"


def _t(fr: str, en: str) -> Text:
    return {"fr": fr, "en": en}


def _service_name(port: Port) -> str:
    return port.service.name if port.service else ""


def _is_http(port: Port) -> bool:
    name = _service_name(port)
    return name.startswith("http") or name in {"https", "ssl/http"}


def _tls(port: Port) -> bool:
    name = _service_name(port)
    return bool(port.service and port.service.tunnel == "ssl") or name in {"https", "ftps"}


def _title(port: Port) -> str:
    script = port.script("http-title")
    if script is None:
        return ""
    return script.elems[0] if script.elems else script.output.strip()


def open_port(port: Port) -> OpenPort:
    svc = port.service
    return OpenPort(proto=port.proto, port=port.portid, state=port.state,
                    service=svc.name if svc else "", product=svc.label if svc else "",
                    tls=_tls(port), title=_title(port))


def _where(port: Port) -> str:
    svc = port.service
    label = f"{port.portid}/{port.proto}"
    if svc and (svc.label or svc.name):
        label += f", {svc.label or svc.name}"
    return label


def _guessed(port: Port) -> bool:
    """nmap named the service from the port number only (or not at all): the port's usual
    service is then the best knowledge; a service nmap recognised by talking to it wins."""
    svc = port.service
    return svc is None or svc.method == "table" or svc.name in ("unknown", "tcpwrapped")


def _usual(port: Port, table: dict[int, str]) -> str | None:
    return table.get(port.portid) if _guessed(port) else None


def classify(port: Port) -> tuple[str, Text]:
    """The most serious kind an open port belongs to, and what to say about it."""
    name, n, where = _service_name(port), port.portid, _where(port)
    if port.proto == "udp":
        if n == 1900 or name == "upnp":
            return "SCAN-UPNP", _t(f"UPnP/SSDP répond ({where}).", f"UPnP/SSDP answers ({where}).")
        return "SCAN-OPEN-PORT", _t(f"Port UDP ouvert : {where}.", f"Open UDP port: {where}.")
    what = (REMOTE_DESKTOP_SERVICES.get(name) or ("VNC" if name.startswith("vnc") else None)
            or _usual(port, REMOTE_DESKTOP))
    if what:
        return "SCAN-REMOTE-DESKTOP", _t(f"{what} joignable sur le réseau ({where}).",
                                         f"{what} reachable on the network ({where}).")
    what = CLEARTEXT_SERVICES.get(name) or _usual(port, CLEARTEXT)
    if what and not _tls(port):
        return "SCAN-CLEARTEXT-LOGIN", _t(f"{what} ouvert, sans chiffrement ({where}).",
                                          f"{what} open, unencrypted ({where}).")
    what = DATABASE_SERVICES.get(name) or _usual(port, DATABASES)
    if what:
        return "SCAN-DATABASE", _t(f"{what} joignable sur le réseau ({where}).",
                                   f"{what} reachable on the network ({where}).")
    ping = port.script("dicom-ping")
    if name in DICOM_SERVICES or ping or (_guessed(port) and n in DICOM_PORTS):
        config = " ".join(ping.elems) if ping else ""
        fr = en = ""
        if "Any AET is accepted" in config:
            fr, en = " ; il accepte tout appelant", "; it accepts any caller"
        elif "Called AET check enabled" in config:
            fr, en = " ; il vérifie le nom de l'appelé", "; it checks the called AE title"
        return "SCAN-DICOM", _t(f"Service DICOM ouvert ({where}){fr}.",
                                f"DICOM service open ({where}){en}.")
    svc_text = " ".join(filter(None, (port.service.product if port.service else "",
                                      port.service.extrainfo if port.service else "",
                                      _title(port))))
    if _is_http(port) and (n in PACS_PORTS or PACS_MARKERS.search(svc_text)):
        title = _title(port)
        shown = f" « {title} »" if title else ""
        return "SCAN-PACS-WEB", _t(f"Visionneuse d'imagerie sur le web{shown} ({where}).",
                                   f"Imaging viewer on the web{shown} ({where}).")
    what = PRINTER_SERVICES.get(name) or _usual(port, PRINTER_PORTS)
    if what:
        return "SCAN-PRINTER-RAW", _t(f"Impression brute {what} ouverte ({where}).",
                                      f"Raw printing {what} open ({where}).")
    if name == "upnp" or n in UPNP_TCP:
        return "SCAN-UPNP", _t(f"Service UPnP ouvert ({where}).", f"UPnP service open ({where}).")
    if name in SMB_SERVICES or (_guessed(port) and n in SMB_PORTS):
        return "SCAN-SMB", _t(f"Partage de fichiers SMB ouvert ({where}).",
                              f"SMB file sharing open ({where}).")
    if _is_http(port) and not _tls(port):
        title = _title(port)
        shown = f" « {title} »" if title else ""
        return "SCAN-HTTP-CLEAR", _t(f"Page web en HTTP, sans chiffrement{shown} ({where}).",
                                     f"Web page over HTTP, unencrypted{shown} ({where}).")
    return "SCAN-OPEN-PORT", _t(f"Port ouvert : {where}.", f"Open port: {where}.")


def _smb1(host: Host) -> Finding | None:
    smb_open = [p for p in host.ports if p.state == "open" and p.proto == "tcp"
                and (p.portid in SMB_PORTS or _service_name(p) in SMB_SERVICES)]
    if not smb_open:
        return None
    script = host.script("smb-protocols")
    if script is None or not script.elems:
        reason = script.output.strip() if script else "smb-protocols: no output"
        return Finding(kind("SCAN-INCOMPLETE"), "unknown", _t(
            "Partage SMB ouvert mais ses versions n'ont pas pu être listées : on ne sait pas "
            "si SMBv1 est actif.",
            "SMB sharing open but its versions could not be listed: whether SMBv1 is on is "
            "unknown."), "tcp", smb_open[0].portid, (reason,))
    dialects = script.elems
    if any(d.startswith(SMB1_DIALECT) for d in dialects):
        return Finding(kind("SCAN-SMB1"), "fail", _t(
            "SMBv1 (NT LM 0.12) est accepté par cet appareil.",
            "SMBv1 (NT LM 0.12) is accepted by this device."), "tcp", smb_open[0].portid,
            tuple(dialects))
    return None


def _justification(port: Port, justified: Iterable[JustifiedPort]) -> JustifiedPort | None:
    return next((j for j in justified if j.port == port.portid and j.proto == port.proto), None)


def host_findings(host: Host, justified: tuple[JustifiedPort, ...] = (),
                  ports_examined: int = 0) -> list[Finding]:
    findings: list[Finding] = []
    smb1 = _smb1(host)
    for port in host.ports:
        if port.state == "open|filtered":
            findings.append(Finding(kind("SCAN-INCOMPLETE"), "unknown", _t(
                f"Le port {port.portid}/{port.proto} n'a pas répondu (UDP) : ouvert ou filtré, "
                "on ne peut pas le dire.",
                f"Port {port.portid}/{port.proto} did not answer (UDP): open or filtered, it "
                "cannot be told."), port.proto, port.portid, (f"state={port.state}",)))
            continue
        if port.state != "open":
            continue
        kid, message = classify(port)
        if kid == "SCAN-SMB" and smb1 is not None and smb1.status == "fail":
            continue  # the SMBv1 failure says it already
        justification = _justification(port, justified)
        ev = (f"{_where(port)} {port.state}",)
        if justification is not None:
            reason = justification.reason or "—"
            findings.append(Finding(kind("SCAN-JUSTIFIED"), "pass", _t(
                f"{message['fr'].rstrip('.')} — justifié : {reason}.",
                f"{message['en'].rstrip('.')} — justified: {reason}."),
                port.proto, port.portid, ev))
            continue
        k = kind(kid)
        findings.append(Finding(k, k.status, message, port.proto, port.portid, ev))
    if smb1 is not None:
        findings.append(smb1)
    if host.timed_out:
        findings.append(Finding(kind("SCAN-INCOMPLETE"), "unknown", _t(
            "Le scan de cet appareil n'a pas fini dans le temps imparti : ses ports ouverts ne "
            "sont pas tous connus.",
            "The scan of this device did not finish in the time allowed: its open ports are not "
            "all known."), evidence=("timedout=true",)))
    if not findings:
        findings.append(Finding(kind("SCAN-NOTHING-EXPOSED"), "pass", _t(
            f"Aucun port ouvert parmi les {ports_examined} ports examinés.",
            f"No open port among the {ports_examined} ports examined.")))
    return sorted(findings, key=lambda f: f.sort_key)


def host_report(host: Host, names: tuple[str, ...], justified: tuple[JustifiedPort, ...],
                ports_examined: int) -> HostReport:
    return HostReport(
        address=host.address, names=names, mac=host.mac, vendor=host.vendor,
        ports=tuple(open_port(p) for p in host.ports if p.state in ("open", "open|filtered")),
        findings=tuple(host_findings(host, justified, ports_examined)),
        timed_out=host.timed_out, scanner=host.reason == "localhost-response")
