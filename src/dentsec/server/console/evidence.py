"""Evidence bundles evaluated by the server (``POST /api/v1/agent/evidence``).

An agent without Python (dentsec-agent.ps1, the macOS shell collector) uploads the bundle
it collected; the server checks it here, evaluates it with the audit's own engine in a
worker process (evidence_worker.py: time limit, memory limit), stores the report through
``ingest.store_report`` (history and alerts follow) and keeps the bundle for
``EVIDENCE_KEEP_DAYS`` so that ``manage.py reevaluate_evidence`` can apply a corrected
catalog to it.

Checked before any evaluation, from the zip's directory and its manifest only: the size
as sent and once unpacked, the number of members, their names (no absolute path, no
``..``, no backslash, no symlink, no duplicate, no encryption), the manifest's schema, and
that the bundle's host is the device's.
"""

from __future__ import annotations

import hashlib
import io
import json
import queue
import stat
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dentsec.server.console import evidence_worker, history, ingest
from dentsec.server.console.ingest import IngestError
from dentsec.server.console.models import Device, EvidenceBundle, Report
from dentsec.vocab import OS_FAMILIES

MEDIA_TYPE = "application/zip"
_MEMBER = {"type": ["string", "null"], "maxLength": 200}
_ERROR = {"type": ["string", "null"], "maxLength": 2000}
_PATH = {"type": "string", "minLength": 1, "maxLength": 4096}

MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "created_at", "host", "items"],
    "properties": {
        "schema": {"const": "dentsec.evidence/1"},
        "created_at": {"type": "string", "minLength": 10, "maxLength": 64},
        "collector": {"type": "string", "maxLength": 200},
        "host": {
            "type": "object", "required": ["os_family", "hostname"],
            "properties": {
                "os_family": {"enum": list(OS_FAMILIES)},
                "hostname": {"type": "string", "minLength": 1, "maxLength": 255},
                "is_admin": {"type": ["boolean", "null"]},
                "mode": {"enum": ["live", "root"]},
            },
        },
        "items": {"type": "array", "items": {"oneOf": [
            {"type": "object", "required": ["kind", "argv"], "properties": {
                "kind": {"const": "command"},
                "argv": {"type": "array", "minItems": 1, "maxItems": 100,
                         "items": {"type": "string", "maxLength": 4096}},
                "exit_code": {"type": ["integer", "null"]}, "error": _ERROR,
                "duration_ms": {"type": ["integer", "null"], "minimum": 0},
                "stdout": _MEMBER, "stderr": _MEMBER}},
            {"type": "object", "required": ["kind", "path"], "properties": {
                "kind": {"const": "file"}, "path": _PATH, "error": _ERROR,
                "truncated": {"type": "boolean"}, "content": _MEMBER}},
            {"type": "object", "required": ["kind", "path"], "properties": {
                "kind": {"const": "dir"}, "path": _PATH, "error": _ERROR,
                "entries": {"type": ["array", "null"], "maxItems": 20000,
                            "items": {"type": "string", "maxLength": 1024}}}},
            {"type": "object", "required": ["kind", "name"], "properties": {
                "kind": {"const": "probe"}, "name": {"type": "string", "minLength": 1,
                                                     "maxLength": 200},
                "error": _ERROR, "content": _MEMBER}},
        ]}},
    },
}
_MANIFEST_VALIDATOR = jsonschema.Draft202012Validator(MANIFEST_SCHEMA)
_MANIFEST_MAX = 4 * 1024 * 1024


def _refused(status: int, code: str, fr: str, en: str) -> IngestError:
    return IngestError(status, code, f"Paquet de preuves refusé : {fr}",
                       f"Evidence bundle refused: {en}")


def too_large() -> IngestError:
    limit = settings.EVIDENCE_MAX_BYTES
    return _refused(413, "too-large", f"il dépasse {limit} octets.",
                    f"it is over {limit} bytes.")


def _safe_name(name: str) -> bool:
    """A member name that stays inside the bundle on every system."""
    if not name or len(name) > 200 or "\\" in name or "\x00" in name:
        return False
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


@dataclass(frozen=True)
class Checked:
    """A bundle that passed every check: evaluation may start."""

    data: bytes
    manifest: dict[str, Any]
    hostname: str
    collector: str


