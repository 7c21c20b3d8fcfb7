"""A bundle replays exactly what the live host answered: identical facts and findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from dentsec.engine import audit_evidence, collect_bundle


def test_collect_then_audit_evidence_gives_identical_findings(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DENTSEC_HOME", str(tmp_path / "home"))
    live = collect_bundle(tmp_path / "poste.zip")
    # Replayed elsewhere: another DENTSEC_HOME must not change what the bundle says.
    monkeypatch.setenv("DENTSEC_HOME", str(tmp_path / "elsewhere"))
    replay = audit_evidence(tmp_path / "poste.zip")
    a = live.facts.model_dump(mode="json", exclude={"collection_mode"})
    b = replay.facts.model_dump(mode="json", exclude={"collection_mode"})
    assert a == b
    assert [(f.check.id, f.status, f.message) for f in live.findings] == \
           [(f.check.id, f.status, f.message) for f in replay.findings]


@pytest.mark.parametrize("tree", ["weak", "hardened"])
def test_offline_tree_bundle_replays_identically(tmp_path: Path, tree: str) -> None:
    root = Path(__file__).parent / "collect" / "linux" / "trees" / tree
    live = collect_bundle(tmp_path / "t.zip", root=str(root))
    replay = audit_evidence(tmp_path / "t.zip")
    assert [(f.check.id, f.status) for f in live.findings] == \
           [(f.check.id, f.status) for f in replay.findings]
