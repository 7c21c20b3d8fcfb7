"""The findings of each Windows sample bundle (samples/evidence/windows-*), pinned.

These are what a Windows expert expects from each scenario (see
samples/evidence/README-windows.md): any change in the collector or the checks that moves
one of them must be deliberate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dentsec.engine import audit_evidence

from .build import SAMPLES

EXPECTED: dict[str, dict[str, list[str]]] = {
    "windows-unmanaged-win10": {
        "fail": ["ACC-DAILY-ADMIN", "ACC-NAMED", "ACC-SCREEN-LOCK", "BAK-CONFIGURED", "BAK-RECENT",
                 "BAK-RESTORE-TESTED", "BAK-VERIFIED", "DL-AUTO-OPEN", "DL-AUTORUN",
                 "DL-UNWANTED-SOFTWARE", "ENC-SYSTEM-DISK", "FW-ENABLED", "FW-REMOTE-DESKTOP",
                 "FW-SMB1", "PWD-BROWSER-SAVED", "PWD-COMPLEXITY", "PWD-LOCKOUT", "PWD-MIN-LENGTH",
                 "PWD-PLAINTEXT-FILES", "UPD-OS-SUPPORTED", "UPD-RECENT", "UPD-SOFTWARE-SUPPORTED"],
        "warn": ["ACC-DORMANT", "FW-REMOTE-TOOLS", "FW-RISKY-SERVICES", "FW-UNJUSTIFIED-PORTS",
                 "PWD-RENEWAL", "UPD-PENDING"],
        # Windows never says whether a password is empty; "accueil" only does not require one.
        "unknown": ["ACC-EMPTY-PASSWORD"],
        "na": ["ACC-HIDDEN-SUPERUSER", "BAK-CLOUD-ASSESSED", "BAK-OFFLINE-COPY"],
        "pass": ["ACC-ADMIN-COUNT", "ACC-GUEST", "ACC-UAC", "DL-REPUTATION", "DL-SCAN",
                 "FW-AV-PRESENT", "FW-AV-UPDATED", "FW-SSH", "UPD-AUTO"],
    },
    "windows-wellkept-win11": {
        # 24H2 Home/Pro left support on 2026-10-13. Windows complexity asks 3 classes of 4,
        # the most it can enforce: a warning, not a failure.
        "fail": ["UPD-OS-SUPPORTED"],
        "warn": ["PWD-COMPLEXITY", "PWD-RENEWAL"],
        # Edge's Login Data is SQLite and only dentsec on the PC counts it, but the browsers'
        # password managers are disabled by policy: nothing can be saved or filled in.
        "na": ["ACC-HIDDEN-SUPERUSER", "BAK-CLOUD-ASSESSED"],
        "pass": ["ACC-ADMIN-COUNT", "ACC-DAILY-ADMIN", "ACC-DORMANT", "ACC-EMPTY-PASSWORD",
                 "ACC-GUEST", "ACC-NAMED", "ACC-SCREEN-LOCK", "ACC-UAC", "BAK-CONFIGURED",
                 "BAK-OFFLINE-COPY", "BAK-RECENT", "BAK-RESTORE-TESTED", "BAK-VERIFIED",
                 "DL-AUTO-OPEN", "DL-AUTORUN", "DL-REPUTATION", "DL-SCAN", "DL-UNWANTED-SOFTWARE",
                 "ENC-SYSTEM-DISK", "FW-AV-PRESENT", "FW-AV-UPDATED", "FW-ENABLED",
                 "FW-REMOTE-DESKTOP", "FW-REMOTE-TOOLS", "FW-RISKY-SERVICES", "FW-SMB1", "FW-SSH",
                 "FW-UNJUSTIFIED-PORTS", "PWD-BROWSER-SAVED", "PWD-LOCKOUT", "PWD-MIN-LENGTH",
                 "PWD-PLAINTEXT-FILES", "UPD-AUTO", "UPD-PENDING", "UPD-RECENT",
                 "UPD-SOFTWARE-SUPPORTED"],
    },
    "windows-no-admin": {
        "fail": ["ACC-NAMED", "PWD-PLAINTEXT-FILES", "UPD-PENDING", "UPD-SOFTWARE-SUPPORTED"],
        "warn": ["PWD-RENEWAL", "UPD-RECENT"],
        # What a standard user cannot see stays unknown, never "pass".
        "unknown": ["ACC-EMPTY-PASSWORD", "BAK-OFFLINE-COPY", "BAK-RECENT", "BAK-RESTORE-TESTED",
                    "BAK-VERIFIED", "ENC-SYSTEM-DISK", "FW-SMB1", "PWD-BROWSER-SAVED",
                    "PWD-COMPLEXITY", "PWD-LOCKOUT", "PWD-MIN-LENGTH"],
        "na": ["ACC-HIDDEN-SUPERUSER", "BAK-CLOUD-ASSESSED"],
        "pass": ["ACC-ADMIN-COUNT", "ACC-DAILY-ADMIN", "ACC-DORMANT", "ACC-GUEST", "ACC-SCREEN-LOCK",
                 "ACC-UAC", "BAK-CONFIGURED", "DL-AUTO-OPEN", "DL-AUTORUN", "DL-REPUTATION",
                 "DL-SCAN", "DL-UNWANTED-SOFTWARE", "FW-AV-PRESENT", "FW-AV-UPDATED", "FW-ENABLED",
                 "FW-REMOTE-DESKTOP", "FW-REMOTE-TOOLS", "FW-RISKY-SERVICES", "FW-SSH",
                 "FW-UNJUSTIFIED-PORTS", "UPD-AUTO", "UPD-OS-SUPPORTED"],
    },
}


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_findings(sample: str) -> None:
    report = audit_evidence(SAMPLES / sample)
    got: dict[str, list[str]] = {}
    for finding in report.findings:
        got.setdefault(finding.status, []).append(finding.check.id)
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in EXPECTED[sample].items() if v}


def _messages(sample: str) -> dict[str, str]:
    return {f.check.id: f.message["en"] + " | " + " ".join(f.evidence)
            for f in audit_evidence(Path(SAMPLES / sample)).findings}


def test_unmanaged_details() -> None:
    msg = _messages("windows-unmanaged-win10")
    assert "2025-10-14" in msg["UPD-OS-SUPPORTED"]
    assert "Network Level Authentication" in msg["FW-REMOTE-DESKTOP"]
    assert "accueil" in msg["ACC-NAMED"] and "drmartin" in msg["ACC-DAILY-ADMIN"]
    assert "private" in msg["FW-ENABLED"]
    assert "TeamViewer" in msg["FW-REMOTE-TOOLS"] and "AnyDesk" in msg["FW-REMOTE-TOOLS"]
    assert "Office" in msg["UPD-SOFTWARE-SUPPORTED"] and "Chrome" in msg["UPD-SOFTWARE-SUPPORTED"]
    assert "mots de passe.txt" in msg["PWD-PLAINTEXT-FILES"]
    assert "tcp/7070" in msg["FW-UNJUSTIFIED-PORTS"] and "tcp/135" not in msg["FW-UNJUSTIFIED-PORTS"]


def test_wellkept_details() -> None:
    msg = _messages("windows-wellkept-win11")
    assert "24H2" in msg["UPD-OS-SUPPORTED"] and "2026-10-13" in msg["UPD-OS-SUPPORTED"]
    assert "dr.lefevre" in msg["ACC-DAILY-ADMIN"]  # the person at the screen, not the IT account
    assert "BitLocker XtsAes128" in msg["ENC-SYSTEM-DISK"]


def test_no_admin_unknowns_say_why() -> None:
    msg = _messages("windows-no-admin")
    for check in ("PWD-MIN-LENGTH", "ENC-SYSTEM-DISK", "FW-SMB1"):
        assert "needs administrator rights" in msg[check], check
