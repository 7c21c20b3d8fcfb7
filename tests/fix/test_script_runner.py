"""The runner of Windows/macOS fix scripts, with the real sh and the real live audit of this
machine: a script that fails after saving its state is undone at once; a script whose
check still does not pass is undone; one started without rights changes nothing.

The scripts here are written for the test (they touch a file in the test's folder); the
runner, the state file, the undo and the audit are the product's own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dentsec.checks.policy import Policy
from dentsec.fix import store
from dentsec.fix.flow import Verdict, verdicts
from dentsec.fix.scripts import runner
from dentsec.fix.scripts.model import ScriptFix

TEXT = {"fr": "essai", "en": "test"}


@pytest.fixture(scope="module")
def failing() -> str:
    """A check this machine fails and that the test scripts cannot change."""
    _, found = verdicts("/", Policy())
    candidates = sorted(c for c, v in found.items() if v.status == "fail")
    if not candidates:
        pytest.skip("this machine fails no check")
    return candidates[0]


def _fix(target: Path, check: str, apply_tail: str = "") -> ScriptFix:
    return ScriptFix(
        name="test-script", os="macos", checks=(check,), title=TEXT, changes=TEXT,
        risks=TEXT, docs=("https://manp.gs/mac/1/defaults",),
        apply=f"""
printf 'before=%s\\n' "$(cat '{target}')" | save_state
echo changed > '{target}'
{apply_tail}
""",
        undo=f"""
state_get before > '{target}'
""")


@pytest.fixture
def target(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("the scripts check they run as root (sudo)")
    path = tmp_path / "reglage"
    path.write_text("avant\n", encoding="utf-8")
    return path


def _record(fix_id: str) -> dict[str, object]:
    folder, record = store.load(fix_id)
    assert (folder / "state").exists()
    return record


def test_a_script_whose_check_still_fails_is_undone(target: Path, failing: str) -> None:
    prepared = runner.PreparedScript(_fix(target, failing), failing, Verdict("warn", TEXT))
    outcome = runner.apply(prepared, Policy())
    assert not outcome.ok
    assert f"Après correction, {failing} n'est toujours pas réussi" in outcome.message
    assert "L'état précédent a été rétabli." in outcome.message
    assert target.read_text(encoding="utf-8") == "avant\n"
    record = _record(outcome.fix_id)
    assert record["status"] == "rolled-back" and record["verdict_before"] == "warn"


def test_a_script_failing_after_saving_is_undone(target: Path, failing: str) -> None:
    prepared = runner.PreparedScript(_fix(target, failing, "echo 'disque plein' >&2; exit 1"),
                                     failing, Verdict("warn", TEXT))
    outcome = runner.apply(prepared, Policy())
    assert not outcome.ok
    assert "Le script a échoué : disque plein. L'état précédent a été rétabli." in outcome.message
    assert target.read_text(encoding="utf-8") == "avant\n"
    assert _record(outcome.fix_id)["status"] == "failed"


def test_an_existing_state_is_never_overwritten(target: Path, failing: str) -> None:
    fix = _fix(target, failing)
    outcome = runner.apply(runner.PreparedScript(fix, failing, Verdict("warn", TEXT)), Policy())
    folder, record = store.load(outcome.fix_id)
    state = (folder / "state").read_text(encoding="utf-8")
    # Running the same apply script again with the same state file refuses before any change.
    import subprocess

    res = subprocess.run(runner.argv(fix, folder / "apply.sh", folder / "state"),
                         capture_output=True, text=True, check=False)
    assert res.returncode == 4 and "État déjà enregistré" in res.stderr
    assert (folder / "state").read_text(encoding="utf-8") == state
    assert json.loads((folder / "record.json").read_text(encoding="utf-8"))["id"] == record["id"]


def test_applied_then_undone_from_the_saved_scripts(target: Path) -> None:
    _, found = verdicts("/", Policy())
    passing = sorted(c for c, v in found.items() if v.status == "pass")
    if not passing:
        pytest.skip("this machine passes no check")
    fix = _fix(target, passing[0])
    outcome = runner.apply(runner.PreparedScript(fix, passing[0], Verdict("fail", TEXT)), Policy())
    assert outcome.ok and target.read_text(encoding="utf-8") == "changed\n"
    folder, record = store.load("last")
    assert record["id"] == outcome.fix_id and record["status"] == "applied"
    undone = runner.undo(folder, record, Policy(), fix)
    assert undone.ok and "Correctif annulé." in undone.message
    assert target.read_text(encoding="utf-8") == "avant\n"
    assert store.load(outcome.fix_id)[1]["status"] == "undone"
