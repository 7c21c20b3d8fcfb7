"""The process that evaluates uploaded evidence bundles (no Django here).

Evaluation runs the audit's own engine (``dentsec audit --evidence``) on a bundle the web
process has already checked (sizes, names, manifest). It runs in a separate process so
that a bundle can neither hold a web thread past its time limit (the process is killed)
nor grow the server's memory (an address-space limit is set before the first bundle).
"""

from __future__ import annotations

import resource
from multiprocessing.connection import Connection
from typing import Any

from dentsec.checks.policy import Policy
from dentsec.engine import audit_host
from dentsec.errors import DentsecError
from dentsec.host.bundle import load_bundle_bytes
from dentsec.host.replay import ReplayHost
from dentsec.report import json_report


def evaluate(data: bytes, policy: Policy | None = None) -> str:
    """The report JSON (French, schema dentsec.report/1) of a zip bundle held in memory."""
    report = audit_host(ReplayHost(load_bundle_bytes(data)), policy)
    return json_report.render(report, lang="fr")


def serve(conn: Connection, memory_bytes: int) -> None:
    """Answer (data, policy) requests until the pipe closes: ("ok", json),
    ("refused", fr, en) for a damaged bundle, ("failed", name) for anything else."""
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            data, policy = conn.recv()
        except (EOFError, OSError):
            return
        answer: tuple[Any, ...]
        try:
            answer = ("ok", evaluate(data, policy))
        except DentsecError as exc:
            answer = ("refused", exc.fr, exc.en)
        except MemoryError:
            answer = ("failed", "MemoryError")
        except Exception as exc:  # any other fault of a bundle is told, never a crash
            answer = ("failed", type(exc).__name__)
        conn.send(answer)
