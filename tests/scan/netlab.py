"""A practice LAN built from network namespaces on this machine, with real services.

One namespace holds the scanner and a bridge; each device is a namespace joined to the
bridge by a veth pair. Addresses come from TEST-NET-2 (198.51.100.0/24, RFC 5737, never
routed on the internet) and exist only inside these namespaces: no namespace has a
default route or a link to the machine's own network, so nothing can leave the lab.
Shared by tests/scan and benchmarks/scan_speed.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

NETWORK = "198.51.100.0/24"
SCANNER = "198.51.100.1"
PG_BIN = Path("/usr/lib/postgresql")


def why_not() -> str | None:
    """Why the lab cannot be built here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "iproute2 (ip) is missing"
    probe = f"dsprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, check=False)
    if made.returncode != 0:
        return "cannot create a network namespace: " + made.stderr.decode(errors="replace")
    subprocess.run(["ip", "netns", "del", probe], check=False)
    missing = [tool for tool in ("nmap", "smbd", "vsftpd", "storescp", "inetutils-inetd")
               if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists()]
    if missing:
        return f"missing {', '.join(missing)}: run .ci/setup.d/50-scan.sh"
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@dataclass
class Lab:
    root: Path
    tag: str
    scanner_ns: str
    devices: dict[str, str] = field(default_factory=dict)
    """namespace -> address"""
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def ns_of(self, address: str) -> str:
        return next(ns for ns, a in self.devices.items() if a == address)

    def add_device(self, address: str) -> str:
        n = len(self.devices) + 1
        ns = f"{self.tag}-d{n}"
        veth = f"{self.tag}v{n}"
        _ip("netns", "add", ns)
        _ip("-n", ns, "link", "set", "lo", "up")
        _ip("link", "add", veth, "netns", self.scanner_ns, "type", "veth", "peer", "name",
            "eth0", "netns", ns)
        _ip("-n", self.scanner_ns, "link", "set", veth, "master", "br0", "up")
        _ip("-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
        _ip("-n", ns, "link", "set", "eth0", "up")
        self.devices[ns] = address
        return ns

    def start(self, address: str, argv: Sequence[str], port: int, user: str | None = None,
              name: str = "svc") -> None:
        """Run a real daemon inside the device's namespace and wait until it listens."""
        ns = self.ns_of(address)
        prefix = ["ip", "netns", "exec", ns]
        if user:
            prefix += ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"]
        log = open(self.root / f"{name}-{port}.log", "wb")  # noqa: SIM115 - closed with the lab
        # A session of its own: smbd, on exit, signals its whole process group.
        self.procs.append(subprocess.Popen([*prefix, *argv], stdout=log, stderr=log,
                                           stdin=subprocess.DEVNULL, start_new_session=True))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            out = subprocess.run(["ip", "netns", "exec", ns, "ss", "-Hltn", f"sport = :{port}"],
                                 capture_output=True, text=True, check=False).stdout
            if out.strip():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{argv[0]} did not listen on {address}:{port}: "
                           + (self.root / f"{name}-{port}.log").read_text(errors="replace"))

    def run(self, argv: Sequence[str], timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """A command in the scanner's namespace (where dentsec and nmap run)."""
        return subprocess.run(["ip", "netns", "exec", self.scanner_ns, *argv],
                              capture_output=True, text=True, timeout=timeout, env=env,
                              check=False)

    # The real services of a small practice.
    def smb_v1(self, address: str) -> None:
        d = self.root / f"smb-{address}"
        for sub in ("lock", "state", "cache", "private", "pid", "share", "log"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "smb.conf").write_text(f"""[global]
  server role = standalone server
  server min protocol = NT1
  lock directory = {d}/lock
  state directory = {d}/state
  cache directory = {d}/cache
  private dir = {d}/private
  pid directory = {d}/pid
  log file = {d}/log/log.%m
  interfaces = eth0
  bind interfaces only = yes
  disable netbios = yes
  smb ports = 445
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
[partage]
  path = {d}/share
  read only = yes
""")
        self.start(address, ["smbd", "--foreground", "--no-process-group", "-s",
                             str(d / "smb.conf"), "--debug-stdout", "-d0"], 445, name="smbd")

    def telnet(self, address: str) -> None:
        d = self.root / f"inetd-{address}"
        d.mkdir(exist_ok=True)
        # telnetd runs /bin/false instead of login: the port answers, nobody can log in.
        (d / "inetd.conf").write_text(
            "telnet stream tcp nowait root /usr/sbin/telnetd telnetd -E /bin/false\n")
        self.start(address, ["inetutils-inetd", "-d", "-p", str(d / "inetd.pid"),
                             str(d / "inetd.conf")], 23, name="inetd")

    def ftp(self, address: str) -> None:
        d = self.root / f"ftp-{address}"
        (d / "empty").mkdir(parents=True, exist_ok=True)
        (d / "vsftpd.conf").write_text(
            f"listen=YES\nlisten_address={address}\nbackground=NO\nanonymous_enable=NO\n"
            f"local_enable=NO\nsecure_chroot_dir={d}/empty\nrun_as_launching_user=YES\n")
        self.start(address, ["vsftpd", str(d / "vsftpd.conf")], 21, name="vsftpd")

    def web(self, address: str, port: int, title: str) -> None:
        d = self.root / f"web-{address}-{port}"
        d.mkdir(exist_ok=True)
        (d / "index.html").write_text(f"<html><head><title>{title}</title></head>"
                                      "<body><form>identifiant / mot de passe</form></body></html>")
        self.start(address, ["python3", "-m", "http.server", str(port), "--bind", address,
                             "--directory", str(d)], port, name="http")

    def dicom(self, address: str, port: int = 104) -> None:
        d = self.root / f"dicom-{address}"
        d.mkdir(exist_ok=True)
        self.start(address, ["storescp", "--output-directory", str(d), str(port)], port,
                   name="storescp")

    def postgres(self, address: str) -> None:
        """A real PostgreSQL server (the database of a practice software)."""
        bindir = sorted(PG_BIN.glob("*/bin"))[-1]
        d = self.root / f"pg-{address}"
        d.mkdir()
        shutil.chown(d, "postgres", "postgres")
        subprocess.run(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                        str(bindir / "initdb"), "-D", str(d / "data"), "-A", "reject",
                        "--no-sync"], check=True, capture_output=True)
        self.start(address, [str(bindir / "postgres"), "-D", str(d / "data"), "-k", str(d),
                             "-c", f"listen_addresses={address}", "-c", "fsync=off"], 5432,
                   user="postgres", name="postgres")

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for ns in [*self.devices, self.scanner_ns]:
            # Whatever the daemons forked (smbd children, telnetd) lives in our namespaces.
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True,
                                  check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)


