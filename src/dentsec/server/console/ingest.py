"""Enrolling devices and storing their reports (validated, size-limited, idempotent)."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import orjson
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dentsec.server.console import alerts, audit, credentials, history, names
from dentsec.server.console.models import Device, EnrollmentToken, Practice, Report

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "report" / "schema" / "report-1.schema.json"


class IngestError(Exception):
    """A refused request: HTTP status and a message in both languages."""

    def __init__(self, status: int, code: str, fr: str, en: str) -> None:
        super().__init__(en)
        self.status = status
        self.code = code
        self.fr = fr
        self.en = en


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@lru_cache(maxsize=1)
def _validator() -> Callable[[Any], list[tuple[str, str]]]:
    """The report validator: jsonschema, or jsonschema-rs when installed (the same checks,
    some hundred times faster, which is what lets one server take hundreds of reports/s)."""
    schema = _schema()
    try:
        import jsonschema_rs
    except ImportError:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        slow = cls(schema, format_checker=cls.FORMAT_CHECKER)
        return lambda data: [("/".join(str(p) for p in e.absolute_path), e.message)
                             for e in sorted(slow.iter_errors(data),
                                             key=lambda e: list(map(str, e.absolute_path)))]
    fast = jsonschema_rs.validator_for(schema, validate_formats=True)
    return lambda data: [("/".join(str(p) for p in e.instance_path), e.message)
                         for e in fast.iter_errors(data)]


def create_token(practice: Practice, *, by: User | None, days: int = 7,
                 max_uses: int = 1, owner: User | None = None
                 ) -> tuple[EnrollmentToken, str]:
    """A new enrollment token; the clear value is returned once and never stored."""
    clear = credentials.new_token()
    token = EnrollmentToken.objects.create(
        practice=practice, token_hash=credentials.digest(clear), hint=clear[:10],
        created_by=by, owner=owner, expires_at=timezone.now() + timedelta(days=days),
        max_uses=max_uses)
    return token, clear


@dataclass(frozen=True)
class Enrolled:
    device: Device
    credential: str


def enroll(token_value: str, name: str, ip: str | None = None) -> Enrolled:
    try:
        name = names.checked_name(name)
    except names.BadName as exc:
        raise IngestError(422, "bad-name", f"Nom de poste refusé : {exc.fr}",
                          f"Device name refused: {exc.en}") from exc
    now = timezone.now()
    refused = IngestError(
        403, "token-refused",
        "Jeton d'inscription inconnu, expiré, révoqué ou déjà utilisé.",
        "Enrollment token unknown, expired, revoked or already used.")
    with transaction.atomic():
        token = (EnrollmentToken.objects.select_for_update()
                 .select_related("practice").filter(token_hash=credentials.digest(token_value))
                 .first())
        if (token is None or token.revoked_at is not None or token.expires_at <= now
                or token.uses >= token.max_uses):
            raise refused
        EnrollmentToken.objects.filter(pk=token.pk).update(uses=F("uses") + 1)
        clear = credentials.new_credential()
        device = Device.objects.create(
            practice=token.practice, owner=token.owner, name=name,
            credential_hash=credentials.digest(clear))
    audit.record("device.enroll", actor=None, device=device, target=device.name)
    return Enrolled(device, clear)


# Every upload starts with this lookup; written out, it skips the ORM's query compilation,
# which costs more than the database's answer (measured in benchmarks/server_ingest.py).
_DEVICE_BY_CREDENTIAL = (f'SELECT * FROM "{Device._meta.db_table}" '
                         'WHERE "credential_hash" = %s')


def revoked() -> IngestError:
    """Said to the agent of a revoked device, which then stops queueing its reports."""
    return IngestError(403, "device-revoked",
                       "Ce poste a été révoqué dans la console du cabinet : ses rapports ne "
                       "sont plus acceptés. Si c'est une erreur, le responsable du cabinet "
                       "peut annuler la révocation pendant 30 jours ; sinon, inscrivez à "
                       "nouveau le poste avec un jeton.",
                       "This device was revoked in the practice console: its reports are no "
                       "longer accepted. If this is a mistake, the practice lead can undo the "
                       "revocation within 30 days; otherwise enroll the device again with a "
                       "token.")


def device_for(credential: str) -> Device | None:
    """The device of a credential; a revoked device's credential raises ``revoked()``
    (the agent must tell "revoked" from "unknown", which is 401)."""
    if not credential.startswith(credentials.CREDENTIAL_PREFIX):
        return None
    found = list(Device.objects.raw(_DEVICE_BY_CREDENTIAL, [credentials.digest(credential)]))
    if not found:
        return None
    device = found[0]  # the hash is unique
    if device.revoked_at is not None:
        raise revoked()
    return device


def too_large() -> IngestError:
    limit = settings.REPORT_MAX_BYTES
    return IngestError(413, "too-large", f"Rapport trop volumineux (plus de {limit} octets).",
                       f"Report too large (over {limit} bytes).")


def unpack(body: bytes, encoding: str, limit: int | None = None,
           too_big: Callable[[], IngestError] = too_large) -> bytes:
    """The JSON text of an upload. The agent sends it gzip-compressed (a sixth of the bytes
    on a practice's line); the limit applies to the text, so a small bomb is refused.
    Evidence uploads pass their own limit and refusal."""
    limit = settings.REPORT_MAX_BYTES if limit is None else limit
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise IngestError(415, "encoding", f"Encodage « {encoding[:40]} » non pris en charge "
                          "(gzip ou aucun).",
                          f"Unsupported encoding '{encoding[:40]}' (gzip or none).")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # a gzip header, nothing else
    try:
        text = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise IngestError(400, "not-gzip", "Le rapport compressé est illisible.",
                          "The compressed report is unreadable.") from exc
    if len(text) > limit:
        raise too_big()
    if not inflater.eof or inflater.unused_data:
        # stored as received: it must decompress to exactly what was checked here
        raise IngestError(400, "not-gzip", "Le rapport compressé est tronqué ou suivi "
                          "d'autres données.", "The compressed report is truncated or "
                          "followed by other data.")
    return text


def parse_report(text: bytes) -> dict[str, Any]:
    if len(text) > settings.REPORT_MAX_BYTES:
        raise too_large()
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise IngestError(400, "not-json", "Le rapport n'est pas du JSON valide.",
                          "The report is not valid JSON.") from exc
    errors = _validator()(data)
    if errors:
        where, msg = errors[0]
        where = where or "(racine)"
        msg = msg[:300]
        raise IngestError(422, "schema", f"Rapport non conforme au schéma ({where}) : {msg}",
                          f"Report does not follow the schema ({where}): {msg}")
    assert isinstance(data, dict)  # the schema says object
    return data


def canonical(data: dict[str, Any]) -> bytes:
    """One spelling per report, whatever the key order or spacing it was sent with."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _aware(value: str) -> datetime:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise IngestError(422, "schema", "Date du rapport illisible.", "Unreadable report date.")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def critical_count(data: dict[str, Any]) -> int:
    return sum(1 for f in data["findings"]
               if f["status"] == "fail" and f["severity"] == "critical")


def _date_or_none(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # the schema checks the format; an impossible date is "unknown"


@dataclass(frozen=True)
class Stored:
    report: Report
    created: bool


FUTURE_TOLERANCE = timedelta(days=1)
"""A report dated further ahead than this is refused: the device's clock is wrong."""


def _future(generated: datetime) -> IngestError:
    when = timezone.localtime(generated).strftime("%d/%m/%Y %H:%M")
    return IngestError(422, "future-date",
                       f"Rapport refusé : il est daté du {when}, plus d'un jour dans le futur. "
                       "L'horloge de ce poste est fausse : corrigez sa date et son heure, "
                       "puis relancez l'audit.",
                       f"Report refused: it is dated {when}, more than a day in the future. "
                       "This device's clock is wrong: correct its date and time, then run "
                       "the audit again.")


def observed_time(generated: datetime, received: datetime,
                  sent_at: datetime | None) -> tuple[datetime, timedelta | None]:
    """(when the audit ran in server time, how far the device's clock is ahead or None).

    The agent sends its clock's time in the HTTP ``Date`` header: the difference with the
    server's is the device's clock offset, which corrects ``generated_at`` (a report queued
    for three days stays three days old even when the clock is years off). Without the
    header the offset is unknown and the report counts as made when it arrived. Never
    later than its arrival: a crafted date cannot make a report newer than the next one.
    """
    if sent_at is None:
        return received, None
    offset = sent_at - received
    return min(generated - offset, received), offset


def store_report(device: Device, body: bytes, encoding: str = "",
                 sent_at: datetime | None = None) -> Stored:
    """Validate and keep a report; the same report again returns the stored one.

    The device's state (score, failing checks, alerts) follows its current report: the
    one with the latest ``observed_at`` (see observed_time). An earlier one, such as a
    queued report arriving late, is kept as history only.

    A handful of queries per report: the unique (device, digest) constraint detects a
    replay, and the device row carries what the alerts compare against. A gzip upload is
    kept as received; a plain one is compressed here.
    """
    text = unpack(body, encoding)
    data = parse_report(text)
    canon = canonical(data)
    digest = hashlib.sha256(canon).hexdigest()
    generated = _aware(data["generated_at"])
    received = timezone.now()
    if generated > received + FUTURE_TOLERANCE:
        raise _future(generated)
    observed, offset = observed_time(generated, received, sent_at)
    host = data["host"]
    score = data["score"]
    failing = sorted({f["id"] for f in data["findings"] if f["status"] == "fail"})
    critical = critical_count(data)
    before = list(device.failing)
    is_latest = device.last_observed_at is None or observed >= device.last_observed_at
    offset_s = None if offset is None else round(offset.total_seconds())
    updates: dict[str, Any] = {"last_seen": received, "clock_offset": offset_s}
    if is_latest:
        eol = host.get("os_eol")
        updates.update(
            last_report_at=generated, last_observed_at=observed,
            os_family=host["os_family"], os_name=host["os_name"],
            os_version=host["os_version"], os_eol=_date_or_none(eol),
            score=score.get("overall"), by_rule=score.get("by_rule", {}),
            critical_count=critical, fail_count=len(failing), failing=failing,
            previous_failing=before if device.last_observed_at is not None else None)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                device=device, digest=digest, generated_at=generated, received_at=received,
                observed_at=observed, clock_offset=offset_s, lang=data["lang"],
                score=score.get("overall"), by_rule=score.get("by_rule", {}),
                critical_count=critical,
                body=body if text is not body else zlib.compress(text, 1))
            report.__dict__["_data"] = data
            if is_latest:
                updates["current_report"] = report
            Device.objects.filter(pk=device.pk).update(**updates)
            history.record_day(device, observed, score, critical)
    except IntegrityError:
        # Already stored (a retry, or a concurrent copy of the same upload): change nothing.
        return Stored(Report.objects.get(device=device, digest=digest), False)
    for key, value in updates.items():
        setattr(device, key, value)
    # A fix asked from the console is answered by the fix history of any later report
    # (issue 16), current or not: the runs it lists happened either way.
    from dentsec.server.console import fix_requests

    fix_requests.on_report(device, data)
    if is_latest:
        alerts.on_report(device, report, before)
        # -- procedures (issue 14): departures, firewall baseline, accepted risks --
        from dentsec.server.console import procedures

        procedures.on_report(device, report)
    return Stored(report, True)
