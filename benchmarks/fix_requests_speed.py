"""What fixes asked from the console cost the console (issue 16), in-process on SQLite
(or the PostgreSQL of --database-url): a report upload without fix history, with the 50
runs an agent sends at most, and with those runs answering an open request; and the
agent's GET /api/v1/agent/fix-requests for a device among many with open requests.

    .venv/bin/python benchmarks/fix_requests_speed.py [--devices 2000] [--rounds 200]
        [--database-url postgres://…]

Prints medians and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "server" / "fixtures" / \
    "report-linux.json"


def _runs(request: int | None) -> list[dict[str, Any]]:
    runs = [{"id": f"20261201T{n:06d}Z-linux-pwquality", "fix": "linux-pwquality",
             "check": "PWD-MIN-LENGTH", "status": "rolled-back", "verdict_before": "fail",
             "verdict_after": "fail", "started_at": "2026-12-01T08:00:00+00:00",
             "finished_at": "2026-12-01T08:00:09+00:00", "undone_at": None, "who": "cabinet",
             "message": "x" * 200} for n in range(50)]
    if request is not None:
        runs[-1].update(status="applied", verdict_after="pass", request=request)
    return runs


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="dentsec-bench-fixreq-")
    os.environ.update({"DENTSEC_HOME": home, "DENTSEC_SECRET_KEY": "bench-" + "k" * 40,
                       "DJANGO_SETTINGS_MODULE": "dentsec.server.settings"})
    if args.database_url:
        os.environ["DENTSEC_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DENTSEC_DATABASE_URL", None)
    from dentsec.server import setup_django

    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from dentsec.server.console import fix_requests, ingest
    from dentsec.server.console.fix_request_models import FixRequest
    from dentsec.server.console.models import Device, Practice, Provider

    call_command("migrate", verbosity=0)
    provider = Provider.objects.create(name="Bench")
    practice = Practice.objects.create(provider=provider, name="Cabinet")
    devices = Device.objects.bulk_create(
        Device(practice=practice, name=f"pc-{n}", credential_hash=f"{n:064d}",
               agent_kind="python", os_family="linux") for n in range(args.devices))
    expires = timezone.now() + timedelta(days=14)
    FixRequest.objects.bulk_create(
        FixRequest(device=d, check_id=check, fix_name="linux-pwquality",
                   requested_by_name="bench", expires_at=expires)
        for d in devices for check in ("PWD-MIN-LENGTH", "PWD-LOCKOUT"))
    base: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def upload(device: Device, n: int, history: list[dict[str, Any]] | None) -> float:
        data = copy.deepcopy(base)
        data["generated_at"] = (start + timedelta(minutes=n)).isoformat()
        if history is not None:
            data["fix_history"] = history
        body = json.dumps(data).encode()
        t0 = time.perf_counter()
        ingest.store_report(device, body)
        return time.perf_counter() - t0

    rounds = min(args.rounds, len(devices) // 3)
    for i in range(rounds):  # each device's first report (its alerts), and warm caches
        upload(devices[i], i, None)
    plain = [upload(devices[i], rounds + i, None) for i in range(rounds)]
    runs = [upload(devices[i], 3 * rounds + i, _runs(None)) for i in range(rounds)]
    answering = []
    for i in range(rounds):
        req = FixRequest.objects.filter(device=devices[i], check_id="PWD-MIN-LENGTH").get()
        answering.append(upload(devices[i], 4 * rounds + i, _runs(req.pk)))
    assert FixRequest.objects.filter(status="applied").count() == rounds
    delivered = []
    for device in devices[-rounds:]:
        t0 = time.perf_counter()
        fix_requests.deliver(device)
        delivered.append(time.perf_counter() - t0)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"fix requests on {engine}: {args.devices} devices, "
          f"{FixRequest.objects.count()} requests, {rounds} rounds")
    print(f"  report upload, no fix history:             {_ms(plain)}")
    print(f"  report upload, 50 runs, none answering:    {_ms(runs)}")
    print(f"  report upload, 50 runs, one answering:     {_ms(answering)}")
    print(f"  agent GET fix-requests (2 open, delivered): {_ms(delivered)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
