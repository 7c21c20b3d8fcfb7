"""Real audit reports for the procedure tests: the engine audits a copy of the weak Linux
test tree (tests/collect/linux/trees/weak), with accounts removed or locked, recorded as an
evidence bundle whose listening-sockets probe (live only, so absent from a tree) is given
the listeners the test wants, then replayed: what an agent would upload."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dentsec.engine import audit_evidence, collect_bundle
from dentsec.report import json_report

TREE = Path(__file__).parents[1] / "collect" / "linux" / "trees" / "weak"


def _drop_lines(path: Path, names: set[str]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if line.split(":", 1)[0] not in names),
                    encoding="utf-8")


def _shadow(path: Path, lock: set[str], renewed: set[str], today: int) -> None:
    """Lock (``!`` before the hash, as ``passwd -l`` does) or set today's change date."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        fields = line.split(":")
        if fields[0] in lock:
            fields[1] = "!" + fields[1]
        if fields[0] in renewed:
            fields[2] = str(today)
        out.append(":".join(fields))
    path.write_text("".join(out), encoding="utf-8")


def audit_json(*, remove: set[str] = frozenset(),  # type: ignore[assignment]
               lock: set[str] = frozenset(),  # type: ignore[assignment]
               renewed: set[str] = frozenset(),  # type: ignore[assignment]
               listening: list[tuple[str, int]] = (),  # type: ignore[assignment]
               as_of: datetime | None = None) -> bytes:
    """The JSON report of the weak tree without the ``remove`` accounts, with the ``lock``
    accounts locked and the ``renewed`` ones' passwords changed today, listening on
    ``listening`` ((proto, port) on every address)."""
    now = as_of or datetime.now(UTC)
    work = Path(tempfile.mkdtemp(prefix="dentsec-proc-"))
    try:
        tree = work / "tree"
        shutil.copytree(TREE, tree, symlinks=True)
        for name in ("passwd", "shadow", "group"):
            _drop_lines(tree / "etc" / name, set(remove))
        _shadow(tree / "etc" / "shadow", set(lock), set(renewed),
                (now - datetime(1970, 1, 1, tzinfo=UTC)).days)
        bundle = work / "bundle.zip"
        collect_bundle(bundle, root=str(tree))
        folder = work / "bundle"
        with zipfile.ZipFile(bundle) as zf:
            zf.extractall(folder)
        manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text("utf-8"))
        manifest["created_at"] = now.isoformat()
        sockets = [{"proto": proto, "address": "0.0.0.0", "port": port, "pid": None,
                    "process": None} for proto, port in listening]
        (folder / "items" / "sockets.json").write_text(json.dumps(sockets), "utf-8")
        for item in manifest["items"]:
            if item.get("kind") == "probe" and item.get("name") == "listening-sockets":
                item.update(error=None, content="items/sockets.json")
        (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        return json_report.render(audit_evidence(folder), lang="fr").encode("utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
