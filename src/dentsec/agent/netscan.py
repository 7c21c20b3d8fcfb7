"""The network scan the console assigns to this workstation: fetch the plan, upload the
result (``dentsec agent scan``). Not queued: a scan tells the network as it is now, so an
unreachable console means the next scheduled scan, not a stale upload."""

from __future__ import annotations

import gzip
from typing import Any

import httpx

from dentsec.agent.client import TIMEOUT, _problem
from dentsec.errors import DentsecError


def _client(server: str, credential: str) -> httpx.Client:
    return httpx.Client(base_url=server, timeout=TIMEOUT,
                        headers={"Authorization": f"Bearer {credential}"})


def _unreachable(server: str, exc: httpx.HTTPError) -> DentsecError:
    return DentsecError(f"Console injoignable ({server}) : {exc}",
                        f"Console unreachable ({server}): {exc}")


def _plan_response(server: str, credential: str) -> httpx.Response:
    try:
        with _client(server, credential) as http:
            return http.get("/api/v1/agent/scan-plan")
    except httpx.HTTPError as exc:
        raise _unreachable(server, exc) from exc


def _plan(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200:
        problem = _problem(response)
        raise DentsecError(f"Pas de scan à faire : {problem}", f"No scan to run: {problem}")
    plan: dict[str, Any] = response.json()
    return plan


def fetch_plan(server: str, credential: str) -> dict[str, Any]:
    return _plan(_plan_response(server, credential))


def assigned_plan(server: str, credential: str) -> dict[str, Any] | None:
    """The plan, or None when the console says this is not the scanning workstation (404):
    for the daily run, no plan means no scan, not an error."""
    response = _plan_response(server, credential)
    return None if response.status_code == 404 else _plan(response)


def upload_scan(server: str, credential: str, body: bytes) -> dict[str, Any]:
    try:
        with _client(server, credential) as http:
            response = http.post("/api/v1/agent/scans", content=gzip.compress(body, mtime=0),
                                 headers={"Content-Type": "application/json",
                                          "Content-Encoding": "gzip"})
    except httpx.HTTPError as exc:
        raise _unreachable(server, exc) from exc
    if response.status_code not in (201, 409):
        problem = _problem(response)
        raise DentsecError(f"Scan refusé par la console : {problem}",
                           f"Scan refused by the console: {problem}")
    stored: dict[str, Any] = response.json()
    return stored
