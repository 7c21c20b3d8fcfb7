"""Policy, mangling, French strength estimation and the combined verdict."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from zxcvbn import matching  # type: ignore[import-untyped]

from dentsec.checks.policy import Policy
from dentsec.i18n import set_language
from dentsec.passwords import estimator
from dentsec.passwords.assess import assess
from dentsec.passwords.mangling import candidates, find_common
from dentsec.passwords.rules import check_policy, classes_of, passphrase_words
from dentsec.passwords.wordlists import SOURCES, fold, ranked

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


# --- mangling ----------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "kind", "mangling"), [
    ("Marseille2024!", "cities", {"case", "year", "symbol"}),
    ("M@rs3ill3", "cities", {"case", "leet"}),
    ("Élodie1985", "first_names", {"case", "accents", "year"}),
    ("saint-etienne42", "cities", {"digits"}),
    ("!!Dupont75", "surnames", {"case", "digits", "symbol"}),
    ("AllezLesVerts!!", "clubs", {"case", "symbol"}),
    ("P4ssw0rd", "passwords", {"case"}),
])
def test_common_after_undoing_mangling(password: str, kind: str, mangling: set[str]) -> None:
    hit = find_common(password)
    assert hit is not None
    assert kind in hit.kinds
    assert mangling <= set(hit.mangling)


@pytest.mark.parametrize("password", ["xK9#mQ2!vL7z-Rt", "Velours-Orage7-Falaise#Pivoine", ""])
def test_not_common(password: str) -> None:
    assert find_common(password) is None


WORDS = st.sampled_from([w for w in ranked("cities") + ranked("first_names")
                         if w.isalpha() and w.isascii() and len(w) >= 4])
SUFFIX = st.one_of(st.integers(1950, 2030).map(str), st.text(string.digits, max_size=4),
                   st.sampled_from(["", "!", "?", "*", "#", "@", "$"]))


@settings(deadline=None)
@given(WORDS, st.lists(st.booleans(), min_size=30, max_size=30), SUFFIX, SUFFIX,
       st.booleans())
def test_mangled_listed_words_stay_common(word: str, upper: list[bool], pre: str, post: str,
                                          leet: bool) -> None:
    cased = "".join(c.upper() if u else c for c, u in zip(word, upper, strict=False))
    if leet:
        cased = cased.replace("a", "@").replace("e", "3").replace("o", "0")
    assert find_common(pre + cased + post) is not None


@settings(deadline=None)
@given(st.text(max_size=80))
def test_mangling_never_fails(text: str) -> None:
    for base, tags in candidates(text):
        assert isinstance(base, str) and isinstance(tags, tuple)
    find_common(text)


# --- zxcvbn with French dictionaries and the AZERTY keyboard -----------------------------

def test_french_dictionaries_registered_once() -> None:
    for kind in SOURCES:
        assert f"fr_{kind}" in matching.RANKED_DICTIONARIES
    assert "azerty" in matching.GRAPHS
    size = len(matching.RANKED_DICTIONARIES["fr_words"])
    import importlib
    importlib.reload(estimator)  # registering again replaces, never grows
    assert len(matching.RANKED_DICTIONARIES["fr_words"]) == size


@pytest.mark.parametrize("walk", ["&é\"'(-è_çà", "wxcvbn,;:!", "qsdfghjklmù", "poiuytreza"])
def test_azerty_walks_are_seen(walk: str) -> None:
    result = estimator.estimate(walk)
    assert result.score <= 2
    assert any(p.kind == "spatial" and p.detail == "azerty" for p in result.patterns) or any(
        p.kind == "dictionary" for p in result.patterns)


def test_number_row_is_an_azerty_walk() -> None:
    patterns = estimator.estimate("&é\"'(-è_çà").patterns
    assert {p.detail for p in patterns} == {"azerty"}


def test_french_words_are_known() -> None:
    kinds = {p.detail for p in estimator.estimate("chouquette").patterns}
    assert kinds & {"fr_words", "fr_passwords"}


def test_long_passwords_are_estimated_on_72_characters() -> None:
    result = estimator.estimate("Xq7!" * 30)
    assert result.truncated
    verdict = assess("Xq7!" * 30, POLICY)
    assert verdict.to_json()["estimated_on_first"] == 72
    assert any("72" in line for line in verdict.feedback)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_estimator_never_fails(text: str) -> None:
    result = estimator.estimate(text)
    assert 0 <= result.score <= 4


# --- the verdict -------------------------------------------------------------------------

JSON_KEYS = {"policy_ok", "policy_failures", "score", "guesses_log10", "common", "breached",
             "acceptable", "feedback"}


def test_marseille_2024_is_refused_in_french_and_english() -> None:
    set_language("fr")
    verdict = assess("Marseille2024!", POLICY)
    data = verdict.to_json()
    assert JSON_KEYS <= set(data)
    assert data["policy_ok"] is True  # meets the letter of the rule...
    assert data["common"] is True  # ...but is a city, a year and a symbol
    assert data["acceptable"] is False
    assert data["score"] <= 1
    assert "ville" in " ".join(data["feedback"])
    set_language("en")
    assert "city" in " ".join(assess("Marseille2024!", POLICY).feedback)
    set_language("fr")


def test_breached_from_shipped_list_else_unknown() -> None:
    assert assess("azerty", POLICY).breached is True
    assert assess("xK9#mQ2!vL7z-Rt", POLICY).breached is None
    assert assess("xK9#mQ2!vL7z-Rt", POLICY, breach_count=0).breached is False
    assert assess("xK9#mQ2!vL7z-Rt", POLICY, breach_count=3).acceptable is False


def test_strong_password_is_acceptable() -> None:
    data = assess("Velours-Orage7-Falaise#Pivoine", POLICY).to_json()
    assert data["acceptable"] is True and data["score"] >= 3


@settings(deadline=None)
@given(st.text(max_size=90), st.text(max_size=10))
def test_verdict_never_contains_the_password(head: str, tail: str) -> None:
    secret = head + "Ωcanari" + tail  # a marker no message contains
    data = assess(secret, POLICY).to_json()
    assert "Ωcanari" not in json.dumps(data, ensure_ascii=False)


def test_fold() -> None:
    assert fold("Saint-Étienne") == "saint-etienne"
    assert fold("Cœur") == "coeur"


# --- the faster matcher and search give zxcvbn's own results -----------------------------

SAMPLES = ["Marseille2024!", "Soleil-Marseille-Chouchou-Doudou-Loulou7", "P@ssw0rd!1980",
           "xK9#mQ2!vL7z-Rt" * 5, "aaaaaaaaaaaa", "abcdef123456", "12/05/1987jtm",
           "&é\"'(-è_çà", "Velours-Orage7-Falaise#Pivoine", "ChouchouLoulou"]


@pytest.mark.parametrize("password", SAMPLES)
def test_same_result_as_zxcvbn(password: str) -> None:
    _same_as_zxcvbn(password)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=50)
       | st.lists(st.sampled_from(["soleil", "2024", "!", "@", "azerty", "Lyon", "3", "0",
                                   "marie", "1", "$", "chat"]), max_size=8).map("".join))
def test_same_result_as_zxcvbn_on_any_text(password: str) -> None:
    _same_as_zxcvbn(password)


def _same_as_zxcvbn(password: str) -> None:
    import math

    from zxcvbn import zxcvbn

    head = password[:72]
    assert matching.dictionary_match(head) == estimator._zxcvbn_dictionary_match(head)
    if not head:
        return
    ours = estimator.estimate(head)
    theirs = zxcvbn(head)
    assert ours.score == theirs["score"]
    assert ours.guesses_log10 == pytest.approx(math.log10(float(theirs["guesses"])), abs=0.011)


def test_shipped_list_counts_even_when_hibp_says_zero() -> None:
    verdict = assess("azerty", POLICY, breach_count=0)
    assert (verdict.breached, verdict.breach_source) == (True, "list")
