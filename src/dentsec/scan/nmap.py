"""Driving nmap: where it is, which ports, the argv list, the time limit. No home-made
scanner: nmap does the network work, dentsec chooses the options and reads the XML."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dentsec import proc
from dentsec.errors import DentsecError
from dentsec.scan import nmap_xml
from dentsec.scan.targets import Target

# Ports that matter in a dental practice but are missing from nmap's 1000 most common ones:
# DICOM (104, 11112, 4242 Orthanc), TeamViewer (5938), AnyDesk (6568, 7070).
PRACTICE_TCP = frozenset({21, 23, 80, 104, 139, 443, 445, 515, 631, 1433, 1900, 2323, 2869,
                          3306, 3389, 4242, 5432, 5800, 5900, 5901, 5902, 5903, 5938, 6568,
                          7070, 8042, 8080, 8443, 9100, 11112})
PRACTICE_UDP = frozenset({1900})  # SSDP (UPnP discovery)
SCRIPTS = ("smb-protocols", "dicom-ping", "http-title")
"""nmap's own scripts, all in its ``safe`` category: SMB dialects (SMBv1), DICOM
association test, web page title (what the page is)."""

WINDOWS_DEFAULT = (r"C:\Program Files (x86)\Nmap\nmap.exe", r"C:\Program Files\Nmap\nmap.exe")


@dataclass(frozen=True)
class PortPlan:
    label: str
    """``top``, ``all`` or the list the user typed."""
    tcp: frozenset[int]
    udp: frozenset[int]

    def spec(self, with_udp: bool) -> str:
        parts = [f"T:{compact(self.tcp)}"] if self.tcp else []
        if with_udp and self.udp:
            parts.append(f"U:{compact(self.udp)}")
        return ",".join(parts)

    def count(self, with_udp: bool) -> int:
        return len(self.tcp) + (len(self.udp) if with_udp else 0)


def compact(ports: frozenset[int]) -> str:
    """``1,2,3,5`` -> ``1-3,5``: nmap's port list syntax, short enough for any argv."""
    out: list[str] = []
    ordered = sorted(ports)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


def install_hint() -> tuple[str, str]:
    if sys.platform == "win32":
        return ("installez Nmap pour Windows depuis https://nmap.org/download.html "
                "(« Latest stable release self-installer », avec Npcap), puis relancez",
                "install Nmap for Windows from https://nmap.org/download.html (the 'Latest "
                "stable release self-installer', with Npcap), then run again")
    if sys.platform == "darwin":
        return ("installez Nmap pour macOS depuis https://nmap.org/download.html (fichier .dmg "
                "officiel) ou avec « brew install nmap », puis relancez",
                "install Nmap for macOS from https://nmap.org/download.html (the official .dmg) "
                "or with 'brew install nmap', then run again")
    return ("installez-le : sudo apt install nmap (Debian, Ubuntu) ou sudo dnf install nmap "
            "(Fedora), puis relancez",
            "install it: sudo apt install nmap (Debian, Ubuntu) or sudo dnf install nmap "
            "(Fedora), then run again")


def locate() -> str:
    """The nmap program; a clear message saying how to install it when it is missing."""
    found = shutil.which("nmap")
    if found is None and sys.platform == "win32":
        found = next((p for p in WINDOWS_DEFAULT if Path(p).is_file()), None)
    if found is None:
        fr, en = install_hint()
        raise DentsecError(f"Le scan du réseau utilise nmap, qui n'est pas installé : {fr}.",
                           f"The network scan uses nmap, which is not installed: {en}.")
    return found


def privileged() -> bool:
    """Whether nmap may send raw packets (SYN and UDP scans, ARP discovery)."""
    if sys.platform == "win32":
        import ctypes

        windll = getattr(ctypes, "windll", None)
        return bool(windll and windll.shell32.IsUserAnAdmin())
    return os.geteuid() == 0


def _failed(what: str, result: proc.ProcResult) -> DentsecError:
    detail = (result.stderr.strip().splitlines() or [result.error or f"code {result.exit_code}"])
    return DentsecError(f"nmap a échoué ({what}) : {detail[-1]}",
                        f"nmap failed ({what}): {detail[-1]}")