def check(data: bytes) -> Checked:
    """Refuse (4xx, in French) any zip that is not a plain dentsec bundle within limits."""
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise too_large()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _refused(400, "not-zip", "ce n'est pas un fichier zip valide.",
                       "not a valid zip file.") from exc
    with zf:
        members = zf.infolist()
        if len(members) > settings.EVIDENCE_MAX_ENTRIES:
            raise _refused(413, "too-many-items",
                           f"plus de {settings.EVIDENCE_MAX_ENTRIES} éléments.",
                           f"more than {settings.EVIDENCE_MAX_ENTRIES} items.")
        names: set[str] = set()
        unpacked = 0
        for info in members:
            kind = stat.S_IFMT(info.external_attr >> 16)
            folder = info.filename.endswith("/") and kind in (0, stat.S_IFDIR)
            # Info-ZIP's `zip -r` and macOS's ditto also write folder entries ("items/")
            if not _safe_name(info.filename.removesuffix("/") if folder else info.filename):
                raise _refused(422, "bad-path", f"nom d'élément interdit : {info.filename[:80]!r}"
                               " (chemin absolu, « .. » ou caractère interdit).",
                               f"forbidden item name: {info.filename[:80]!r} "
                               "(absolute path, '..' or forbidden character).")
            if kind == stat.S_IFLNK:
                raise _refused(422, "symlink", f"lien symbolique interdit : {info.filename!r}.",
                               f"symbolic link not allowed: {info.filename!r}.")
            if folder:
                continue
            if kind not in (0, stat.S_IFREG) or info.filename.endswith("/"):
                raise _refused(422, "bad-entry", f"élément qui n'est pas un fichier : "
                               f"{info.filename!r}.", f"item is not a file: {info.filename!r}.")
            if info.flag_bits & 0x1:
                raise _refused(422, "encrypted", "élément chiffré.", "encrypted item.")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _refused(415, "compression", "méthode de compression non prise en "
                               "charge (deflate ou aucune).",
                               "unsupported compression method (deflate or none).")
            if info.filename in names:
                raise _refused(422, "duplicate", f"élément en double : {info.filename!r}.",
                               f"duplicate item: {info.filename!r}.")
            names.add(info.filename)
            unpacked += info.file_size
        if unpacked > settings.EVIDENCE_MAX_UNPACKED:
            raise _refused(413, "too-large-unpacked",
                           f"décompressé, il dépasserait {settings.EVIDENCE_MAX_UNPACKED} "
                           "octets.",
                           f"unpacked, it would exceed {settings.EVIDENCE_MAX_UNPACKED} bytes.")
        manifest = _manifest(zf, names)
    host = manifest["host"]
    return Checked(data, manifest, str(host["hostname"]), str(manifest.get("collector", "")))


def _manifest(zf: zipfile.ZipFile, names: set[str]) -> dict[str, Any]:
    if "manifest.json" not in names:
        raise _refused(422, "manifest", "manifest.json absent.", "manifest.json missing.")
    info = zf.getinfo("manifest.json")
    if info.file_size > _MANIFEST_MAX:
        raise _refused(413, "manifest", "manifest.json trop volumineux.",
                       "manifest.json too large.")
    try:
        raw = zf.read(info)
        manifest = json.loads(raw.decode("utf-8-sig"))
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, ValueError, EOFError,
            RecursionError) as exc:
        raise _refused(422, "manifest", "manifest.json illisible (JSON UTF-8 attendu).",
                       "unreadable manifest.json (UTF-8 JSON expected).") from exc
    error = jsonschema.exceptions.best_match(_MANIFEST_VALIDATOR.iter_errors(manifest))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(racine)"
        raise _refused(422, "manifest", f"manifest.json non conforme ({where}) : "
                       f"{error.message[:200]}",
                       f"manifest.json does not follow the schema ({where}): "
                       f"{error.message[:200]}")
    assert isinstance(manifest, dict)  # the schema says object
    for item in manifest["items"]:
        for key in ("stdout", "stderr", "content"):
            member = item.get(key)
            if member and member not in names:
                raise _refused(422, "manifest", f"élément annoncé absent du zip : {member!r}.",
                               f"item listed but missing from the zip: {member!r}.")
    return manifest


