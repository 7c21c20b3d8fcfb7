"""What the practice reads: every message of every case in French words (no raw token),
every unknown and na finding saying why in a sentence, the technical reason kept apart."""

from __future__ import annotations

import re

import pytest
from tests.checks.conftest import good_facts
from tests.checks.test_checks import CASES, run

from dentsec.checks.policy import Policy
from dentsec.checks.runner import evaluate
from dentsec.facts import AutoOpen, BackupTool, BrowserPasswords, FirewallProfile, ListeningSocket
from dentsec.vocab import Status

# Tokens of the facts and the catalog that must never reach a French sentence.
RAW_FR = re.compile(r"(?<![\w-])(none|None|True|False|private|domain|critical|high|medium|low|"
                    r"application-firewall|deja-dup|time-machine|file-history|windows-backup|"
                    r"not-found|not-collected|permission|offline|outside-root|unknown|\?)(?![\w-])")
RAW_ANY = re.compile(r"(?<![\w-])(None|True|False|application-firewall|not-found|not-collected|"
                     r"outside-root|\?)(?![\w-])")
CASE_IDS = [(c, s) for c, cases in CASES.items() for s in cases]


def _raw(message: dict[str, str]) -> list[str]:
    return RAW_FR.findall(message["fr"]) + RAW_ANY.findall(message["en"])


@pytest.mark.parametrize(("check_id", "expected"), CASE_IDS)
def test_every_case_reads_in_french_words(check_id: str, expected: str) -> None:
    facts = good_facts()
    CASES[check_id][expected](facts)
    finding = run(facts, check_id.removesuffix("-VERDICT"))
    assert _raw(finding.message) == [], finding.message
    if finding.status in (Status.UNKNOWN, Status.NA):
        # the sentence says why; the collector's words stay in the evidence
        assert finding.message["fr"].endswith(".") and len(finding.message["fr"]) > 30
        assert finding.evidence and finding.evidence[0] not in finding.message["fr"]


def test_unknown_says_which_fact_and_why() -> None:
    facts = good_facts()
    assert facts.password_policy is not None
    facts.password_policy.min_length = None
    facts.password_policy.unknown["min_length"] = "/etc/login.defs: permission"
    facts.firewall = None
    facts.unknown["firewall"] = "nft: not-found"
    by_id = {f.check.id: f for f in evaluate(facts, Policy())}
    pwd = by_id["PWD-MIN-LENGTH"]
    assert pwd.message["fr"] == ("Impossible de vérifier la politique de mots de passe : droits "
                                 "insuffisants : relancez l'audit en administrateur.")
    assert pwd.message["en"].startswith("Cannot check the password policy: not enough rights")
    assert pwd.evidence == ("password_policy.min_length: /etc/login.defs: permission",)
    assert by_id["FW-ENABLED"].message["fr"] == (
        "Impossible de vérifier le pare-feu : l'outil qui permet de le lire n'est pas installé "
        "sur ce poste.")


def test_na_says_why_in_french() -> None:
    by_id = {f.check.id: f for f in evaluate(good_facts(), Policy())}
    assert by_id["ACC-HIDDEN-SUPERUSER"].message["fr"] == (
        "Sans objet sur Windows : ce système ne prévoit pas les comptes cachés avec les droits "
        "de root.")
    assert "Aucune sauvegarde en ligne" in by_id["BAK-CLOUD-ASSESSED"].message["fr"]


def test_tokens_become_words() -> None:
    facts = good_facts()
    assert facts.firewall and facts.passwords and facts.downloads and facts.backup
    assert facts.network
    facts.firewall.profiles[1].enabled = False
    facts.passwords.browsers.append(BrowserPasswords(browser="edge", user="martin", saved_count=2))
    facts.downloads.auto_open.append(AutoOpen(browser="chrome", user="martin", profile="Default",
                                              extensions=["pdf"]))
    facts.backup.tools = [BackupTool(tool="file-history", last_backup=facts.backup.last_backup)]
    facts.backup.dentsec_configured = False
    facts.network.listening.append(ListeningSocket(proto="tcp", address="0.0.0.0", port=8443))
    by_id = {f.check.id: f.message["fr"] for f in evaluate(facts, Policy())}
    assert by_id["FW-ENABLED"] == "Pare-feu désactivé : profil privé."
    assert "Microsoft Edge (martin)" in by_id["PWD-BROWSER-SAVED"]
    assert "Google Chrome (martin) : pdf" in by_id["DL-AUTO-OPEN"]
    assert by_id["BAK-CONFIGURED"] == "Sauvegarde en place : Historique des fichiers."
    assert "8443 (programme inconnu)" in by_id["FW-UNJUSTIFIED-PORTS"]


def test_no_firewall_is_not_shown_as_none() -> None:
    facts = good_facts()
    assert facts.firewall is not None
    facts.firewall.backend = None
    facts.firewall.profiles = [FirewallProfile(name="none", enabled=False)]
    finding = run(facts, "FW-ENABLED")
    assert finding.status == Status.FAIL and "none" not in finding.message["fr"]