@contextmanager
def lab() -> Iterator[Lab]:
    """An empty LAN: the scanner's namespace and its bridge, devices added by the caller."""
    tag = f"ds{os.getpid() % 100000}"
    root = Path(tempfile.mkdtemp(prefix="dentsec-netlab-"))
    os.chmod(root, 0o755)  # postgres (an unprivileged user) keeps its data below
    built = Lab(root, tag, f"{tag}-scan")
    try:
        _ip("netns", "add", built.scanner_ns)
        _ip("-n", built.scanner_ns, "link", "set", "lo", "up")
        _ip("-n", built.scanner_ns, "link", "add", "br0", "type", "bridge")
        _ip("-n", built.scanner_ns, "addr", "add", f"{SCANNER}/24", "dev", "br0")
        _ip("-n", built.scanner_ns, "link", "set", "br0", "up")
        yield built
    finally:
        built.close()
        shutil.rmtree(root, ignore_errors=True)


def routes(ns: str) -> str:
    return subprocess.run(["ip", "-n", ns, "route", "show", "default"], capture_output=True,
                          text=True, check=True).stdout


def practice(built: Lab) -> dict[str, str]:
    """The five devices of the tests and the benchmark, by role."""
    roles = {"nas": "198.51.100.11", "routeur": "198.51.100.12", "imagerie": "198.51.100.13",
             "serveur": "198.51.100.14", "poste": "198.51.100.15"}
    for address in roles.values():
        built.add_device(address)
    built.smb_v1(roles["nas"])
    built.web(roles["routeur"], 80, "Administration du routeur")
    built.telnet(roles["routeur"])
    built.dicom(roles["imagerie"], 104)
    built.web(roles["imagerie"], 8042, "Orthanc Explorer")
    built.ftp(roles["serveur"])
    built.postgres(roles["serveur"])
    return roles