def agent_of(collector: str) -> tuple[str, str]:
    """(kind, version) from a manifest's ``collector``: "dentsec-collect.ps1 1" is the
    PowerShell collector, "dentsec-collect.sh 1" the shell one, "dentsec 0.1.0" Python."""
    name, _, version = collector.strip().partition(" ")
    kind = {"dentsec-collect.ps1": "powershell", "dentsec-collect.sh": "shell",
            "dentsec": "python"}.get(name, "")
    return kind, version.strip()[:40]


def known_hostname(device: Device) -> str:
    """The host name the device reported before ("" if none yet)."""
    if device.hostname:
        return device.hostname
    if device.current_report_id is not None:
        report = Report.objects.filter(pk=device.current_report_id).first()
        if report is not None:
            return str(report.data.get("host", {}).get("hostname") or "")
    return ""


def other_host(device: Device, seen: str, expected: str) -> IngestError:
    return _refused(422, "other-host",
                    f"il vient du poste « {seen[:80]} », alors que ce jeton d'accès "
                    f"appartient au poste « {expected[:80]} » ({device.name}). Chaque poste "
                    "envoie ses propres preuves : inscrivez ce poste avec son propre jeton.",
                    f"it comes from host '{seen[:80]}', while this credential belongs to "
                    f"host '{expected[:80]}' ({device.name}). Each device sends its own "
                    "evidence: enroll that device with its own token.")


# --- the worker pool ------------------------------------------------------------------

class _Worker:
    def __init__(self) -> None:
        ctx = get_context("spawn")  # never fork a threaded web server
        self.conn, child = ctx.Pipe()
        self.proc: BaseProcess = ctx.Process(
            target=evidence_worker.serve, args=(child, settings.EVIDENCE_WORKER_MEMORY),
            daemon=True, name="dentsec-evidence")
        self.proc.start()
        child.close()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class Pool:
    """At most EVIDENCE_WORKERS evaluations at once, each in its own process, each bounded
    in time: past the limit its process is killed and another one started."""

    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(size)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()

    def run(self, data: bytes, timeout: float) -> tuple[Any, ...]:
        if not self._slots.acquire(timeout=timeout):
            raise IngestError(503, "busy", "Le serveur évalue déjà beaucoup de paquets : "
                              "l'agent réessaiera plus tard.",
                              "The server is busy evaluating bundles: the agent will retry "
                              "later.")
        try:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = _Worker()
            conn: Connection = worker.conn
            try:
                conn.send((data, None))
                ready = conn.poll(timeout)
                answer = conn.recv() if ready else None
            except (EOFError, OSError):
                worker.stop()
                raise _refused(422, "evaluation-failed", "son évaluation a épuisé la mémoire "
                               "permise.", "its evaluation ran out of allowed memory.") from None
            if answer is None:
                worker.stop()
                raise _refused(422, "evaluation-timeout", f"son évaluation a dépassé "
                               f"{timeout:g} secondes.",
                               f"its evaluation took over {timeout:g} seconds.")
            assert isinstance(answer, tuple)
            if answer[0] == "failed":
                worker.stop()  # out of memory or worse: its state is not to be trusted
            else:
                self._idle.put(worker)
            return answer
        finally:
            self._slots.release()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return


_pool_lock = threading.Lock()
_pool: Pool | None = None


def pool() -> Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool(settings.EVIDENCE_WORKERS)
        return _pool


def evaluate(data: bytes) -> tuple[bytes, int]:
    """(report JSON, milliseconds) of a checked bundle, from a worker process."""
    started = time.perf_counter()
    answer = pool().run(data, settings.EVIDENCE_TIMEOUT)
    elapsed = round((time.perf_counter() - started) * 1000)
    if answer[0] == "ok":
        return str(answer[1]).encode("utf-8"), elapsed
    if answer[0] == "refused":
        raise _refused(422, "unreadable", str(answer[1]), str(answer[2]))
    raise _refused(422, "evaluation-failed", f"son évaluation a échoué ({answer[1]}).",
                   f"its evaluation failed ({answer[1]}).")


# --- upload and re-evaluation ---------------------------------------------------------

@dataclass(frozen=True)
class Evaluated:
    stored: ingest.Stored
    evaluation_ms: int


