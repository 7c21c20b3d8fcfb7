"""A fix asked from the console, end to end (issue 16): a live console, the real agent
(`dentsec agent enroll`, `agent run --root TREE`) on a neglected Debian tree
(tests/fix/support.py), and `dentsec fix --requests` under a pseudo-terminal where the
person at the workstation answers.

The agent's run changes nothing (the tree stays byte-identical); the person's "o" applies
the fix through the usual flow; the next run takes the answer back to the console."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from django.test import Client
from tests.fix.support import MACHINE_UNITS, make_weak_tree, snapshot_tree

from dentsec.cli import main
from dentsec.engine import audit_live
from dentsec.i18n import set_language

from .conftest import login_client

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(any(not os.path.exists(u) for u in MACHINE_UNITS),
                                 reason="the fix tree needs nftables' and apt's units "
                                        "(.ci/setup.d/60-fix.sh)")]
DENTSEC = str(Path(sys.executable).parent / "dentsec")
CHECK = "PWD-MIN-LENGTH"
PROMPT = b"(Entr\xc3\xa9e) ?"  # "… ou décider plus tard (Entrée) ?"


class Workstation:
    """The enrolled tree and its agent (in-process CLI, as the daily job would run it)."""

    def __init__(self, home: Path, tree: Path) -> None:
        self.home, self.tree = home, tree

    def cli(self, *args: str) -> Result:
        set_language(None)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    def agent_run(self) -> Result:
        result = self.cli("agent", "run", "--root", str(self.tree))
        assert result.exit_code == 0, result.output
        return result

    def env(self) -> dict[str, str]:
        return {**os.environ, "DENTSEC_HOME": str(self.home), "DENTSEC_LANG": "fr",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}

    def fix_requests(self, *answers: str, extra: tuple[str, ...] = ()) -> tuple[int, str]:
        """`dentsec fix --requests` in a pseudo-terminal; each prompt gets the next answer."""
        master, slave = pty.openpty()
        proc = subprocess.Popen([DENTSEC, "fix", "--requests", "--root", str(self.tree),
                                 *extra], stdin=slave, stdout=slave, stderr=slave,
                                env=self.env(), start_new_session=True)
        os.close(slave)
        out, left, seen = b"", list(answers), 0
        deadline = time.monotonic() + 300
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 1.0)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # EIO: the program ended and closed the terminal
                        break
                    if not chunk:
                        break
                    out += chunk
                    if out.count(PROMPT) > seen and left:
                        seen += 1
                        os.write(master, left.pop(0).encode() + b"\n")
                elif proc.poll() is not None:
                    break
            code = proc.wait(timeout=60)
        finally:
            os.close(master)
        return code, out.decode("utf-8", "replace").replace("\r\n", "\n")

    def verdict(self) -> str:
        report = audit_live(root=str(self.tree))
        return next(str(f.status) for f in report.findings if f.check.id == CHECK)


@pytest.fixture
def world(live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[
        dict[str, Any]]:
    from dentsec.server.console import accounts, ingest
    from dentsec.server.console.models import ROLE_PRACTICE_LEAD, Device, Practice

    admin = accounts.create_admin("Infogérance", "presta", "x" * 16,
                                  email="presta@example.invalid")
    practice = Practice.objects.create(provider=admin.provider, name="Cabinet du Parc")
    lead = accounts.create_member(practice, "dr-martin", "x" * 16, ROLE_PRACTICE_LEAD,
                                  email="martin@example.invalid")
    _, token = ingest.create_token(practice, by=admin.user)
    home = tmp_path / "poste-home"
    monkeypatch.setenv("DENTSEC_HOME", str(home))
    monkeypatch.setenv("DENTSEC_LANG", "fr")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("SUDO_USER", raising=False)
    station = Workstation(home, make_weak_tree(tmp_path / "poste"))
    enrolled = station.cli("agent", "enroll", "--server", live_server.url, "--token", token,
                           "--name", "poste-radio")
    assert enrolled.exit_code == 0, enrolled.output
    station.agent_run()
    device = Device.objects.get(name="poste-radio")
    assert device.agent_kind == "python"
    assert next(f["status"] for f in device.current_report.findings if f["id"] == CHECK) == "fail"
    manager = login_client(Client(), lead)
    yield {"station": station, "device": device, "manager": manager}


def _ask(world: dict[str, Any]) -> Any:
    from dentsec.server.console.fix_request_models import FixRequest

    device = world["device"]
    page = world["manager"].post(f"/poste/{device.pk}/corriger/{CHECK}/demander/", follow=True)
    assert "Demande envoyée" in page.content.decode()
    return FixRequest.objects.get(device=device, status="pending")


def _delivered(world: dict[str, Any]) -> None:
    """The daily run: it keeps the request, says so, and changes nothing on the tree."""
    station = world["station"]
    before = snapshot_tree(station.tree)
    out = station.agent_run().output
    assert ("1 correction demandée par dr-martin (PWD-MIN-LENGTH) : lancez « dentsec fix "
            "--requests » sur ce poste.") in out
    assert snapshot_tree(station.tree) == before
    assert station.verdict() == "fail"


def _fix_page(world: dict[str, Any]) -> str:
    page = world["manager"].get(f"/poste/{world['device'].pk}/corriger/{CHECK}/")
    return str(page.content.decode())


def test_asked_confirmed_applied_and_reported(world: dict[str, Any]) -> None:
    station = world["station"]
    asked = _ask(world)
    _delivered(world)
    asked.refresh_from_db()
    assert asked.status == "delivered"
    assert "reçue par le poste, en attente de confirmation" in _fix_page(world)

    code, out = station.fix_requests("o")
    assert code == 0, out
    assert f"Demande n° {asked.pk} de dr-martin" in out and "corriger PWD-MIN-LENGTH" in out
    # the same preview as `dentsec fix PWD-MIN-LENGTH`
    assert "Correctif linux-pwquality pour PWD-MIN-LENGTH (actuellement : À corriger)" in out
    assert "Ce qui va changer :" in out and "Ce que cela peut gêner :" in out
    assert "PWD-MIN-LENGTH est maintenant réussi" in out
    assert station.verdict() == "pass"
    history = json.loads(station.cli("fix", "--history", "--format", "json").output)
    assert [(f["status"], f["request"]) for f in history["fixes"]] == [("applied", asked.pk)]
    told = station.cli("fix", "--history").output
    assert f"(demandé depuis la console : demande n° {asked.pk})" in told
    # Nothing left to answer.
    assert "Aucune correction demandée depuis la console." in station.fix_requests()[1]

    station.agent_run()
    asked.refresh_from_db()
    assert (asked.status, asked.verdict) == ("applied", "pass")
    assert asked.history_id == history["fixes"][0]["id"]
    page = _fix_page(world)
    assert '<b class="request-status">appliquée</b>' in page
    assert 'class="request-verdict">conforme' in page
    assert "PWD-MIN-LENGTH est maintenant réussi" in page
    device_page = world["manager"].get(f"/poste/{world['device'].pk}/").content.decode()
    assert "Corrections demandées depuis la console" in device_page and "appliquée" in device_page


def test_refused_at_the_workstation(world: dict[str, Any]) -> None:
    station = world["station"]
    asked = _ask(world)
    _delivered(world)
    before = snapshot_tree(station.tree)
    code, out = station.fix_requests("n")
    assert code == 0, out
    assert "Correctif linux-pwquality refusé : rien n'a été modifié." in out
    assert snapshot_tree(station.tree) == before
    station.agent_run()
    asked.refresh_from_db()
    assert asked.status == "refused"
    assert asked.detail.startswith("Refusé au poste par ")
    assert '<b class="request-status">refusée au poste</b>' in _fix_page(world)


def test_later_keeps_it_and_expiry_drops_it(world: dict[str, Any]) -> None:
    from dentsec.fix import console_requests

    station = world["station"]
    asked = _ask(world)
    _delivered(world)
    before = snapshot_tree(station.tree)
    code, out = station.fix_requests("")  # Enter: decide later
    assert code == 0 and "Gardée pour plus tard : rien n'a été modifié." in out
    assert [r.id for r in console_requests.pending()] == [asked.pk]
    # Its time passes on the workstation's clock: dropped with a message, nothing changed.
    path = console_requests.requests_dir() / f"{asked.pk}.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["expires_at"] = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    path.write_text(json.dumps(stored), encoding="utf-8")
    code, out = station.fix_requests()
    assert code == 0, out
    assert f"La demande n° {asked.pk} (PWD-MIN-LENGTH, par dr-martin) a expiré" in out
    assert "rien n'a été modifié" in out and console_requests.pending() == []
    assert snapshot_tree(station.tree) == before


def test_expired_or_cancelled_on_the_console_is_withdrawn(world: dict[str, Any]) -> None:
    from dentsec.fix import console_requests
    from dentsec.server.console.fix_request_models import FixRequest

    asked = _ask(world)
    _delivered(world)
    FixRequest.objects.filter(pk=asked.pk).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1))
    out = world["station"].agent_run().output
    assert "correction demandée" not in out and console_requests.pending() == []
    asked.refresh_from_db()
    assert asked.status == "expired" and "expirée" in _fix_page(world)
    second = _ask(world)
    _delivered(world)
    world["manager"].post(f"/demande-correctif/{second.pk}/annuler/")
    world["station"].agent_run()
    assert console_requests.pending() == []


def test_no_terminal_no_fix(world: dict[str, Any]) -> None:
    from dentsec.fix import console_requests

    station = world["station"]
    asked = _ask(world)
    _delivered(world)
    before = snapshot_tree(station.tree)
    for extra in ((), ("--yes",)):
        done = subprocess.run([DENTSEC, "fix", "--requests", "--root", str(station.tree),
                               *extra], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, env=station.env(), timeout=120, check=False)
        assert done.returncode == 2, done.stdout
        assert ("Les corrections demandées depuis la console ne s'appliquent qu'avec "
                "l'accord d'une personne au poste") in done.stderr
        assert "Rien n'a été modifié." in done.stderr
    # --yes even on a terminal: the person must answer the question themselves.
    code, out = station.fix_requests(extra=("--yes",))
    assert code == 2 and "--yes ne vaut pas pour elles" in out
    english = subprocess.run([DENTSEC, "fix", "--requests", "--root", str(station.tree),
                              "--lang", "en"], stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, env=station.env(), timeout=120, check=False)
    assert english.returncode == 2
    assert "applied only with the agreement of a person at the workstation" in english.stderr
    # --dry-run needs no terminal: the preview only, nothing answered.
    preview = subprocess.run([DENTSEC, "fix", "--requests", "--root", str(station.tree),
                              "--dry-run"], stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, env=station.env(), timeout=120, check=False)
    assert preview.returncode == 0, preview.stderr
    assert "Ce qui va changer :" in preview.stdout
    assert "Aperçu seulement (--dry-run) : rien n'a été modifié." in preview.stdout
    assert snapshot_tree(station.tree) == before
    assert [r.id for r in console_requests.pending()] == [asked.pk]
    status = station.cli("agent", "status").output
    assert "Corrections demandées par la console, à confirmer au poste (dentsec fix " \
        "--requests) : 1" in status
