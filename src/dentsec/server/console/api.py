"""The HTTP API under /api/ (django-ninja; OpenAPI at /api/openapi.json, docs at /api/docs).

Agents: ``POST /api/v1/enroll`` (enrollment token → device credential) and
``POST /api/v1/agent/reports`` (bearer credential, the report JSON as body),
``POST /api/v1/agent/evidence`` (the same credential, a zip evidence bundle evaluated here).
People: read-only views of their tenant plus token management, with the session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Path, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from dentsec import __version__
from dentsec.server.console import audit, evidence, ingest, tenancy
from dentsec.server.console.models import Device, EnrollmentToken, Profile, revoke

Id = Annotated[int, Path(ge=1, le=2**53)]

api = NinjaAPI(title="dentsec", version=__version__, urls_namespace="api",
               description="Console du cabinet : inscription des postes, rapports, tableau de "
                           "bord. / Practice console: device enrollment, reports, dashboard.")


# --- errors: always JSON, always both languages ---------------------------------------

def _error(status: int, code: str, fr: str, en: str) -> JsonResponse:
    lang = get_language() or "fr"
    return JsonResponse({"code": code, "detail": en if lang.startswith("en") else fr,
                         "fr": fr, "en": en}, status=status)


@api.exception_handler(ingest.IngestError)
def _ingest_error(request: HttpRequest, exc: ingest.IngestError) -> HttpResponse:
    return _error(exc.status, exc.code, exc.fr, exc.en)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(401, "unauthorized", "Authentification requise.", "Authentication required.")


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    response = _error(422, "invalid", "Requête invalide.", "Invalid request.")
    return response


# --- authentication -------------------------------------------------------------------

class DeviceAuth(HttpBearer):
    """The per-device credential obtained at enrollment."""

    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        return ingest.device_for(token)


class ProfileAuth(SessionAuth):
    """A signed-in person (second factor already checked by the middleware)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Profile | None:
        return tenancy.profile_of(request.user)


def _profile(request: HttpRequest) -> Profile:
    profile = request.auth  # type: ignore[attr-defined]
    assert isinstance(profile, Profile)
    return profile


# --- schemas --------------------------------------------------------------------------

class EnrollIn(Schema):
    token: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=255, description="Nom du poste / device name")


class EnrollOut(Schema):
    device_id: int
    practice: str
    credential: str


class Problem(Schema):
    code: str
    detail: str
    fr: str
    en: str


class StoredOut(Schema):
    id: int
    duplicate: bool


class DeviceOut(Schema):
    id: int
    practice_id: int
    name: str
    last_seen: datetime | None
    clock_offset: int | None
    revoked_at: datetime | None
    os_family: str
    os_name: str
    os_version: str
    os_eol: date | None
    score: int | None
    by_rule: dict[str, int | None]
    critical_count: int


class PracticeOut(Schema):
    id: int
    name: str


class ReportSummary(Schema):
    id: int
    device_id: int
    generated_at: datetime
    received_at: datetime
    observed_at: datetime
    clock_offset: int | None
    score: int | None
    critical_count: int


class ReportOut(ReportSummary):
    report: dict[str, Any]


class TokenIn(Schema):
    days: int = Field(7, ge=1, le=90)
    max_uses: int = Field(1, ge=1, le=100)


class TokenOut(Schema):
    id: int
    practice_id: int
    hint: str
    expires_at: datetime
    revoked: bool
    uses: int
    max_uses: int


class NewTokenOut(TokenOut):
    token: str


class AlertOut(Schema):
    id: int
    device_id: int
    kind: str
    created_at: datetime
    resolved: bool


def _token_out(t: EnrollmentToken) -> dict[str, Any]:
    return {"id": t.pk, "practice_id": t.practice_id, "hint": t.hint,
            "expires_at": t.expires_at, "revoked": t.revoked_at is not None,
            "uses": t.uses, "max_uses": t.max_uses}


# --- agents ---------------------------------------------------------------------------

agent_router = Router(tags=["agent"])

REPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "type": "object",
            "description": "Sortie de `dentsec audit --format json` "
                           "(schéma dentsec.report/1, src/dentsec/report/schema).",
        }}},
    }
}


@agent_router.post("/enroll", auth=None, response={201: EnrollOut, 403: Problem, 422: Problem})
def enroll(request: HttpRequest, payload: EnrollIn) -> Status[dict[str, Any]]:
    done = ingest.enroll(payload.token, payload.name, audit.client_ip(request))
    return Status(201, {"device_id": done.device.pk, "practice": done.device.practice.name,
                        "credential": done.credential})


@agent_router.post("/agent/reports", auth=DeviceAuth(),
                   response={201: StoredOut, 409: StoredOut, 400: Problem, 401: Problem,
                             403: Problem, 411: Problem, 413: Problem, 415: Problem,
                             422: Problem},
                   openapi_extra=REPORT_BODY)
