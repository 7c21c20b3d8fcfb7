"""The guide's rule, the CNIL cases and the combined verdict (the decomposition itself:
test_passwords_decompose.py)."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.checks.policy import Policy
from dentsec.i18n import set_language
from dentsec.passwords.assess import assess
from dentsec.passwords.rules import check_policy, classes_of, passphrase_words
from dentsec.passwords.wordlists import fold, squash

POLICY = Policy()


# --- the guide's rule and the CNIL cases -------------------------------------------------

@pytest.mark.parametrize(("password", "ok", "failures"), [
    ("Abcdefgh1!xy", True, ()),
    ("Abcdefgh1!x", False, ("min_length",)),
    ("abcdefgh1!xyz", False, ("min_classes",)),
    ("ab1!", False, ("min_length", "min_classes")),
    ("Élève-Été-2024", True, ()),  # accented capitals count as capitals
])
def test_policy(password: str, ok: bool, failures: tuple[str, ...]) -> None:
    result = check_policy(password, POLICY)
    assert result.ok is ok
    assert result.failures == failures


def test_policy_follows_the_shared_policy() -> None:
    relaxed = Policy(password_min_length=8, password_min_classes=3)
    assert check_policy("Abcdefg1", relaxed).ok
    assert not check_policy("Abcdefg1", POLICY).ok


@pytest.mark.parametrize(("password", "cases"), [
    ("Abcdefgh1!xy", ("12_chars_4_classes",)),
    ("Abcdefghij1234", ("14_chars_upper_lower_digit",)),
    ("Abcdefghij123", ()),
    ("cheval lune table rouge nuage porte sable", ("passphrase_7_words",)),
    ("ChevalLuneTableRougeNuagePorteSable", ("passphrase_7_words",)),
])
def test_cnil_cases(password: str, cases: tuple[str, ...]) -> None:
    assert check_policy(password, POLICY).cnil_cases == cases


@given(st.text())
def test_policy_never_fails_and_is_consistent(password: str) -> None:
    result = check_policy(password, POLICY)
    assert result.length == len(password)
    assert result.ok == (len(password) >= 12 and len(classes_of(password)) >= 4)
    assert passphrase_words(password) >= 0


# --- the verdict -------------------------------------------------------------------------

JSON_KEYS = {"policy_ok", "policy_failures", "score", "guesses_log10", "min_guesses_log10",
             "pieces", "common", "breached", "acceptable", "feedback"}


def test_marseille_2024_is_refused_in_french_and_english() -> None:
    set_language("fr")
    data = assess("Marseille2024!", POLICY).to_json()
    assert JSON_KEYS <= set(data)
    assert data["policy_ok"] is True  # meets the letter of the rule...
    assert data["common"] is True  # ...but is a town, a year and a symbol
    assert data["acceptable"] is False
    assert data["pieces"] == ["cities", "year", "symbol"]
    assert "ville + année + symbole" in " ".join(data["feedback"])
    set_language("en")
    assert "town + year + symbol" in " ".join(assess("Marseille2024!", POLICY).feedback)
    set_language("fr")


def test_breached_from_shipped_list_else_unknown() -> None:
    assert assess("azerty", POLICY).breached is True
    assert assess("xK9#mQ2!vL7z-Rt", POLICY).breached is None
    assert assess("xK9#mQ2!vL7z-Rt", POLICY, breach_count=0).breached is False
    assert assess("xK9#mQ2!vL7z-Rt", POLICY, breach_count=3).acceptable is False


def test_shipped_list_counts_even_when_hibp_says_zero() -> None:
    verdict = assess("azerty", POLICY, breach_count=0)
    assert (verdict.breached, verdict.breach_source) == (True, "list")


def test_strong_password_is_acceptable() -> None:
    data = assess("Velours-Orage7-Falaise#Pivoine", POLICY).to_json()
    assert data["acceptable"] is True and data["score"] == 4


def test_the_offline_bar_follows_the_policy() -> None:
    password = "SoleilBleu2024!"  # about 10^7: fine online, not offline
    assert not assess(password, POLICY).acceptable
    online = Policy(password_min_guesses_log10=6.0)
    verdict = assess(password, online)
    assert verdict.acceptable
    assert assess(password, Policy(password_min_guesses_log10=14.0)).min_guesses_log10 == 14


def test_long_passwords_are_estimated_on_72_characters() -> None:
    verdict = assess("Xq7!" * 30, POLICY)
    assert verdict.to_json()["estimated_on_first"] == 72
    assert any("72" in line for line in verdict.feedback)


@settings(deadline=None)
@given(st.text(max_size=90), st.text(max_size=10))
def test_verdict_never_contains_the_password(head: str, tail: str) -> None:
    secret = head + "Ωcanari" + tail  # a marker no message contains
    for lang in ("fr", "en"):
        set_language(lang)
        data = assess(secret, POLICY).to_json()
        assert "Ωcanari" not in json.dumps(data, ensure_ascii=False)
    set_language("fr")


def test_fold() -> None:
    assert fold("Saint-Étienne") == "saint-etienne"
    assert fold("Cœur") == "coeur"
    assert squash("L'Haÿ-les-Roses") == "lhaylesroses"


def test_printable_passwords_never_fail() -> None:
    for password in ["", " ", string.punctuation, string.printable, "é" * 200]:
        assess(password, POLICY)
