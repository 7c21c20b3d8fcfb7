"""Talking to the practice console over HTTP (httpx)."""

from __future__ import annotations

import gzip
from email.utils import formatdate
from typing import Any

import httpx

from dentsec.agent.queue import Outcome
from dentsec.errors import DentsecError
from dentsec.i18n import language

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def _problem(response: httpx.Response) -> str:
    try:
        data = response.json()
        text = data.get("en" if language() == "en" else "fr") or data.get("detail")
    except (ValueError, AttributeError):
        text = None
    return str(text or f"HTTP {response.status_code}")


def _revoked(response: httpx.Response) -> bool:
    """The console's answer for a revoked device (403, code ``device-revoked``)."""
    if response.status_code != 403:
        return False
    try:
        return bool(response.json().get("code") == "device-revoked")
    except (ValueError, AttributeError):
        return False


def normalise_server(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise DentsecError(f"Adresse de serveur invalide : {url} (https://… attendu).",
                           f"Invalid server address: {url} (expected https://…).")
    return url


def enroll(server: str, token: str, name: str) -> dict[str, Any]:
    try:
        response = httpx.post(f"{server}/api/v1/enroll", json={"token": token, "name": name},
                              timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise DentsecError(f"Serveur injoignable ({server}) : {exc}",
                           f"Server unreachable ({server}): {exc}") from exc
    if response.status_code != 201:
        problem = _problem(response)
        raise DentsecError(f"Inscription refusée : {problem}", f"Enrollment refused: {problem}")
    data: dict[str, Any] = response.json()
    return data


class Uploader:
    """One HTTP connection reused for every queued report."""

    def __init__(self, server: str, credential: str) -> None:
        self.client = httpx.Client(base_url=server, timeout=TIMEOUT, headers={
            "Authorization": f"Bearer {credential}", "Content-Type": "application/json"})

    def __enter__(self) -> Uploader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def send(self, body: bytes) -> tuple[str, str | None]:
        try:
            # gzip: a sixth of the bytes on the practice's line, and the server keeps it as is
            # Date: this machine's clock now, from which the console learns how far off it
            # is and when a queued report was really made (RFC 9110 lets a client send it).
            response = self.client.post("/api/v1/agent/reports",
                                        content=gzip.compress(body, mtime=0),
                                        headers={"Content-Encoding": "gzip",
                                                 "Date": formatdate(usegmt=True)})
        except httpx.HTTPError as exc:
            return Outcome.RETRY, str(exc) or type(exc).__name__
        if response.status_code in (200, 201, 409):
            return Outcome.STORED, None
        if _revoked(response):
            return Outcome.REVOKED, _problem(response)
        if response.status_code in (400, 411, 413, 415, 422):
            return Outcome.REFUSED, _problem(response)
        # 401 (credential unknown), 429, 5xx: keep the report and say why.
        return Outcome.RETRY, _problem(response)

    def policy(self) -> dict[str, list[dict[str, Any]]]:
        """What the console adds to the audit's policy on this device: ``justified_ports``
        (running planned changes) and ``accepted_risks`` (running exceptions); empty lists
        when the console cannot say (unreachable, older)."""
        try:
            response = self.client.get("/api/v1/agent/policy")
            data = response.json() if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            data = {}
        out: dict[str, list[dict[str, Any]]] = {}
        for key in ("justified_ports", "accepted_risks"):
            found = data.get(key) if isinstance(data, dict) else None
            out[key] = [x for x in found if isinstance(x, dict)] if isinstance(found, list) \
                else []
        return out

    def fix_requests(self) -> dict[str, Any] | None:
        """The fixes asked from the console for this workstation (issue 16): ``requests``
        and ``withdrawn`` as the console sent them, to be checked by the caller; None when
        the console cannot say (unreachable, older, refused)."""
        try:
            response = self.client.get("/api/v1/agent/fix-requests")
            data = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def still_revoked(self) -> bool:
        """Asked before auditing a device the console revoked: True unless the console
        now accepts it again (an unreachable console changes nothing)."""
        try:
            response = self.client.get("/api/v1/agent/me")
        except httpx.HTTPError:
            return True
        return response.status_code != 200
