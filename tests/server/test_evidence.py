"""POST /api/v1/agent/evidence: bundles evaluated by the server, hostile zips refused."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import stat
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from dentsec.engine import audit_evidence
from dentsec.report import json_report
from dentsec.server.console import evidence, ingest
from dentsec.server.console.models import Device, EvidenceBundle, Practice, Provider

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "evidence"
URL = "/api/v1/agent/evidence"
SERVER_SAMPLES = sorted(p.name for p in SAMPLES.iterdir()
                        if p.is_dir() and p.name.startswith(("windows-", "macos-")))


def zipped(sample: str) -> bytes:
    """The bundle as its collector writes it: manifest.json first, then items/, deflated
    (dentsec-collect.ps1's ZipArchive and host/bundle.py's write_bundle alike)."""
    root = SAMPLES / sample
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", (root / "manifest.json").read_bytes())
        for path in sorted((root / "items").iterdir()):
            zf.writestr(f"items/{path.name}", path.read_bytes())
    return buf.getvalue()


def make_zip(members: dict[str, bytes], *, link: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if link is not None:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def manifest(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / "windows-no-admin" / "manifest.json")
                                      .read_text(encoding="utf-8"))
    data.update(changes)
    return data


def windows_members(**changes: Any) -> dict[str, bytes]:
    items = SAMPLES / "windows-no-admin" / "items"
    return {"manifest.json": json.dumps(manifest(**changes)).encode(),
            "items/0001.out": (items / "0001.out").read_bytes(),
            "items/0001.err": b""}


@pytest.fixture
def device() -> tuple[Device, str]:
    provider = Provider.objects.create(name="Prestataire")
    practice = Practice.objects.create(provider=provider, name="Cabinet Martin")
    _, token = ingest.create_token(practice, by=None, max_uses=10)
    done = ingest.enroll(token, "poste-accueil")
    return done.device, done.credential


def post(client: Client, credential: str, body: bytes, **headers: Any) -> Any:
    headers.setdefault("content_type", "application/zip")
    return client.post(URL, data=body, HTTP_AUTHORIZATION=f"Bearer {credential}", **headers)


def findings_of(data: dict[str, Any]) -> list[tuple[str, str, str, list[str]]]:
    return [(f["id"], f["status"], f["message"], f["evidence"]) for f in data["findings"]]


@pytest.mark.parametrize("sample", SERVER_SAMPLES)
def test_sample_bundle_gives_the_findings_of_audit_evidence(
        client: Client, device: tuple[Device, str], sample: str, tmp_path: Path) -> None:
    dev, credential = device
    body = zipped(sample)
    bundle = tmp_path / f"{sample}.zip"
    bundle.write_bytes(body)
    local = json_report.to_dict(audit_evidence(bundle), "fr")

    response = post(client, credential, body)

    assert response.status_code == 201, response.content
    answer = response.json()
    stored = dev.reports.get()
    assert findings_of(stored.data) == findings_of(local)
    assert answer["score"] == local["score"]["overall"] == stored.score
    assert [f["check"] for f in answer["fixes"]] == local["top_fixes"]
    assert len(answer["fixes"]) <= 5 and all(f["fix"] for f in answer["fixes"])
    dev.refresh_from_db()
    assert dev.current_report_id == stored.pk
    assert dev.agent_kind == ("powershell" if sample.startswith("windows") else "python")
    assert dev.agent_version and dev.evaluated_at is not None
    assert dev.evaluation_ms is not None and dev.evaluation_ms >= 0
    kept = EvidenceBundle.objects.get(device=dev)
    assert bytes(kept.body) == body and kept.report_id == stored.pk
    assert kept.expires_at > timezone.now() + timedelta(days=29)

    again = post(client, credential, body)
    assert again.status_code == 409 and again.json()["duplicate"] is True
    assert dev.reports.count() == 1 and EvidenceBundle.objects.count() == 1


def test_gzip_upload_is_evaluated(client: Client, device: tuple[Device, str]) -> None:
    dev, credential = device
    response = post(client, credential, gzip.compress(zipped("windows-no-admin")),
                    HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 201, response.content


def _refusal(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["fr"].startswith(("Paquet de preuves refusé", "Type de contenu", "Longueur"))
    text: str = body["fr"]
    return text


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest()))
        with zf.open("items/0001.out", "w") as out:
            for _ in range(100):
                out.write(b"\0" * (1024 * 1024))
    return buf.getvalue()


def _many(count: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest()))
        for n in range(count):
            zf.writestr(f"items/{n:06d}", b"")
    return buf.getvalue()


HOSTILE = {
    "bomb": (_bomb, 413, "too-large-unpacked"),
    "traversal": (lambda: make_zip({**windows_members(), "../../etc/cron.d/x": b"x"}),
                  422, "bad-path"),
    "absolute": (lambda: make_zip({**windows_members(), "/etc/passwd": b"x"}), 422, "bad-path"),
    "backslash": (lambda: make_zip({**windows_members(), "items\\..\\..\\x": b"x"}),
                  422, "bad-path"),
    "drive": (lambda: make_zip({**windows_members(), "C:/Windows/x": b"x"}), 422, "bad-path"),
    "symlink": (lambda: make_zip(windows_members(), link="items/0002.txt"), 422, "symlink"),
    "not a zip": (lambda: b"PK\x03\x04 not really", 400, "not-zip"),
    "no manifest": (lambda: make_zip({"items/0001.out": b"{}"}), 422, "manifest"),
    "manifest not json": (lambda: make_zip({"manifest.json": b"{\xff"}), 422, "manifest"),
    "wrong schema": (lambda: make_zip(windows_members(schema="dentsec.evidence/9")),
                     422, "manifest"),
    "unknown system": (lambda: make_zip(windows_members(
        host={"os_family": "amiga", "hostname": "x"})), 422, "manifest"),
    "items not a list": (lambda: make_zip(windows_members(items={"a": 1})), 422, "manifest"),
    "unknown item kind": (lambda: make_zip(windows_members(items=[{"kind": "registry"}])),
                          422, "manifest"),
    "member missing": (lambda: make_zip({"manifest.json": json.dumps(manifest()).encode()}),
                       422, "manifest"),
    "100,000 entries": (lambda: _many(100_000), 413, "too-large"),
    "damaged member": (lambda: make_zip({**windows_members(), "items/0001.out": b"\xff\xfe{"}),
                       422, "unreadable"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_zip_is_refused_and_changes_nothing(client: Client, device: tuple[Device, str],
                                                    name: str) -> None:
    dev, credential = device
    build, status, code = HOSTILE[name]
    _refusal(post(client, credential, build()), status, code)
    assert dev.reports.count() == 0 and EvidenceBundle.objects.count() == 0
    dev.refresh_from_db()
    assert dev.current_report_id is None and dev.agent_kind == ""


def test_100000_entries_are_refused_by_count_when_the_size_would_pass(
        client: Client, device: tuple[Device, str], settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024
    _refusal(post(client, credential=device[1], body=_many(100_000)), 413, "too-many-items")


def test_gzip_bomb_is_refused(client: Client, device: tuple[Device, str]) -> None:
    body = gzip.compress(b"\0" * (64 * 1024 * 1024))
    _refusal(post(client, device[1], body, HTTP_CONTENT_ENCODING="gzip"), 413, "too-large")


def test_lying_member_size_is_refused(client: Client, device: tuple[Device, str]) -> None:
    """A member whose directory entry understates its size (a classic bomb) fails its
    length/CRC check in the worker: refused, never unpacked past what was declared."""
    body = bytearray(make_zip(windows_members()))
    name = b"items/0001.out"
    at = body.index(b"PK\x01\x02")  # central directory records: name at +46, size at +24
    while body[at + 46:at + 46 + len(name)] != name:
        at = body.index(b"PK\x01\x02", at + 4)
    body[at + 24:at + 28] = (10).to_bytes(4, "little")
    _refusal(post(client, device[1], bytes(body)), 422, "unreadable")


def test_other_hosts_bundle_is_refused_in_french(client: Client,
                                                 device: tuple[Device, str]) -> None:
    dev, credential = device
    assert post(client, credential, zipped("windows-no-admin")).status_code == 201
    text = _refusal(post(client, credential, zipped("windows-wellkept-win11")), 422,
                    "other-host")
    assert "« CAB-LEFEVRE-01 »" in text and "« PC-SALLE2 »" in text
    assert dev.reports.count() == 1


def test_host_of_an_earlier_python_report_is_the_devices(client: Client,
                                                         device: tuple[Device, str],
                                                         make_report: Any) -> None:
    dev, credential = device
    ingest.store_report(dev, make_report())
    dev.refresh_from_db()
    _refusal(post(client, credential, zipped("macos-wellkept")), 422, "other-host")


def test_wrong_media_type_and_credentials(client: Client, device: tuple[Device, str]) -> None:
    dev, credential = device
    body = zipped("windows-no-admin")
    _refusal(post(client, credential, body, content_type="application/json"), 415,
             "media-type")
    assert client.post(URL, data=body, content_type="application/zip").status_code == 401
    assert post(client, "dsd_unknown", body).status_code == 401
    Device.objects.filter(pk=dev.pk).update(revoked_at=timezone.now())
    assert post(client, credential, body).json()["code"] == "device-revoked"


def test_evaluation_past_its_time_limit_is_refused_then_the_next_works(
        client: Client, device: tuple[Device, str], settings: Any) -> None:
    dev, credential = device
    settings.EVIDENCE_TIMEOUT = 0.000001
    _refusal(post(client, credential, zipped("windows-no-admin")), 422, "evaluation-timeout")
    settings.EVIDENCE_TIMEOUT = 20
    assert post(client, credential, zipped("windows-no-admin")).status_code == 201


def test_reevaluation_applies_the_current_catalog(client: Client,
                                                  device: tuple[Device, str]) -> None:
    dev, credential = device
    assert post(client, credential, zipped("windows-unmanaged-win10")).status_code == 201
    report = dev.reports.get()
    right = report.score
    # As if the report had been evaluated by an older catalog.
    type(report).objects.filter(pk=report.pk).update(score=99, digest="0" * 64)
    Device.objects.filter(pk=dev.pk).update(score=99)
    out = io.StringIO()
    call_command("reevaluate_evidence", stdout=out)
    assert "1 paquet(s) réévalué(s), 1 rapport(s) modifié(s)" in out.getvalue()
    report.refresh_from_db()
    dev.refresh_from_db()
    assert report.score == right == dev.score
    assert report.data["findings"]


def test_expired_bundles_are_purged_by_the_sweep(client: Client,
                                                 device: tuple[Device, str]) -> None:
    from dentsec.server.console import sweep

    assert post(client, device[1], zipped("windows-no-admin")).status_code == 201
    later = timezone.now() + timedelta(days=31)
    assert sweep.run(later).bundles_purged == 1
    assert EvidenceBundle.objects.count() == 0
    assert device[0].reports.count() == 1  # the report stays


def test_sample_manifests_follow_the_manifest_schema() -> None:
    for sample in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        checked = evidence.check(zipped(sample.name))
        assert checked.hostname


@pytest.mark.parametrize(("collector", "agent"), [
    ("dentsec-collect.ps1 1", ("powershell", "1")), ("dentsec 0.1.0", ("python", "0.1.0")),
    ("dentsec-collect.sh 2", ("shell", "2")), ("autre chose", ("", "chose"))])
def test_agent_of(collector: str, agent: tuple[str, str]) -> None:
    assert evidence.agent_of(collector) == agent


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_device_pages_show_the_agent_and_the_evaluation(client: Client, tenants: dict[str, Any],
                                                        lang: str) -> None:
    from .conftest import login_client

    a = tenants["a"]
    Device.objects.filter(pk=a["device_staff"].pk).update(hostname="PC-SALLE2")
    assert post(client, a["credential"], zipped("windows-no-admin")).status_code == 201
    login_client(client, a["lead"])
    client.post("/i18n/setlang/", {"language": lang, "next": "/"})
    page = client.get(f"/poste/{a['device_staff'].pk}/").content.decode()
    listing = client.get("/postes/").content.decode()
    if lang == "fr":
        assert "agent PowerShell 1 · preuves évaluées par la console le" in page
        assert "agent PowerShell 1" in listing and "évalué le" in listing
    else:
        assert "PowerShell agent 1 · evidence evaluated by the console on" in page
        assert "PowerShell agent 1" in listing
    assert " ms)" in page


@given(st.binary(max_size=2000))
@hyp_settings(max_examples=200, deadline=None)
def test_check_of_any_bytes_is_a_bundle_or_a_4xx(data: bytes) -> None:
    try:
        evidence.check(data)
    except ingest.IngestError as exc:
        assert 400 <= exc.status < 500 and exc.fr


_names = st.text(st.sampled_from("ab./\\:.-_ \x00é"), min_size=0, max_size=12)


@given(st.dictionaries(_names, st.binary(max_size=50), max_size=6),
       st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["schema", "host", "items", "kind",
                                                       "hostname", "os_family", "argv",
                                                       "stdout", "content", "path"]),
                                      inner, max_size=4), max_leaves=12))
@hyp_settings(max_examples=200, deadline=None)
def test_check_of_any_zip_is_a_bundle_or_a_4xx(members: dict[str, bytes], manifest: Any) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            if name and name != "manifest.json":
                zf.writestr(zipfile.ZipInfo(name), data)
    try:
        checked = evidence.check(buf.getvalue())
    except ingest.IngestError as exc:
        assert 400 <= exc.status < 500 and exc.fr
    else:
        assert checked.hostname


def test_an_evaluation_past_its_memory_limit_is_refused_then_the_next_works(
        client: Client, device: tuple[Device, str], settings: Any) -> None:
    """The worker's address space is bounded: a worker that cannot get the memory it asks
    for dies, the upload is a 4xx, and a fresh worker takes the next bundle."""
    evidence.pool().close()
    settings.EVIDENCE_WORKER_MEMORY = 64 * 1024 * 1024  # less than Python and the engine need
    _refusal(post(client, device[1], zipped("windows-no-admin")), 422, "evaluation-failed")
    settings.EVIDENCE_WORKER_MEMORY = 1536 * 1024 * 1024
    assert post(client, device[1], zipped("windows-no-admin")).status_code == 201


def test_python_agent_reports_name_their_agent_and_host(client: Client,
                                                        device: tuple[Device, str],
                                                        make_report: Any) -> None:
    dev, credential = device
    response = client.post("/api/v1/agent/reports", data=make_report(),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {credential}")
    assert response.status_code == 201
    dev.refresh_from_db()
    assert (dev.agent_kind, dev.hostname) == ("python", "poste-accueil")
    assert dev.agent_version and dev.evaluated_at is None
    _refusal(post(client, credential, zipped("windows-no-admin")), 422, "other-host")


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP's zip is not installed")
def test_bundle_zipped_by_info_zip_with_folder_entries_is_accepted(
        client: Client, device: tuple[Device, str], tmp_path: Path) -> None:
    """`zip -r` (and macOS's ditto) write an entry for the items/ folder itself."""
    out = tmp_path / "poste.zip"
    subprocess.run(["zip", "-qr", str(out), "manifest.json", "items"],
                   cwd=SAMPLES / "windows-no-admin", check=True)
    with zipfile.ZipFile(out) as zf:
        assert "items/" in zf.namelist()
    assert post(client, device[1], out.read_bytes()).status_code == 201
