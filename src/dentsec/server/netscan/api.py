"""The agent's side of the network scan, under /api/v1/agent/ (mounted on the console's
API): ``GET scan-plan`` (what to scan, for the designated workstation only) and ``POST
scans`` (a ``dentsec.scan/1`` report, optionally gzip)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status

from dentsec.server.console.api import DeviceAuth, Problem, api
from dentsec.server.console.ingest import IngestError, too_large
from dentsec.server.netscan import store

router = Router(tags=["agent"])


class PlanOut(Schema):
    targets: list[str]
    ports: str
    allow_public: bool


class ScanStoredOut(Schema):
    id: int
    duplicate: bool
    new_hosts: list[str]
    new_ports: list[list[str]]


@router.get("/agent/scan-plan", auth=DeviceAuth(),
            response={200: PlanOut, 401: Problem, 404: Problem})
def scan_plan(request: HttpRequest) -> dict[str, Any]:
    plan = store.plan_for(request.auth)  # type: ignore[attr-defined]
    if plan is None:
        raise IngestError(404, "no-plan", "Aucun scan du réseau n'est confié à ce poste.",
                          "No network scan is assigned to this workstation.")
    return {"targets": plan.targets, "ports": plan.ports, "allow_public": plan.allow_public}


@router.post("/agent/scans", auth=DeviceAuth(),
             response={201: ScanStoredOut, 409: ScanStoredOut, 400: Problem, 401: Problem,
                       403: Problem, 413: Problem, 415: Problem, 422: Problem})
def upload_scan(request: HttpRequest) -> Status[dict[str, Any]]:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.REPORT_MAX_BYTES:
        raise too_large()
    stored = store.store_scan(request.auth, request.body,  # type: ignore[attr-defined]
                              request.META.get("HTTP_CONTENT_ENCODING", ""))
    changes = stored.scan.changes
    return Status(201 if stored.created else 409, {
        "id": stored.scan.pk, "duplicate": not stored.created,
        "new_hosts": changes.get("new_hosts", []) if stored.created else [],
        "new_ports": changes.get("new_ports", []) if stored.created else []})


api.add_router("/v1", router)
