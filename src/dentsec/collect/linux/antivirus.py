"""Antivirus on Linux. ClamAV: installed, daemon and on-access scanning, age of the
signature databases. Microsoft Defender for Endpoint (package ``mdatp``, service
``mdatp``, daemon ``wdavdaemon``): installed and running; its real-time setting and
signature age are kept by the product itself (``mdatp health``), which dentsec does not
read yet, so they are unknown and say so, never a false "no antivirus"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from dentsec.collect.linux.context import LinuxContext
from dentsec.facts import Antivirus, AntivirusProduct
from dentsec.vocab import ErrorKind

CLAMAV_DB = "/var/lib/clamav"
CLAMAV_PACKAGES = ("clamav", "clamav-daemon", "clamd")
DAEMON_UNITS = ("clamav-daemon.service", "clamd@scan.service", "clamd.service")
ONACCESS_UNITS = ("clamav-clamonacc.service", "clamonacc.service")
SCANNER_PROGRAMS = ("/usr/bin/clamscan", "/usr/local/bin/clamscan")
MDATP_PACKAGE = "mdatp"
MDATP_DAEMON = "/opt/microsoft/mdatp/sbin/wdavdaemon"
MDATP_UNITS = ("mdatp.service",)
MDATP_NAME = "Microsoft Defender for Endpoint"
FRESH_DAYS = 3.0
"""ClamAV publishes daily signatures: older than this means updates are not arriving."""


def parse_cvd_header(text: str) -> datetime | None:
    """Build time of a .cvd/.cld/.cud file from its 512-byte header.

    ``ClamAV-VDB:<build time>:<version>:<sigs>:<flevel>:<md5>:<dsig>:<builder>:<stime>``;
    stime is the build time in seconds since the epoch, the text time its fallback.
    """
    if not text.startswith("ClamAV-VDB:"):
        return None
    fields = text[:512].split(":")
    if len(fields) >= 9:
        m = re.match(r"\s*(\d{9,11})", fields[8])
        if m:
            return datetime.fromtimestamp(int(m.group(1)), UTC)
    try:
        return datetime.strptime(fields[1].strip(), "%d %b %Y %H-%M %z").astimezone(UTC)
    except (ValueError, IndexError):
        return None


def clamav_installed(ctx: LinuxContext) -> bool | None:
    pkgs, _ = ctx.packages()
    if pkgs is None:
        return None
    return any(p in pkgs for p in CLAMAV_PACKAGES)


def service_state(ctx: LinuxContext, process: str, units: tuple[str, ...]) -> bool | None:
    """Running now (live) or enabled at boot (offline tree)."""
    running, _ = ctx.running()
    if running is not None:
        return process in running
    enabled, why = ctx.enabled_units()
    return None if why else any(u in enabled for u in units)


def has_scanner(ctx: LinuxContext) -> bool:
    """The command-line scanner is installed (package ``clamav`` or the program itself)."""
    pkgs, _ = ctx.packages()
    return (pkgs is not None and "clamav" in pkgs) or any(ctx.exists(p) for p in SCANNER_PROGRAMS)


def newest_signatures(ctx: LinuxContext) -> tuple[datetime | None, str]:
    listing = ctx.host.list_dir(CLAMAV_DB)
    if not listing.ok:
        return None, f"{CLAMAV_DB}: {listing.error}"
    stamps = []
    for name in listing.entries:
        if name.endswith((".cvd", ".cld", ".cud")):
            res = ctx.host.read_text(f"{CLAMAV_DB}/{name}", max_bytes=512)
            when = parse_cvd_header(res.text or "")
            if when:
                stamps.append(when)
    if not stamps:
        return None, f"no signature database in {CLAMAV_DB}"
    return max(stamps), ""


def defender_for_endpoint(ctx: LinuxContext, fam: Antivirus) -> bool | None:
    """Adds Microsoft Defender for Endpoint when installed; None when that cannot be told."""
    pkgs, _ = ctx.packages()
    installed = (pkgs is not None and MDATP_PACKAGE in pkgs) or ctx.exists(MDATP_DAEMON)
    if not installed:
        return None if pkgs is None else False
    fam.products.append(AntivirusProduct(
        name=MDATP_NAME, enabled=service_state(ctx, "wdavdaemon", MDATP_UNITS)))
    unread = f"{ErrorKind.UNSUPPORTED}: {MDATP_NAME} keeps it in its own state (mdatp health)"
    fam.unknown.setdefault("realtime", unread)
    fam.unknown.setdefault("signature_age_days", unread)
    return True


def collect_antivirus(ctx: LinuxContext) -> Antivirus:
    fam = Antivirus(source="ClamAV and Microsoft Defender for Endpoint packages, services, "
                           "ClamAV signature database headers")
    installed = clamav_installed(ctx)
    defender = defender_for_endpoint(ctx, fam)
    if installed is None and not defender:
        fam.unknown["products"] = ctx.packages()[1]
        return fam
    if not installed:
        return fam
    product = AntivirusProduct(name="ClamAV")
    product.enabled = service_state(ctx, "clamd", DAEMON_UNITS)
    product.realtime = service_state(ctx, "clamonacc", ONACCESS_UNITS)
    if product.enabled is False and has_scanner(ctx):
        # clamscan alone is an on-demand scanner: usable, but nothing is scanned in real time.
        product.enabled, product.on_demand, product.realtime = True, True, False
    newest, why = newest_signatures(ctx)
    if newest is not None:
        age = (ctx.host.info.collected_at - newest).total_seconds() / 86400
        product.signature_age_days = round(max(age, 0.0), 2)
        product.up_to_date = age <= FRESH_DAYS
    else:
        product.up_to_date = False if why.startswith("no signature") else None
        fam.unknown["signature_age_days"] = why
    if product.enabled is None:
        fam.unknown["enabled"] = "daemon state unknown (no process list, no systemd units)"
    fam.products.append(product)
    return fam
