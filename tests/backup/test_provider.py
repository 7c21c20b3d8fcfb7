from __future__ import annotations

import json

from tests.backup.support import dentsec

from dentsec.backup.provider import verdict
from dentsec.backup.status import parse_iso, status_path

GOOD = {"hds": "oui", "location": "eee", "availability": "oui", "reversibility": "oui",
        "non_eu_law": "non"}


def test_verdicts() -> None:
    assert verdict(GOOD) == "suitable"
    assert verdict({**GOOD, "hds": "non"}) == "unsuitable"
    assert verdict({**GOOD, "non_eu_law": "oui"}) == "unsuitable"
    assert verdict({**GOOD, "location": "inconnu"}) == "incomplete"
    assert verdict({}) == "incomplete"


def test_answers_are_dated_and_kept_in_the_status() -> None:
    result = dentsec("backup", "provider", "--name", "NuageSanté", "--hds", "oui",
                     "--location", "eee", "--availability", "oui", "--reversibility", "oui",
                     "--non-eu-law", "non")
    assert result.exit_code == 0, result.output
    assert "convient" in result.output
    providers = json.loads(status_path().read_text())["providers"]
    assert len(providers) == 1
    assert providers[0]["name"] == "NuageSanté"
    assert providers[0]["answers"] == GOOD
    assert parse_iso(providers[0]["assessed_at"]) is not None


def test_interactive_questionnaire_and_reassessment() -> None:
    answers = "BigCloud\nnon\nhors-eee\noui\ninconnu\noui\n"
    result = dentsec("backup", "provider", input_text=answers)
    assert result.exit_code == 0, result.output
    assert "NE convient PAS" in result.output
    dentsec("backup", "provider", "--name", "BigCloud", "--hds", "oui", "--location", "eee",
            "--availability", "oui", "--reversibility", "oui", "--non-eu-law", "non")
    providers = json.loads(status_path().read_text())["providers"]
    assert [(p["name"], p["verdict"]) for p in providers] == [("BigCloud", "suitable")]
