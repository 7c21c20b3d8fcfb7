"""The Linux demo bundles give the findings a Linux administrator would expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from dentsec.engine import audit_evidence

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "evidence"
# What an offline tree cannot answer (running processes, sockets, the package cache), and
# unwanted software, which dentsec has no list for among Linux packages.
OFFLINE_UNKNOWN = ["ACC-DAILY-ADMIN", "DL-UNWANTED-SOFTWARE", "FW-RISKY-SERVICES",
                   "FW-UNJUSTIFIED-PORTS", "UPD-PENDING"]
EXPECTED: dict[str, dict[str, list[str]]] = {
    "linux-weak-workstation": {
        "fail": ["ACC-ADMIN-COUNT", "ACC-EMPTY-PASSWORD", "ACC-GUEST", "ACC-HIDDEN-SUPERUSER",
                 "ACC-NAMED", "ACC-SCREEN-LOCK", "BAK-CONFIGURED", "BAK-RECENT",
                 "BAK-RESTORE-TESTED", "BAK-VERIFIED", "DL-AUTO-OPEN", "DL-SCAN",
                 "ENC-SYSTEM-DISK", "FW-AV-PRESENT", "FW-ENABLED", "FW-REMOTE-DESKTOP", "FW-SMB1",
                 "FW-SSH", "PWD-BROWSER-SAVED", "PWD-COMPLEXITY", "PWD-LOCKOUT", "PWD-MIN-LENGTH",
                 "PWD-PLAINTEXT-FILES", "UPD-AUTO", "UPD-OS-SUPPORTED", "UPD-RECENT",
                 "UPD-SOFTWARE-SUPPORTED"],
        "warn": ["ACC-DORMANT", "FW-REMOTE-TOOLS", "PWD-RENEWAL"],
        "unknown": OFFLINE_UNKNOWN,
        # No backup at all, no antivirus: nothing to check about a disk or signatures.
        "na": ["ACC-UAC", "BAK-CLOUD-ASSESSED", "BAK-OFFLINE-COPY", "DL-AUTORUN",
               "DL-REPUTATION", "FW-AV-UPDATED"],
    },
    "linux-hardened-workstation": {
        "pass": ["ACC-ADMIN-COUNT", "ACC-DORMANT", "ACC-EMPTY-PASSWORD", "ACC-GUEST",
                 "ACC-HIDDEN-SUPERUSER", "ACC-NAMED", "ACC-SCREEN-LOCK", "BAK-CONFIGURED",
                 "BAK-OFFLINE-COPY", "BAK-RECENT", "BAK-RESTORE-TESTED", "BAK-VERIFIED",
                 "DL-AUTO-OPEN", "DL-SCAN", "ENC-SYSTEM-DISK", "FW-AV-PRESENT", "FW-AV-UPDATED",
                 "FW-ENABLED", "FW-REMOTE-DESKTOP", "FW-REMOTE-TOOLS", "FW-SMB1", "FW-SSH",
                 "PWD-BROWSER-SAVED", "PWD-COMPLEXITY", "PWD-LOCKOUT", "PWD-MIN-LENGTH",
                 "PWD-PLAINTEXT-FILES", "PWD-RENEWAL", "UPD-AUTO", "UPD-OS-SUPPORTED",
                 "UPD-RECENT", "UPD-SOFTWARE-SUPPORTED"],
        "unknown": OFFLINE_UNKNOWN,
        "na": ["ACC-UAC", "BAK-CLOUD-ASSESSED", "DL-AUTORUN", "DL-REPUTATION"],
    },
}


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_findings(sample: str) -> None:
    report = audit_evidence(SAMPLES / sample)
    got: dict[str, list[str]] = {}
    for finding in report.findings:
        got.setdefault(finding.status, []).append(finding.check.id)
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in EXPECTED[sample].items()}
    assert report.facts.collection_mode == "evidence"


def test_unwanted_software_on_linux_says_dentsec_cannot_tell_yet() -> None:
    """Not the generic "not enough to conclude": the practice is told it is dentsec's limit."""
    report = audit_evidence(SAMPLES / "linux-live-debian12")
    finding = next(f for f in report.findings if f.check.id == "DL-UNWANTED-SOFTWARE")
    assert finding.status == "unknown"
    assert finding.message["fr"] == ("Impossible de vérifier la présence de logiciels "
                                     "indésirables : dentsec ne sait pas encore le lire sur ce "
                                     "système.")
    assert finding.message["en"].startswith("Cannot check whether unwanted software is")


def test_live_sample_audits_cleanly() -> None:
    report = audit_evidence(SAMPLES / "linux-live-debian12")
    assert report.facts.os.name.startswith("Debian GNU/Linux 12")
    assert report.facts.is_admin is True
    assert all(f.evidence for f in report.findings if f.status == "unknown")


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_no_password_hash_in_any_bundle(sample: str) -> None:
    for path in (SAMPLES / sample).rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8", "replace")
            for marker in ("$6$", "$y$", "$2b$", "$5$", "$1$"):
                assert marker not in text, (path, marker)
