"""The findings of each macOS sample bundle, pinned (samples/evidence/README-macos.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dentsec.engine import audit_evidence

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "evidence"

UNMANAGED = {
    "PWD-MIN-LENGTH": "fail", "PWD-COMPLEXITY": "fail", "PWD-LOCKOUT": "fail",
    "PWD-RENEWAL": "unknown", "PWD-PLAINTEXT-FILES": "fail", "PWD-BROWSER-SAVED": "fail",
    "UPD-OS-SUPPORTED": "fail", "UPD-AUTO": "fail", "UPD-PENDING": "fail", "UPD-RECENT": "fail",
    "UPD-SOFTWARE-SUPPORTED": "fail",
    "ACC-NAMED": "fail", "ACC-DAILY-ADMIN": "fail", "ACC-ADMIN-COUNT": "pass",
    "ACC-EMPTY-PASSWORD": "unknown", "ACC-HIDDEN-SUPERUSER": "pass", "ACC-GUEST": "fail",
    "ACC-UAC": "na", "ACC-SCREEN-LOCK": "fail", "ACC-DORMANT": "unknown",
    "BAK-CONFIGURED": "fail", "BAK-RECENT": "fail", "BAK-VERIFIED": "fail",
    "BAK-RESTORE-TESTED": "fail", "BAK-OFFLINE-COPY": "na", "BAK-CLOUD-ASSESSED": "na",
    "DL-AUTO-OPEN": "fail", "DL-REPUTATION": "fail", "DL-AUTORUN": "na", "DL-SCAN": "pass",
    "DL-UNWANTED-SOFTWARE": "fail",
    "FW-ENABLED": "fail", "FW-AV-PRESENT": "pass", "FW-AV-UPDATED": "fail",
    "FW-REMOTE-DESKTOP": "fail", "FW-SSH": "pass", "FW-RISKY-SERVICES": "warn", "FW-SMB1": "na",
    "FW-REMOTE-TOOLS": "warn", "FW-UNJUSTIFIED-PORTS": "warn",
    "ENC-SYSTEM-DISK": "fail",
}

WELLKEPT = {check: "pass" for check in UNMANAGED} | {
    # macOS shows neither empty passwords nor last logons to an audit; never a pass by default.
    "ACC-EMPTY-PASSWORD": "unknown", "ACC-DORMANT": "unknown",
    "ACC-UAC": "na", "DL-AUTORUN": "na", "FW-SMB1": "na", "BAK-CLOUD-ASSESSED": "na",
}


@pytest.mark.parametrize(("sample", "expected"), [("macos-unmanaged", UNMANAGED),
                                                  ("macos-wellkept", WELLKEPT)])
def test_sample_findings(sample: str, expected: dict[str, str]) -> None:
    report = audit_evidence(SAMPLES / sample)
    assert report.os_family == "macos"
    assert {f.check.id: f.status for f in report.findings} == expected


def test_unmanaged_evidence_says_why() -> None:
    report = audit_evidence(SAMPLES / "macos-unmanaged")
    found = {f.check.id: f for f in report.findings}
    assert "cabinet" in found["ACC-DAILY-ADMIN"].message["en"]
    assert found["UPD-OS-SUPPORTED"].evidence[-1] == "eol = macos/13: 2025-09-15"
    assert "chrome cabinet/Default: 37" in found["PWD-BROWSER-SAVED"].evidence
    assert "chrome cabinet/Default: pdf, zip" in found["DL-AUTO-OPEN"].evidence
    assert found["UPD-PENDING"].evidence == ("updates.pending_security_updates = 1",
                                             "updates.pending_updates = 2")
    # Collected without admin rights: the second user's folders stay unknown, not clean.
    assert "sophie" in found["PWD-RENEWAL"].evidence[0]
    assert report.score.overall is not None and report.score.overall < 50


def test_every_failure_has_macos_remediation() -> None:
    for sample in ("macos-unmanaged", "macos-wellkept"):
        for finding in audit_evidence(SAMPLES / sample).findings:
            rem = finding.remediation("macos")
            assert rem is not None, finding.check.id
            assert rem.practice["fr"] and rem.practice["en"] and rem.it["fr"] and rem.it["en"]
