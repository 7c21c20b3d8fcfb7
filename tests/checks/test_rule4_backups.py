"""Rule 4 verdicts on facts: what is seen absent fails, what is doubtful never passes."""

from __future__ import annotations

from tests.checks.conftest import ago, good_facts

from dentsec.checks.policy import Policy
from dentsec.engine import Finding, evaluate
from dentsec.facts import Backup, BackupTool, Facts

RULE4 = ("BAK-CONFIGURED", "BAK-RECENT", "BAK-VERIFIED", "BAK-RESTORE-TESTED",
         "BAK-OFFLINE-COPY")


def findings(facts: Facts) -> dict[str, Finding]:
    return {f.check.id: f for f in evaluate(facts, Policy()) if f.check.id in RULE4}


def backup_of(facts: Facts) -> Backup:
    assert facts.backup is not None
    return facts.backup


def test_restic_installed_but_nothing_configured_fails_every_check() -> None:
    facts = good_facts()
    fam = backup_of(facts)
    fam.tools = [BackupTool(tool="restic", configured=False)]
    fam.dentsec_configured = False
    fam.last_backup = fam.last_verify = fam.last_drill = None
    fam.disk_always_connected = None
    found = findings(facts)
    assert {i: f.status for i, f in found.items()} == dict.fromkeys(RULE4, "fail")
    for finding in found.values():
        assert "Aucune sauvegarde configurée" in finding.message["fr"]


def test_a_backup_forced_onto_the_data_disk_never_passes() -> None:
    facts = good_facts()
    backup_of(facts).repository_same_disk = True
    found = findings(facts)
    assert found["BAK-CONFIGURED"].status == "warn"
    assert found["BAK-OFFLINE-COPY"].status == "warn"
    assert "même disque" in found["BAK-OFFLINE-COPY"].message["fr"]


def test_a_failed_last_run_is_said_with_its_reason() -> None:
    facts = good_facts()
    fam = backup_of(facts)
    fam.last_run_at = ago(0.1)
    fam.last_run_error = "Le disque de sauvegarde est plein : libérez de la place."
    recent = findings(facts)["BAK-RECENT"]
    assert recent.status == "warn"
    assert "a échoué : Le disque de sauvegarde est plein" in recent.message["fr"]


def test_old_complete_backup_fails_even_with_newer_incomplete_ones() -> None:
    facts = good_facts()
    fam = backup_of(facts)
    fam.last_backup = fam.tools[0].last_backup = ago(9)
    fam.last_partial_backup, fam.incomplete_runs, fam.incomplete_kind = ago(0.2), 9, "changed-files"
    recent = findings(facts)["BAK-RECENT"]
    assert recent.status == "fail"
    assert "9 sauvegardes de suite sont incomplètes" in recent.message["fr"]
    assert "export" in recent.message["fr"]


def test_repeated_incomplete_runs_warn_naming_the_fix() -> None:
    facts = good_facts()
    fam = backup_of(facts)
    fam.last_partial_backup, fam.incomplete_runs, fam.incomplete_kind = ago(0.1), 2, "changed-files"
    recent = findings(facts)["BAK-RECENT"]
    assert recent.status == "warn" and "fermez le logiciel" in recent.message["fr"]
    fam.incomplete_runs = 1  # once is a hint, not yet a pattern
    assert findings(facts)["BAK-RECENT"].status == "pass"


def test_damage_fails_verification_until_repaired() -> None:
    facts = good_facts()
    fam = backup_of(facts)
    fam.damaged_since, fam.damage_reason = ago(5), "la vérification a trouvé des erreurs"
    fam.last_verify, fam.last_verify_ok = ago(0.5), True  # a lucky partial check since
    verified = findings(facts)["BAK-VERIFIED"]
    assert verified.status == "fail" and "endommagé" in verified.message["fr"]


def test_never_read_in_full_is_a_warn() -> None:
    facts = good_facts()
    backup_of(facts).last_full_read = None
    assert findings(facts)["BAK-VERIFIED"].status == "warn"


def test_status_seen_without_any_success_fails() -> None:
    facts = good_facts()
    fam = backup_of(facts)
    fam.last_backup = fam.tools[0].last_backup = None
    fam.last_run_at, fam.last_run_error = ago(0.5), "le dépôt est introuvable"
    recent = findings(facts)["BAK-RECENT"]
    assert recent.status == "fail" and "jamais réussi" in recent.message["fr"]


def test_an_incomplete_last_run_is_told_as_incomplete_not_as_failed() -> None:
    facts = good_facts()
    fam = backup_of(facts)
    fam.last_partial_backup = fam.last_run_at = ago(0.1)
    fam.last_run_error = "Sauvegarde à reprendre : 1 fichier(s) ont changé pendant la sauvegarde"
    fam.incomplete_runs, fam.incomplete_kind = 1, "changed-files"
    recent = findings(facts)["BAK-RECENT"]
    assert recent.status == "pass", recent.message
    assert "a échoué" not in recent.message["fr"]
    assert "est incomplète" in recent.message["fr"]