def upload_report(request: HttpRequest) -> Status[dict[str, Any]]:
    device = request.auth  # type: ignore[attr-defined]
    _check_length(request, settings.REPORT_MAX_BYTES, ingest.too_large)
    stored = ingest.store_report(device, request.body,
                                 request.META.get("HTTP_CONTENT_ENCODING", ""),
                                 sent_at=_sent_at(request))
    if stored.created:
        evidence.note_agent(device, stored.report.data)
    # A replay is refused with 409 and changes nothing; the agent counts it as delivered.
    return Status(201 if stored.created else 409, {"id": stored.report.pk,
                                                   "duplicate": not stored.created})


def _check_length(request: HttpRequest, limit: int,
                  too_big: Callable[[], ingest.IngestError]) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        # Chunked, or no length at all: WSGI would hand over an empty body.
        raise ingest.IngestError(
            411, "length-required", "Longueur de l'envoi manquante : envoyez-le avec un "
            "en-tête Content-Length (pas en transfert par morceaux).",
            "Upload length missing: send it with a Content-Length header (not chunked).",
        ) from None
    if length > limit:
        raise too_big()


def _sent_at(request: HttpRequest) -> datetime | None:
    """The agent's clock, from its HTTP Date header (see ingest.observed_time)."""
    sent = parse_http_date_safe(request.META.get("HTTP_DATE", ""))
    return datetime.fromtimestamp(sent, UTC) if sent else None


# --- evidence bundles evaluated by the server (issue 19) ------------------------------

EVIDENCE_BODY = {
    "requestBody": {
        "required": True,
        "content": {evidence.MEDIA_TYPE: {"schema": {
            "type": "string", "format": "binary",
            "description": "Paquet de preuves zip (manifest.json schéma dentsec.evidence/1 "
                           "+ items/), tel que l'écrivent dentsec-collect.ps1, "
                           "dentsec-collect.sh ou `dentsec collect`. Content-Encoding: gzip "
                           "accepté. / Zip evidence bundle as the collectors write it.",
        }}},
    }
}


class FixOut(Schema):
    check: str
    status: str
    severity: str
    title: str
    message: str
    fix: str


class EvaluatedOut(Schema):
    id: int
    duplicate: bool
    score: int | None
    critical_count: int
    evaluation_ms: int
    fixes: list[FixOut]


@agent_router.post("/agent/evidence", auth=DeviceAuth(),
                   response={201: EvaluatedOut, 409: EvaluatedOut, 400: Problem,
                             401: Problem, 403: Problem, 411: Problem, 413: Problem,
                             415: Problem, 422: Problem, 503: Problem},
                   openapi_extra=EVIDENCE_BODY)
def upload_evidence(request: HttpRequest) -> Status[dict[str, Any]]:
    device = request.auth  # type: ignore[attr-defined]
    _check_length(request, settings.EVIDENCE_MAX_BYTES, evidence.too_large)
    media = request.META.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if media != evidence.MEDIA_TYPE:
        raise ingest.IngestError(415, "media-type", "Type de contenu attendu : "
                                 "application/zip (un paquet de preuves).",
                                 "Expected content type: application/zip (an evidence bundle).")
    done = evidence.receive(device, request.body, request.META.get("HTTP_CONTENT_ENCODING", ""),
                            sent_at=_sent_at(request))
    report = done.stored.report
    return Status(201 if done.stored.created else 409, {
        "id": report.pk, "duplicate": not done.stored.created, "score": report.score,
        "critical_count": report.critical_count, "evaluation_ms": done.evaluation_ms,
        "fixes": evidence.top_fixes(report.data)})


@agent_router.get("/agent/me", auth=DeviceAuth(), response={200: DeviceOut, 401: Problem,
                                                             403: Problem})
def agent_me(request: HttpRequest) -> Device:
    device: Device = request.auth  # type: ignore[attr-defined]
    return device


class FixRequestOut(Schema):
    id: int = Field(description="À recopier dans l'historique du correctif qui y répond / "
                                "copied into the fix run that answers it (fix_history[].request)")
    check: str
    fix: str = Field(description="Correctif du catalogue / the catalog's fix")
    requested_by: str
    requested_at: datetime
    expires_at: datetime


class FixRequestsOut(Schema):
    requests: list[FixRequestOut] = Field(
        description="Corrections demandées depuis la console, à faire confirmer par la "
                    "personne au poste (dentsec fix --requests) / fixes asked from the "
                    "console, for the person at the workstation to confirm")
    withdrawn: list[int] = Field(
        description="Demandes déjà reçues puis annulées ou expirées : à oublier / requests "
                    "received earlier then cancelled or expired: drop them")


@agent_router.get("/agent/fix-requests", auth=DeviceAuth(),
                  response={200: FixRequestsOut, 401: Problem, 403: Problem})