@lru_cache(maxsize=4)
def top_tcp_ports(nmap: str, count: int = 1000) -> frozenset[int]:
    """nmap's own list of its ``count`` most common TCP ports. Asked of nmap with no target:
    it prints the port list of the scan it would run and sends nothing."""
    result = proc.run([nmap, "-n", "-sT", "--top-ports", str(count), "-oX", "-"], timeout=30)
    if result.error or not result.stdout:
        raise _failed("--top-ports", result)
    try:
        run = nmap_xml.parse(result.stdout)
        info = next(s for s in run.scaninfo if s.protocol == "tcp")
        return frozenset(nmap_xml.expand_services(info.services))
    except (nmap_xml.NmapXmlError, StopIteration) as exc:
        raise DentsecError(f"Réponse de nmap incomprise (--top-ports) : {exc}",
                           f"nmap's answer not understood (--top-ports): {exc}") from exc


_LIST_ITEM = re.compile(r"^(?:(T|U):)?(\d{1,5})(?:-(\d{1,5}))?$", re.IGNORECASE)


def parse_port_list(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """``22,80,8000-8100,U:1900`` -> (TCP ports, UDP ports)."""
    tcp: set[int] = set()
    udp: set[int] = set()
    current = tcp
    for item in filter(None, (p.strip() for p in text.split(","))):
        m = _LIST_ITEM.match(item)
        if m is None:
            raise DentsecError(
                f"Liste de ports non comprise : {item!r} (exemple : 80,443,8000-8100,U:1900).",
                f"Port list not understood: {item!r} (example: 80,443,8000-8100,U:1900).")
        if m.group(1):
            current = udp if m.group(1).upper() == "U" else tcp
        low, high = int(m.group(2)), int(m.group(3) or m.group(2))
        if not 1 <= low <= high <= 65535:
            raise DentsecError(f"Port hors de 1-65535 : {item!r}.",
                               f"Port outside 1-65535: {item!r}.")
        current.update(range(low, high + 1))
    if not tcp and not udp:
        raise DentsecError("Liste de ports vide.", "Empty port list.")
    return frozenset(tcp), frozenset(udp)


def port_plan(choice: str, nmap: str) -> PortPlan:
    if choice == "top":
        return PortPlan("top", top_tcp_ports(nmap) | PRACTICE_TCP, PRACTICE_UDP)
    if choice == "all":
        return PortPlan("all", frozenset(range(1, 65536)), PRACTICE_UDP)
    tcp, udp = parse_port_list(choice)
    return PortPlan(choice, tcp, udp)


def build_argv(nmap: str, targets: Sequence[Target], plan: PortPlan, raw: bool,
               host_timeout_s: int) -> list[str]:
    """One nmap run for one address family (nmap needs -6 for IPv6)."""
    argv = [nmap, "-n", "-sV", "-T4", "--noninteractive", "--script", ",".join(SCRIPTS),
            "--host-timeout", f"{host_timeout_s}s", "-oX", "-"]
    with_udp = raw and bool(plan.udp)
    if raw:
        argv += ["-sS", "-sU"] if with_udp else ["-sS"]
    else:
        argv += ["-sT"]
    argv += ["-p", plan.spec(with_udp)]
    if targets and targets[0].ipv6:
        argv.append("-6")
    argv += [t.nmap_spec for t in targets]
    return argv


def run(argv: Sequence[str], time_limit_s: float) -> nmap_xml.NmapRun:
    result = proc.run(argv, timeout=time_limit_s)
    if result.error == "timeout":
        minutes = max(1, round(time_limit_s / 60))
        raise DentsecError(
            f"Le scan a dépassé la limite de {minutes} min et a été arrêté ; aucun résultat "
            "partiel n'est donné. Scannez moins d'adresses ou augmentez --time-limit.",
            f"The scan went past its {minutes} min limit and was stopped; no partial result "
            "is given. Scan fewer addresses or raise --time-limit.")
    if result.error is not None or result.exit_code != 0:
        raise _failed("scan", result)
    try:
        parsed = nmap_xml.parse(result.stdout)
    except nmap_xml.NmapXmlError as exc:
        raise DentsecError(f"Réponse de nmap incomprise : {exc}",
                           f"nmap's answer not understood: {exc}") from exc
    if not parsed.complete:
        why = parsed.errormsg or "runstats"
        raise DentsecError(f"nmap n'a pas fini son scan : {why}",
                           f"nmap did not finish its scan: {why}")
    return parsed
