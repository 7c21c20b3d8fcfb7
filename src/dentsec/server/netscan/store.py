"""Scan plans and uploaded scans: validated, stored, compared with the practice's previous
scan; a new device or a newly open port becomes an alert, e-mailed like the console's."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import orjson
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dentsec.errors import DentsecError
from dentsec.scan import compare, targets
from dentsec.scan.render_json import SCAN_SCHEMA, scan_schema
from dentsec.server.console import digest
from dentsec.server.console.ingest import IngestError, too_large, unpack
from dentsec.server.console.models import Device, Practice
from dentsec.server.console.names import header_safe
from dentsec.server.netscan.models import NetworkScan, ScanAlert, ScanPlan

log = logging.getLogger(__name__)


def configure(practice: Practice, device: Device, wanted: list[str], ports: str = "top",
              allow_public: bool = False) -> ScanPlan:
    """Save what the practice scans and from which of its workstations. Raises
    DentsecError for a target the scan would refuse (judged now, names when resolved)."""
    if device.practice_id != practice.pk or device.revoked_at is not None:
        raise DentsecError(f"Le poste {device.name} n'est pas un poste actif de ce cabinet.",
                           f"Workstation {device.name} is not an active one of this practice.")
    kept = targets.validate(wanted, allow_public)
    if ports not in ("top", "all"):
        from dentsec.scan.nmap import parse_port_list

        parse_port_list(ports)
    plan, _created = ScanPlan.objects.update_or_create(
        practice=practice, defaults={"device": device, "targets": kept, "ports": ports,
                                     "allow_public": allow_public})
    return plan


def plan_for(device: Device) -> ScanPlan | None:
    """The plan this workstation runs, if it is the practice's designated one."""
    return ScanPlan.objects.filter(practice_id=device.practice_id, device=device).first()


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = scan_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def parse_scan(text: bytes) -> dict[str, Any]:
    from django.conf import settings

    if len(text) > settings.REPORT_MAX_BYTES:
        raise too_large()
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise IngestError(400, "not-json", "Le scan n'est pas du JSON valide.",
                          "The scan is not valid JSON.") from exc
    error = next(iter(sorted(_validator().iter_errors(data), key=lambda e: e.path)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(racine)"
        raise IngestError(422, "schema", f"Scan non conforme au schéma {SCAN_SCHEMA} ({where}) "
                          f": {error.message[:300]}",
                          f"Scan does not follow the {SCAN_SCHEMA} schema ({where}): "
                          f"{error.message[:300]}")
    assert isinstance(data, dict)
    return data


def linked_devices(device: Device, data: dict[str, Any]) -> dict[str, Device]:
    """Which scanned hosts are enrolled devices: the scanning workstation itself, and hosts
    reached by a name that is a device's name (``poste-accueil`` or ``poste-accueil.lan``)."""
    by_name = {d.name.lower(): d for d in
               Device.objects.filter(practice_id=device.practice_id, revoked_at=None)}
    links: dict[str, Device] = {}
    for host in data["hosts"]:
        address = str(host["address"])
        if host.get("scanner"):
            links[address] = device
        for name in host.get("names", []):
            found = by_name.get(name.lower()) or by_name.get(name.lower().split(".")[0])
            if found is not None:
                links[address] = found
    return links


def justified_ports(device: Device) -> set[str]:
    """``{"tcp/3389"}``: the ports the device's latest audit report says its policy
    justifies (``policy.justified_ports``)."""
    report = device.reports.order_by("-generated_at").first()
    policy = report.data.get("policy") if report is not None else None
    ports = policy.get("justified_ports") if isinstance(policy, dict) else None
    return {f"{p.get('proto', 'tcp')}/{p['port']}" for p in ports or []
            if isinstance(p, dict) and isinstance(p.get("port"), int)}


@dataclass(frozen=True)
class Stored:
    scan: NetworkScan
    created: bool
    alerts: list[ScanAlert]


def store_scan(device: Device, body: bytes, encoding: str = "") -> Stored:
    plan = plan_for(device)
    if plan is None:
        raise IngestError(403, "no-plan", "Ce poste n'est pas celui qui scanne le réseau du "
                          "cabinet.", "This workstation is not the one that scans the "
                          "practice network.")
    data = parse_scan(unpack(body, encoding))
    if not set(data["targets"]) <= set(plan.targets):
        raise IngestError(422, "targets", "Ce scan ne porte pas sur les cibles enregistrées "
                          "dans la console.", "This scan is not of the targets saved in the "
                          "console.")
    started = parse_datetime(str(data["started_at"]))
    if started is None or started.tzinfo is None:
        raise IngestError(422, "schema", "Date du scan illisible.", "Unreadable scan date.")
    digest = hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
    existing = NetworkScan.objects.filter(practice_id=device.practice_id, digest=digest).first()
    if existing is not None:
        return Stored(existing, False, [])
    with transaction.atomic():
        previous = (NetworkScan.objects.select_for_update()
                    .filter(practice_id=device.practice_id).order_by("-started_at").first())
        now_open = compare.open_ports(data)
        found = compare.between(previous.open_ports if previous else None, now_open)
        links = linked_devices(device, data)
        justified = {a: justified_ports(d) for a, d in links.items()}
        # A newly open port the device's own policy justifies is expected, not an alarm.
        alarming = [(a, p) for a, p in found.new_ports
                    if p.split(" ", 1)[0] not in justified.get(a, set())]
        scan = NetworkScan.objects.create(
            practice_id=device.practice_id, device=device, digest=digest, started_at=started,
            hosts=len(data["hosts"]), fail_count=int(data["counts"].get("fail", 0)),
            open_ports=now_open,
            changes={"new_hosts": list(found.new_hosts),
                     "new_ports": [list(p) for p in found.new_ports],
                     "gone_hosts": list(found.gone_hosts),
                     "closed_ports": [list(p) for p in found.closed_ports]},
            devices={a: d.pk for a, d in links.items()},
            body=zlib.compress(orjson.dumps(data)))
        new = [ScanAlert.objects.create(practice_id=device.practice_id, scan=scan,
                                        kind=ScanAlert.KIND_NEW_HOST, key=a)
               for a in found.new_hosts]
        new += [ScanAlert.objects.create(practice_id=device.practice_id, scan=scan,
                                         kind=ScanAlert.KIND_NEW_PORT, key=f"{a} {p}"[:120])
                for a, p in alarming]
    if new:
        try:
            send_pending(new)
        except (OSError, smtplib.SMTPException):
            log.warning("scan alert e-mail not sent; will retry", exc_info=True)
    return Stored(scan, True, new)


def describe(alert: ScanAlert) -> str:
    if alert.kind == ScanAlert.KIND_NEW_HOST:
        return _("Nouvel appareil sur le réseau du cabinet : %(what)s.") % {"what": alert.key}
    return _("Nouveau port ouvert sur le réseau du cabinet : %(what)s.") % {"what": alert.key}


def send_pending(pending: list[ScanAlert]) -> int:
    from django.conf import settings

    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for alert in pending:
            practice = Practice.objects.get(pk=alert.practice_id)
            text = describe(alert)
            body = text + "\n\n" + _("Cabinet : %(practice)s") % {"practice": practice.name}
            # The console's recipients (the practice's leads, the provider's admins), each
            # alone in To:, with a subject that cannot carry a header break.
            for address in digest.recipients(practice):
                messages.append((header_safe("[dentsec] " + text), body, None, [address]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    ScanAlert.objects.filter(pk__in=[a.pk for a in pending]).update(emailed_at=timezone.now())
    return len(messages)