def agent_fix_requests(request: HttpRequest) -> dict[str, Any]:
    """Corrections demandées depuis la console : l'agent les garde, la personne au poste
    les accepte ou les refuse, la réponse revient dans fix_history du rapport suivant. /
    Fixes asked from the console: the agent keeps them, the person at the workstation
    accepts or refuses, the answer comes back in the next report's fix_history."""
    from dentsec.server.console import fix_requests

    device: Device = request.auth  # type: ignore[attr-defined]
    handed, withdrawn = fix_requests.deliver(device)
    for item in handed:
        if item["delivered_now"]:
            audit.record("fix-request.deliver", request=request, device=device,
                         target=f"{item['check']} #{item['id']}")
    return {"requests": handed, "withdrawn": withdrawn}


# --- people ---------------------------------------------------------------------------

people_router = Router(tags=["console"], auth=ProfileAuth())


@people_router.get("/practices", response=list[PracticeOut])
def list_practices(request: HttpRequest) -> Any:
    return tenancy.practices(_profile(request)).order_by("name")[:1000]


@people_router.get("/practices/{practice_id}", response={200: PracticeOut, 404: Problem})
def get_practice(request: HttpRequest, practice_id: Id) -> Any:
    return tenancy.get_or_404(tenancy.practices(_profile(request)), practice_id)


@people_router.get("/practices/{practice_id}/devices", response={200: list[DeviceOut],
                                                                   404: Problem})
def practice_devices(request: HttpRequest, practice_id: Id) -> Any:
    profile = _profile(request)
    practice = tenancy.get_or_404(tenancy.practices(profile), practice_id)
    return tenancy.devices(profile).filter(practice=practice)


@people_router.get("/devices", response=list[DeviceOut])
def list_devices(request: HttpRequest) -> Any:
    return tenancy.devices(_profile(request)).order_by("name")[:5000]


@people_router.get("/devices/{device_id}", response={200: DeviceOut, 404: Problem})
def get_device(request: HttpRequest, device_id: Id) -> Any:
    return tenancy.get_or_404(tenancy.devices(_profile(request)), device_id)


@people_router.get("/devices/{device_id}/reports", response={200: list[ReportSummary],
                                                               404: Problem})
def device_reports(request: HttpRequest, device_id: Id) -> Any:
    device = tenancy.get_or_404(tenancy.devices(_profile(request)), device_id)
    return device.reports.defer("body")[:200]


@people_router.get("/reports/{report_id}", response={200: ReportOut, 404: Problem})
def get_report(request: HttpRequest, report_id: Id) -> Any:
    report = tenancy.get_or_404(tenancy.reports(_profile(request)), report_id)
    return {"id": report.pk, "device_id": report.device_id,
            "generated_at": report.generated_at, "received_at": report.received_at,
            "observed_at": report.observed_at, "clock_offset": report.clock_offset,
            "score": report.score, "critical_count": report.critical_count,
            "report": report.data}


@people_router.get("/practices/{practice_id}/tokens", response={200: list[TokenOut],
                                                                  404: Problem})
def list_tokens(request: HttpRequest, practice_id: Id) -> Any:
    profile = _profile(request)
    if not tenancy.can_manage(profile):
        raise HttpError(404, "not found")
    practice = tenancy.get_or_404(tenancy.practices(profile), practice_id)
    return [_token_out(t) for t in practice.tokens.all()[:200]]


@people_router.post("/practices/{practice_id}/tokens", response={201: NewTokenOut,
                                                                   404: Problem})
def create_token(request: HttpRequest, practice_id: Id, payload: TokenIn) -> Any:
    profile = _profile(request)
    if not tenancy.can_manage(profile):
        raise HttpError(404, "not found")
    practice = tenancy.get_or_404(tenancy.practices(profile), practice_id)
    by = request.user if isinstance(request.user, User) else None
    token, clear = ingest.create_token(practice, by=by, days=payload.days,
                                       max_uses=payload.max_uses)
    audit.record("token.create", request=request, practice=practice, target=token.hint)
    return Status(201, {**_token_out(token), "token": clear})


@people_router.post("/tokens/{token_id}/revoke", response={200: TokenOut, 404: Problem})
def revoke_token(request: HttpRequest, token_id: Id) -> Any:
    profile = _profile(request)
    token = tenancy.get_or_404(tenancy.tokens(profile), token_id)
    if revoke(token):
        audit.record("token.revoke", request=request, practice=token.practice,
                     target=token.hint)
    return _token_out(token)


@people_router.get("/alerts", response=list[AlertOut])
def list_alerts(request: HttpRequest) -> Any:
    return [{"id": a.pk, "device_id": a.device_id, "kind": a.kind,
             "created_at": a.created_at, "resolved": a.resolved_at is not None}
            for a in tenancy.alerts(_profile(request))[:500]]


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 404:
        return _error(404, "not-found", "Introuvable.", "Not found.")
    return _error(exc.status_code, "error", str(exc), str(exc))


api.add_router("/v1", agent_router)
api.add_router("/v1", people_router)

# --- procedures (issue 14): their routes live in procedure_api --------------------------
from dentsec.server.console import procedure_api  # noqa: E402

api.add_router("/v1", procedure_api.router)
api.add_router("/v1", procedure_api.agent_router)
