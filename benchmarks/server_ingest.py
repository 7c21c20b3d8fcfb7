"""Practice console throughput, on the production set-up: gunicorn on 127.0.0.1 in front of
PostgreSQL (or SQLite when no PostgreSQL URL is given).

Prints reports/s and p50/p95 upload latency from concurrent agents, and the p95 of the
provider overview with 1,000 practices / 10,000 devices seeded. With ``--mode evidence``
the agents upload evidence bundles (samples/evidence/windows-unmanaged-win10, zipped as
dentsec-collect.ps1 writes it) that the server evaluates: bundles evaluated per second.

    .venv/bin/python benchmarks/server_ingest.py [--database-url postgres://…]
        [--agents 16] [--reports 2000] [--rounds 3] [--practices 1000] [--devices 10000]
        [--mode reports|evidence]

The PostgreSQL URL defaults to DENTSEC_TEST_POSTGRES_URL (or /tmp/dentsec-ci.env); a
throw-away database is created beside it and dropped at the end. Needs gunicorn in the
virtualenv (`pip install gunicorn`).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import io
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "server" / "fixtures" / "report-windows.json"
BUNDLE = REPO / "samples" / "evidence" / "windows-unmanaged-win10"
ROUTES = {"reports": ("/api/v1/agent/reports", {"Content-Type": "application/json",
                                                "Content-Encoding": "gzip"}),
          "evidence": ("/api/v1/agent/evidence", {"Content-Type": "application/zip"})}
PASSWORD = "Benchmark-password-2026"


def default_pg_url() -> str | None:
    url = os.environ.get("DENTSEC_TEST_POSTGRES_URL")
    ci = Path("/tmp/dentsec-ci.env")
    if not url and ci.exists():
        for line in ci.read_text().splitlines():
            if line.startswith("DENTSEC_TEST_POSTGRES_URL="):
                url = line.split("=", 1)[1].strip()
    return url or None


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1),
                         autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def seed(practices: int, devices: int, agents: int) -> dict[str, Any]:
    """Seed through the ORM (bulk inserts); returns the admin's TOTP secret and agents."""
    import pyotp

    from dentsec.server.console import accounts, credentials, ingest
    from dentsec.server.console.models import Device, Practice

    admin = accounts.create_admin("Benchmark provider", "bench-admin", PASSWORD)
    admin.totp_secret = pyotp.random_base32()
    admin.totp_confirmed = True
    admin.save()
    objs = Practice.objects.bulk_create(
        [Practice(provider=admin.provider, name=f"Cabinet {i:04d}") for i in range(practices)],
        batch_size=1000)
    rng = random.Random(7)
    now = datetime.now(UTC)
    batch = []
    for i in range(devices):
        by_rule = {str(r): rng.randint(0, 100) for r in range(1, 7)}
        batch.append(Device(
            practice=objs[i % practices], name=f"poste-{i:05d}",
            credential_hash=credentials.digest(credentials.new_credential()),
            last_seen=now - timedelta(days=rng.randint(0, 12)), last_report_at=now,
            os_family="windows", os_name="Windows 11 Professionnel", os_version="10.0.22631",
            score=round(sum(by_rule.values()) / 6), by_rule=by_rule,
            critical_count=rng.randint(0, 3), fail_count=rng.randint(0, 10)))
    Device.objects.bulk_create(batch, batch_size=2000)
    creds = []
    for i in range(agents):
        _, token = ingest.create_token(objs[i % practices], by=None)
        creds.append(ingest.enroll(token, f"agent-{i:03d}").credential)
    return {"totp": admin.totp_secret, "credentials": creds}


def sample_report() -> tuple[dict[str, Any], str]:
    """A real audit of this machine when the engine can run, else the test sample."""
    try:
        from dentsec.engine import audit_live
        from dentsec.report.json_report import render

        data: dict[str, Any] = json.loads(render(audit_live(), "fr"))
        return data, "audit of this machine"
    except Exception as exc:  # noqa: BLE001 - any failure: fall back to the sample
        return json.loads(SAMPLE.read_text(encoding="utf-8")), f"test sample ({exc})"


def prepare_bodies(template: dict[str, Any], start_at: datetime, count: int) -> list[bytes]:
    """Each agent's reports, gzip-compressed as the agent sends them; built before the clock
    starts, as a real agent has its report ready before it connects. The load generator
    shares the server's cores here, so its work per request is kept to sending and reading."""
    def body(n: int) -> bytes:
        stamp = (start_at + timedelta(minutes=n)).isoformat()
        return gzip.compress(json.dumps({**template, "generated_at": stamp}).encode(),
                             mtime=0)

    return [body(n) for n in range(count)]


