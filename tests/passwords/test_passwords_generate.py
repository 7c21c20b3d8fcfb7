"""Generators: every passphrase and random password passes the policy; sentence and
phonetic methods show their derivation."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.checks.policy import Policy
from dentsec.passwords import generate
from dentsec.passwords.cli import password
from dentsec.passwords.phonetic import derive as phonetic
from dentsec.passwords.phonetic import password_of as phonetic_password
from dentsec.passwords.rules import check_policy
from dentsec.passwords.sentence import derive, password_of
from dentsec.passwords.wordlists import passphrase_words

POLICIES = st.builds(Policy, password_min_length=st.integers(1, 40),
                     password_min_classes=st.integers(0, 4))


@settings(max_examples=150, deadline=None)
@given(POLICIES, st.one_of(st.none(), st.integers(1, 10)))
def test_every_passphrase_passes_the_policy(policy: Policy, words: int | None) -> None:
    made = generate.passphrase(policy, words)
    assert check_policy(made.password, policy).ok
    assert check_policy(made.password, Policy()).ok or len(made.password) < 12


@settings(max_examples=150, deadline=None)
@given(POLICIES, st.one_of(st.none(), st.integers(1, 64)))
def test_every_random_password_passes_the_policy(policy: Policy, length: int | None) -> None:
    made = generate.random_password(policy, length)
    assert len(made.password) >= max(16, policy.password_min_length, length or 0)
    assert check_policy(made.password, policy).ok
    assert check_policy(made.password, Policy()).ok


def test_default_passphrase_is_strong_and_french() -> None:
    from dentsec.passwords.assess import assess

    made = generate.passphrase(Policy())
    assert made.entropy_bits >= generate.PASSPHRASE_MIN_BITS
    assert assess(made.password, Policy()).acceptable
    words = re.findall(r"[A-Z][a-z]+", made.password)
    assert len(words) == 5
    assert all(w.lower() in passphrase_words() for w in words)
    assert sum(c.isdigit() for c in made.password) == 1


def test_passphrase_words_are_curated() -> None:
    words = passphrase_words()
    assert len(words) == len(set(words)) == 4096
    assert all(w.isascii() and w.isalpha() and w.islower() and 4 <= len(w) <= 8 for w in words)
    for banned in ("merde", "putain", "salope", "connard", "baise", "marseille", "nicolas"):
        assert banned not in words


class _Counting:
    """Stands in for the secrets module to prove the draws go through it."""

    def __init__(self) -> None:
        self.calls = 0

    def choice(self, seq):  # type: ignore[no-untyped-def]
        self.calls += 1
        return secrets.choice(seq)

    def randbelow(self, n: int) -> int:
        self.calls += 1
        return secrets.randbelow(n)


def test_randomness_comes_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Counting()
    monkeypatch.setattr(generate, "secrets", counting)
    generate.passphrase(Policy())
    generate.random_password(Policy())
    assert counting.calls >= 5 + 16
    assert generate.secrets is counting


def test_sentence_first_letters() -> None:
    steps = derive("J'ai acheté 3 croissants pour cent euros et deux cafés !")
    assert password_of(steps) == "J'aa3cp%€&2c!"
    why = {s.source: s.why for s in steps}
    assert "cent" in why["cent"] and "première lettre" in why["acheté"]
    assert derive("Cette année, sept chats")[0].written == "7"


def test_phonetic_helper() -> None:
    steps = phonetic("J'ai acheté huit CD pour cent euros cet après-midi")
    assert phonetic_password(steps).startswith("GHT8CD")
    acheté = next(s for s in steps if s.source == "acheté")
    assert acheté.written == "HT" and "ache" in acheté.why


def test_phonetic_uses_syllable_sounds_and_says_which() -> None:
    steps = {s.source: s for s in phonetic("Mon cadeau : trois croissants et un vélo")}
    assert steps["croissants"].written == "c%"  # "-ssants" sounds like "cent"
    assert "san→%" in steps["croissants"].why
    assert steps["cadeau"].written == "KdO" and "ca→K" in steps["cadeau"].why
    assert steps["vélo"].written.startswith("V")  # "vé-lo": the consonant leads


def test_phonetic_never_cuts_inside_a_digraph() -> None:
    # "oi" is one sound: no "o"→O then "i"→I in "voiture"
    assert "o→O" not in phonetic("voiture")[0].why


PRIVATE = ["Ma voisine Gisèle promène deux furets le mardi matin",
           "Quand il pleut Arthur range ses cactus sous l'escalier",
           "Notre cabinet a ouvert à côté du marché aux puces",
           "Chaque jeudi Paul mange quatre crêpes au sucre avant le judo"]


def test_phonetic_mostly_sounds_not_first_letters() -> None:
    words = [s for text in PRIVATE for s in phonetic(text) if len(s.source) >= 3]
    sounded = [s for s in words if "première lettre" not in s.why or "sons" in s.why]
    assert len(sounded) >= 0.6 * len(words)


@pytest.mark.parametrize("method", ["sentence", "phonetic"])
@pytest.mark.parametrize("famous", [
    "Allons enfants de la Patrie, le jour de gloire est arrivé !",
    "Maître Corbeau, sur un arbre perché, tenait en son bec 1 fromage",
    "La vie en rose",
])
def test_famous_sentences_are_refused(method: str, famous: str) -> None:
    result = CliRunner().invoke(password, ["generate", "--method", method, "--stdin",
                                           "--lang", "fr"], input=famous + "\n")
    assert result.exit_code == 2
    assert "phrase personnelle" in result.output
    assert "Mot de passe :" not in result.output


def test_a_personal_sentence_with_a_common_pair_of_words_is_not_refused() -> None:
    result = CliRunner().invoke(password, ["generate", "--method", "sentence", "--stdin"],
                                input="Je t'aime, Zoé, depuis le 3 mars 2011 à Vannes !\n")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("method", "words"), [("sentence", "caractères quelconques"),
                                               ("phonetic", "caractères quelconques"),
                                               ("passphrase", "mots tirés au hasard"),
                                               ("random", "caractères tirés au hasard")])
def test_every_method_says_its_bits_and_why(method: str, words: str) -> None:
    args = ["generate", "--method", method, "--format", "json", "--lang", "fr"]
    sentence = "Ma voisine Gisèle promène 2 furets le mardi vers 18h !\n"
    result = CliRunner().invoke(password, args + (["--stdin"] if method in (
        "sentence", "phonetic") else []), input=sentence)
    data = json.loads(result.output)
    assert data["entropy_bits"] > 40
    assert words in data["bits_why"] and "bits" in data["bits_why"]


def test_cli_sentence_gives_advice_when_short() -> None:
    runner = CliRunner()
    result = runner.invoke(password, ["generate", "--method", "sentence", "--stdin",
                                      "--lang", "fr"], input="le chat dort\n")
    assert result.exit_code == 1
    assert "Allongez la phrase" in result.output
    assert "Mettez une majuscule" in result.output
    assert "→" in result.output  # the derivation is shown


def test_cli_sentence_json() -> None:
    runner = CliRunner()
    result = runner.invoke(password, ["generate", "--method", "sentence", "--stdin",
                                      "--format", "json"],
                           input="Mon cabinet ouvre à 8 heures et ferme à 19 heures !\n")
    data = json.loads(result.output)
    assert data["password"] == "Mco@8h&f@19h!"
    assert data["policy_ok"] is True
    assert [s["written"] for s in data["steps"]][:3] == ["M", "c", "o"]


@pytest.mark.parametrize("method", ["passphrase", "random"])
def test_cli_generators(method: str) -> None:
    result = CliRunner().invoke(password, ["generate", "--method", method, "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["policy_ok"] and data["acceptable"]
    assert len(data["password"]) >= (16 if method == "random" else 12)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_sentence_methods_never_fail_on_any_text(text: str) -> None:
    from dentsec.passwords.sentence import is_famous

    for steps in (derive(text), phonetic(text)):
        rest = text
        for step in steps:  # every part of the sentence, in order, each written somehow
            assert step.written and step.source in rest
            rest = rest[rest.index(step.source) + len(step.source):]
    is_famous(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["vélo", "croissant", "cadeau", "préféré", "Pierre", "cent",
                                 "oiseau", "ensuite", "chaque", "jeudi", "gâteau", "Zoé"]),
                min_size=1, max_size=8))
def test_phonetic_parts_spell_the_word(words: list[str]) -> None:
    from dentsec.passwords.phonetic import _cut, _spoken

    for word in words:
        assert "".join(part for part, _ in _cut(_spoken(word))) == _spoken(word)