def receive(device: Device, body: bytes, encoding: str = "",
            sent_at: datetime | None = None) -> Evaluated:
    """Check, evaluate and store one uploaded bundle of ``device``."""
    data = ingest.unpack(body, encoding, settings.EVIDENCE_MAX_BYTES, too_large)
    checked = check(data)
    expected = known_hostname(device)
    if expected and expected.casefold() != checked.hostname.casefold():
        raise other_host(device, checked.hostname, expected)
    text, elapsed = evaluate(checked.data)
    stored = ingest.store_report(device, text, sent_at=sent_at)
    kind, version = agent_of(checked.collector)
    now = timezone.now()
    updates = {"hostname": expected or checked.hostname, "agent_kind": kind,
               "agent_version": version, "evaluated_at": now, "evaluation_ms": elapsed}
    Device.objects.filter(pk=device.pk).update(**updates)
    for key, value in updates.items():
        setattr(device, key, value)
    if stored.created:
        EvidenceBundle.objects.create(
            device=device, report=stored.report, digest=hashlib.sha256(data).hexdigest(),
            collector=checked.collector[:200], received_at=now,
            expires_at=now + timedelta(days=settings.EVIDENCE_KEEP_DAYS), body=data)
    return Evaluated(stored, elapsed)


def note_agent(device: Device, data: dict[str, Any]) -> None:
    """A report sent by the Python agent: it names its version and its host."""
    tool = data.get("tool") or {}
    host = str((data.get("host") or {}).get("hostname") or "")[:255]
    updates = {"agent_kind": "python", "agent_version": str(tool.get("version", ""))[:40]}
    if not device.hostname and host:
        updates["hostname"] = host
    if any(getattr(device, key) != value for key, value in updates.items()):
        Device.objects.filter(pk=device.pk).update(**updates)  # once per new version
        for key, value in updates.items():
            setattr(device, key, value)


def top_fixes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's five fixes, as the agent prints them."""
    by_id = {f["id"]: f for f in data["findings"]}
    return [{"check": i, "status": by_id[i]["status"], "severity": by_id[i]["severity"],
             "title": by_id[i]["title"], "message": by_id[i]["message"],
             "fix": by_id[i]["remediation"]["practice"]}
            for i in data.get("top_fixes", [])[:5] if i in by_id]


@dataclass(frozen=True)
class Reevaluated:
    bundles: int
    changed: int
    refused: int


def reevaluate(now: datetime | None = None) -> Reevaluated:
    """Run every kept bundle through the current catalog again. A report whose findings
    change is rewritten in place (it keeps its dates); the device's summary and day score
    follow when it is the current report."""
    now = now or timezone.now()
    seen = changed = refused = 0
    for bundle in (EvidenceBundle.objects.filter(expires_at__gt=now, report__isnull=False)
                   .select_related("report", "device").iterator()):
        seen += 1
        try:
            text, _ = evaluate(bytes(bundle.body))
            data = ingest.parse_report(text)
        except IngestError:
            refused += 1
            continue
        report = bundle.report
        assert report is not None
        digest = hashlib.sha256(ingest.canonical(data)).hexdigest()
        if digest == report.digest:
            continue
        score = data["score"]
        failing = sorted({f["id"] for f in data["findings"] if f["status"] == "fail"})
        critical = ingest.critical_count(data)
        try:
            with transaction.atomic():
                Report.objects.filter(pk=report.pk).update(
                    digest=digest, score=score.get("overall"),
                    by_rule=score.get("by_rule", {}), critical_count=critical,
                    body=zlib.compress(text, 1))
                device = bundle.device
                if device.current_report_id == report.pk:
                    Device.objects.filter(pk=device.pk).update(
                        score=score.get("overall"), by_rule=score.get("by_rule", {}),
                        critical_count=critical, fail_count=len(failing), failing=failing)
                    history.record_day(device, report.observed_at, score, critical)
        except IntegrityError:
            refused += 1  # the device already holds this very report
            continue
        changed += 1
    return Reevaluated(seen, changed, refused)


def purge(now: datetime | None = None) -> int:
    """Delete the bundles kept past EVIDENCE_KEEP_DAYS."""
    deleted, _ = EvidenceBundle.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