def prepare_bundles(start_at: datetime, count: int) -> list[bytes]:
    """The sample bundle zipped as the PowerShell collector writes it, one collection time
    per upload (so none is a replay)."""
    manifest = json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))
    items = {f"items/{p.name}": p.read_bytes() for p in sorted((BUNDLE / "items").iterdir())}

    def body(n: int) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            stamp = (start_at + timedelta(minutes=n)).isoformat()
            zf.writestr("manifest.json", json.dumps({**manifest, "created_at": stamp}))
            for name, data in items.items():
                zf.writestr(name, data)
        return buf.getvalue()

    return [body(n) for n in range(count)]


def upload_run(base: str, creds: list[str], bodies: list[bytes], mode: str = "reports"
               ) -> tuple[float, list[float], int, float]:
    """Each agent thread posts the bodies one after the other (reconnecting whenever the
    server closes). Returns reports/s, latencies, errors, and the generator's CPU seconds."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    assert host in ("127.0.0.1", "::1", "localhost"), host  # loopback only
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def agent(credential: str) -> None:
        mine: list[float] = []
        failed = 0
        path, kind = ROUTES[mode]
        headers = {"Authorization": f"Bearer {credential}", **kind}
        conn = http.client.HTTPConnection(host, port, timeout=60)
        for payload in bodies:
            t0 = time.perf_counter()
            for attempt in (1, 2):
                try:
                    # the agent's clock, as it sends it (the console derives clock offsets)
                    conn.request("POST", path, body=payload,
                                 headers={**headers, "Date": formatdate(usegmt=True)})
                    response = conn.getresponse()
                    response.read()
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError):
                    conn.close()  # the server closed an idle kept-alive connection
                    if attempt == 2:
                        raise
            mine.append(time.perf_counter() - t0)
            failed += response.status != 201
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=agent, args=(c,)) for c in creds]
    cpu0, t0 = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return len(latencies) / elapsed, latencies, errors[0], time.process_time() - cpu0


def sign_in(client: Any, totp_secret: str) -> None:
    """Password then TOTP code, as the administrator does in the browser."""
    import pyotp

    client.get("/connexion/")
    csrf = client.cookies["csrftoken"]
    r = client.post("/connexion/", data={"username": "bench-admin", "password": PASSWORD,
                                         "csrfmiddlewaretoken": csrf})
    assert r.status_code == 302, r.status_code
    csrf = client.cookies["csrftoken"]  # rotated at sign-in
    r = client.post("/connexion/code/", data={"code": pyotp.TOTP(totp_secret).now(),
                                              "csrfmiddlewaretoken": csrf})
    assert r.status_code == 302 and r.headers["location"] == "/", r.status_code


def overview_run(base: str, totp_secret: str, requests: int) -> list[float]:
    import httpx

    with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
        sign_in(client, totp_secret)
        first = client.get("/prestataire/")
        assert first.status_code == 200 and "Cabinet 0" in first.text
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            response = client.get("/prestataire/")
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200
        return times


def server_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn workers, and by PostgreSQL."""
    import psutil

    def used(procs: list[psutil.Process]) -> float:
        total = 0.0
        for proc in procs:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                continue  # ended meanwhile
        return total

    database = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
    return used(psutil.Process(pid).children(recursive=True)), used(database)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=default_pg_url())
    parser.add_argument("--agents", type=int, default=16)
    parser.add_argument("--reports", type=int, default=2000, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--practices", type=int, default=1000)
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--overview-requests", type=int, default=100)
    parser.add_argument("--mode", default="reports", choices=tuple(ROUTES),
                        help="upload reports, or evidence bundles evaluated by the server")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    # sync workers behind the TLS proxy, as docs/server.md sets up (the proxy buffers slow
    # clients); on 2 cores they take more uploads than gthread, whose threads fight over the GIL
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gthread worker")
    args = parser.parse_args()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or \
        shutil.which("gunicorn")
    if gunicorn is None:
        print("gunicorn is not installed in this virtualenv: pip install gunicorn")
        return 2

    load = os.getloadavg()  # other work on the machine skews every figure below
    home = Path(tempfile.mkdtemp(prefix="dentsec-bench-"))
    env = {**os.environ, "DENTSEC_HOME": str(home), "DENTSEC_SECURE_COOKIES": "0",
           "DENTSEC_SECRET_KEY": "benchmark-only-" + "k" * 40,
           "DENTSEC_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           # a sync worker takes one request at a time: one evaluating process each
           "DENTSEC_EVIDENCE_WORKERS": "1"}
    bench_db = None
    if args.database_url:
        bench_db = f"dentsec_bench_{os.getpid()}"
        pg_admin(args.database_url, f"CREATE DATABASE {bench_db}")
        env["DENTSEC_DATABASE_URL"] = with_db(args.database_url, bench_db)
        backend = "PostgreSQL"
    else:
        env.pop("DENTSEC_DATABASE_URL", None)
        backend = "SQLite"
    os.environ.update(env)
    server = None
    try:
        from django.core.management import call_command

        from dentsec.server import setup_django

        setup_django()
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        seeded = seed(args.practices, args.devices, args.agents)
        seed_s = time.perf_counter() - t0
        from django.db import connections

        connections.close_all()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [gunicorn, "dentsec.server.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--worker-class", args.worker_class,
             "--threads", str(args.threads), "--log-level", "warning"], env=env)
        import httpx

        for _ in range(300):
            try:
                httpx.get(base + "/connexion/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        # Warm every worker up (imports, first connection, validator).
        report, report_source = sample_report()
        size = len(json.dumps(report).encode())

        def bodies_for(start: datetime, count: int) -> list[bytes]:
            if args.mode == "evidence":
                return prepare_bundles(start, count)
            return prepare_bodies(report, start, count)

        if args.mode == "evidence":
            report_source = f"evidence bundle {BUNDLE.name}"
            size = len(prepare_bundles(datetime(2019, 1, 1, tzinfo=UTC), 1)[0])
        # one upload per worker at least, so each has started its evaluating process
        upload_run(base, seeded["credentials"][:4],
                   bodies_for(datetime(2019, 1, 1, tzinfo=UTC), args.workers * 2), args.mode)
        per_agent = args.reports // args.agents
        # Several rounds: on a shared machine one round can be a fifth off the others.
        rates, latencies, errors, client_cpu = [], [], 0, 0.0
        cpu_before = server_cpu(server.pid)
        for round_no in range(args.rounds):
            # Past years: the console refuses a report dated more than a day ahead.
            bodies = bodies_for(datetime(2020 + round_no, 1, 1, tzinfo=UTC), per_agent)
            rate, times, failed, cpu = upload_run(base, seeded["credentials"], bodies,
                                                  args.mode)
            rates.append(rate)
            latencies += times
            errors += failed
            client_cpu += cpu
        cpu_after = server_cpu(server.pid)
        client_cpu /= max(len(latencies), 1)
        app_cpu, db_cpu = ((after - before) / max(len(latencies), 1)
                           for after, before in zip(cpu_after, cpu_before, strict=True))
        cpu_per_report = app_cpu + db_cpu
        overview = overview_run(base, seeded["totp"], args.overview_requests)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if bench_db and args.database_url:
            from django.db import connections

            connections.close_all()
            pg_admin(args.database_url, f"DROP DATABASE IF EXISTS {bench_db}")
        shutil.rmtree(home, ignore_errors=True)

    threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    print(f"database: {backend}; gunicorn: {args.workers} {args.worker_class} workers"
          f"{threads}; cpus: {os.cpu_count()}; load average before: {load[0]:.1f}")
    print(f"seeded {args.practices} practices / {args.devices} devices in {seed_s:.1f} s")
    what = "bundles evaluated" if args.mode == "evidence" else "reports"
    print(f"{args.mode}: {report_source}, {size} bytes")
    print(f"uploads: {args.rounds} rounds of {len(latencies) // args.rounds} {what} from "
          f"{args.agents} concurrent agents (as the agents send them), {errors} errors")
    print(f"  {what}/s: median {statistics.median(rates):.0f} "
          f"(rounds: {', '.join(f'{r:.0f}' for r in rates)})")
    print(f"  upload latency p50: {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95: {percentile(latencies, 95) * 1000:.1f} ms")
    print(f"  server CPU per report: {app_cpu * 1000:.1f} ms application + "
          f"{db_cpu * 1000:.1f} ms database = {cpu_per_report * 1000:.1f} ms, "
          f"i.e. at most {(os.cpu_count() or 1) / cpu_per_report:.0f} reports/s on "
          f"{os.cpu_count()} otherwise idle cores")
    print(f"  load generator's own CPU per report (same cores): {client_cpu * 1000:.1f} ms")
    print(f"provider overview ({args.overview_requests} requests, page 1 of "
          f"{args.practices} practices ranked by risk):")
    print(f"  p50: {statistics.median(overview) * 1000:.1f} ms, "
          f"p95: {percentile(overview, 95) * 1000:.1f} ms")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
