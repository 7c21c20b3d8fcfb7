"""Enrollment and report upload through the HTTP API."""

from __future__ import annotations

import gzip
import json
import time
import zlib
from typing import Any

import pytest
from django.test import Client
from django.utils.http import http_date

from dentsec.server.console import ingest
from dentsec.server.console.models import AuditEvent, Device, Practice, Provider, Report

from .conftest import days_ago, report_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice() -> Practice:
    provider = Provider.objects.create(name="P")
    return Practice.objects.create(provider=provider, name="Cabinet")


def _enroll(client: Client, practice: Practice, **kw: Any) -> dict[str, Any]:
    _, token = ingest.create_token(practice, by=None, **kw)
    response = client.post("/api/v1/enroll", {"token": token, "name": "poste-accueil"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def _upload(client: Client, credential: str, body: bytes, encoding: str | None = None) -> Any:
    extra = {"HTTP_CONTENT_ENCODING": encoding} if encoding else {}
    # The agent's clock, as it sends it (see ingest.observed_time)
    return client.post("/api/v1/agent/reports", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {credential}",
                       HTTP_DATE=http_date(time.time()), **extra)


def test_enroll_gives_a_credential_stored_only_as_a_digest(client: Client,
                                                           practice: Practice) -> None:
    body = _enroll(client, practice)
    device = Device.objects.get(pk=body["device_id"])
    assert body["credential"].startswith("dsd_")
    assert body["credential"] not in device.credential_hash
    assert device.credential_hash == ingest.credentials.digest(body["credential"])
    assert AuditEvent.objects.filter(action="device.enroll", device=device).exists()


def test_token_is_single_use_by_default(client: Client, practice: Practice) -> None:
    _, token = ingest.create_token(practice, by=None)
    first = client.post("/api/v1/enroll", {"token": token, "name": "a"},
                        content_type="application/json")
    again = client.post("/api/v1/enroll", {"token": token, "name": "b"},
                        content_type="application/json")
    assert first.status_code == 201
    assert again.status_code == 403
    assert again.json()["code"] == "token-refused"
    assert Device.objects.count() == 1


def test_expired_and_revoked_tokens_are_refused(client: Client, practice: Practice) -> None:
    token, clear = ingest.create_token(practice, by=None, max_uses=10)
    token.expires_at = days_ago(1)
    token.save()
    assert client.post("/api/v1/enroll", {"token": clear, "name": "a"},
                       content_type="application/json").status_code == 403
    token2, clear2 = ingest.create_token(practice, by=None, max_uses=10)
    token2.revoked_at = days_ago(0)
    token2.save()
    assert client.post("/api/v1/enroll", {"token": clear2, "name": "a"},
                       content_type="application/json").status_code == 403
    assert not Device.objects.exists()


def test_report_is_stored_once_and_summarised_on_the_device(client: Client,
                                                            practice: Practice) -> None:
    cred = _enroll(client, practice)["credential"]
    body = report_bytes(at=days_ago(1))
    first = _upload(client, cred, body)
    assert first.status_code == 201, first.content
    replay = _upload(client, cred, body)
    assert replay.status_code == 409
    assert replay.json() == {"id": first.json()["id"], "duplicate": True}
    # Same content, different key order and spacing: still the same report.
    reordered = json.dumps(json.loads(body), indent=3, sort_keys=True).encode()
    assert _upload(client, cred, reordered).status_code == 409
    assert Report.objects.count() == 1
    device = Device.objects.get()
    assert device.score == 48 and device.critical_count == 2
    assert device.os_name.startswith("Windows 10") and str(device.os_eol) == "2025-10-14"


@pytest.mark.parametrize("body,status,code", [
    (b"{not json", 400, "not-json"),
    (b"[]", 422, "schema"),
    (json.dumps({"schema": "dentsec.report/1"}).encode(), 422, "schema"),
    (report_bytes(lang="de"), 422, "schema"),
    (report_bytes(generated_at="yesterday"), 422, "schema"),
    (report_bytes(extra="x"), 422, "schema"),
])
def test_malformed_reports_are_refused_and_change_nothing(
        client: Client, practice: Practice, body: bytes, status: int, code: str) -> None:
    cred = _enroll(client, practice)["credential"]
    response = _upload(client, cred, body)
    assert response.status_code == status
    payload = response.json()
    assert payload["code"] == code and payload["fr"] and payload["en"]
    assert not Report.objects.exists()
    assert Device.objects.get().last_seen is None


def test_oversized_report_is_refused(client: Client, practice: Practice,
                                     settings: Any) -> None:
    cred = _enroll(client, practice)["credential"]
    settings.REPORT_MAX_BYTES = 2000
    response = _upload(client, cred, report_bytes())
    assert response.status_code == 413
    assert response.json()["code"] == "too-large"
    assert not Report.objects.exists()


def test_gzip_upload_is_kept_as_received_and_matches_its_plain_copy(
        client: Client, practice: Practice) -> None:
    cred = _enroll(client, practice)["credential"]
    body = report_bytes(at=days_ago(1))
    packed = gzip.compress(body, mtime=0)
    assert _upload(client, cred, packed, "gzip").status_code == 201
    report = Report.objects.get()
    assert bytes(report.body) == packed
    report.refresh_from_db()
    assert report.data == json.loads(body)
    # the same report sent plain (a server-side zlib copy) is the same report
    assert _upload(client, cred, body).status_code == 409
    assert Device.objects.get().score == 48


def test_plain_upload_is_stored_zlib_compressed(client: Client, practice: Practice) -> None:
    cred = _enroll(client, practice)["credential"]
    body = report_bytes()
    assert _upload(client, cred, body, "identity").status_code == 201
    assert zlib.decompress(Report.objects.get().body) == body


def _bomb(size: int) -> bytes:
    return gzip.compress(b" " * size, mtime=0)


@pytest.mark.parametrize("body,encoding,status,code", [
    (b"not gzip at all", "gzip", 400, "not-gzip"),
    (gzip.compress(report_bytes(), mtime=0)[:-12], "gzip", 400, "not-gzip"),  # truncated
    (gzip.compress(report_bytes(), mtime=0) + b"more", "gzip", 400, "not-gzip"),
    (gzip.compress(report_bytes(), mtime=0) * 2, "gzip", 400, "not-gzip"),  # two members
    (zlib.compress(report_bytes()), "gzip", 400, "not-gzip"),  # zlib is not gzip
    (_bomb(50_000_000), "gzip", 413, "too-large"),  # 48 kB that inflate to 50 MB
    (gzip.compress(b"[]"), "gzip", 422, "schema"),
    (report_bytes(), "br", 415, "encoding"),
    (report_bytes(), "gzip, deflate", 415, "encoding"),
])
def test_bad_compressed_uploads_are_refused_and_change_nothing(
        client: Client, practice: Practice, body: bytes, encoding: str, status: int,
        code: str) -> None:
    cred = _enroll(client, practice)["credential"]
    response = _upload(client, cred, body, encoding)
    assert response.status_code == status, response.content
    payload = response.json()
    assert payload["code"] == code and payload["fr"] and payload["en"]
    assert not Report.objects.exists()
    assert Device.objects.get().last_seen is None


@pytest.mark.parametrize("auth", ["", "Bearer nope", "Bearer dsd_unknown", "Basic abc"])
def test_upload_needs_a_valid_credential(client: Client, auth: str) -> None:
    extra = {"HTTP_AUTHORIZATION": auth} if auth else {}
    response = client.post("/api/v1/agent/reports", report_bytes(),
                           content_type="application/json", **extra)
    assert response.status_code == 401
    assert not Report.objects.exists()


def test_revoked_device_cannot_upload(client: Client, practice: Practice) -> None:
    body = _enroll(client, practice)
    Device.objects.filter(pk=body["device_id"]).update(revoked_at=days_ago(0))
    response = _upload(client, body["credential"], report_bytes())
    assert response.status_code == 403
    assert response.json()["code"] == "device-revoked"
    assert "révoqué" in response.json()["fr"]
    assert not Report.objects.exists()


def test_older_report_does_not_replace_the_device_summary(client: Client,
                                                          practice: Practice) -> None:
    cred = _enroll(client, practice)["credential"]
    assert _upload(client, cred, report_bytes("report-linux.json",
                                              at=days_ago(1))).status_code == 201
    assert _upload(client, cred, report_bytes(at=days_ago(5))).status_code == 201
    device = Device.objects.get()
    assert device.score == 92 and device.os_family == "linux"
    assert device.reports.count() == 2
    assert device.current_report == device.reports.get(score=92)


def test_agent_me(client: Client, practice: Practice) -> None:
    cred = _enroll(client, practice)["credential"]
    response = client.get("/api/v1/agent/me", HTTP_AUTHORIZATION=f"Bearer {cred}")
    assert response.status_code == 200
    assert response.json()["name"] == "poste-accueil"


def test_fixtures_follow_the_report_schema() -> None:
    for name in ("report-windows.json", "report-linux.json"):
        ingest.parse_report(report_bytes(name))
