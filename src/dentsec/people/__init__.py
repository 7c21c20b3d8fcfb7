"""What people declare and learn: the questions no probe can answer (questions.toml) and
the awareness course's modules (modules.toml, each module's content in course/<id>.toml:
story, habit, recommendation and a quiz whose first choice is the right one — the page
shuffles them). Plain data, no Django: the CLI's framework coverage and the console both
read them here."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dentsec.checks.catalog import RULE_NAMES, CatalogError, Text, text_of

HERE = Path(__file__).parent
PARTS = ("practice", "provider")


@dataclass(frozen=True)
class Question:
    id: str
    rule: int
    part: str
    """"practice", or "provider" (the IT provider may fill it)."""
    text: Text
    fix: Text
    per_device: bool = False
    """Also asked for each workstation (the habits at its desk)."""


@dataclass(frozen=True)
class QuizItem:
    question: Text
    choices: tuple[Text, ...]
    """The right answer first (the page shows them shuffled)."""
    explain: Text


@dataclass(frozen=True)
class Module:
    id: str
    rule: int
    title: Text
    story: Text
    habit: Text
    recommendation: Text
    quiz: tuple[QuizItem, ...]


def _load(name: str, key: str) -> list[dict[str, object]]:
    with open(HERE / name, "rb") as fh:
        entries = tomllib.load(fh).get(key, [])
    if not isinstance(entries, list):
        raise CatalogError(f"{name}: [[{key}]] expected")
    return entries


def _rule(entry: dict[str, object], where: str) -> int:
    rule = entry.get("rule")
    if not isinstance(rule, int) or rule not in RULE_NAMES:
        raise CatalogError(f"{where}: rule must be 0..6")
    return rule


@lru_cache(maxsize=1)
def questions() -> dict[str, Question]:
    out: dict[str, Question] = {}
    for entry in _load("questions.toml", "question"):
        qid = str(entry["id"])
        part = str(entry.get("part"))
        if part not in PARTS or qid in out:
            raise CatalogError(f"questions.toml[{qid}]: bad part or duplicate id")
        out[qid] = Question(qid, _rule(entry, qid), part,
                            text_of(entry.get("text"), f"{qid}.text"),
                            text_of(entry.get("fix"), f"{qid}.fix"),
                            per_device=entry.get("per_device") is True)
    return out


@lru_cache(maxsize=1)
def modules() -> dict[str, Module]:
    out: dict[str, Module] = {}
    for entry in _load("modules.toml", "module"):
        mid = str(entry["id"])
        if mid in out:
            raise CatalogError(f"modules.toml[{mid}]: duplicate id")
        with open(HERE / "course" / f"{mid}.toml", "rb") as fh:
            body = tomllib.load(fh)
        quiz = tuple(
            QuizItem(text_of(item.get("question"), f"{mid}.quiz.question"),
                     tuple(text_of(c, f"{mid}.quiz.choices") for c in item.get("choices", [])),
                     text_of(item.get("explain"), f"{mid}.quiz.explain"))
            for item in body.get("quiz", []))
        if not 4 <= len(quiz) <= 6 or any(len(item.choices) < 2 for item in quiz):
            raise CatalogError(f"course/{mid}.toml: 4 to 6 questions of 2 choices or more")
        out[mid] = Module(mid, _rule(entry, mid), text_of(entry.get("title"), f"{mid}.title"),
                          story=text_of(body.get("story"), f"{mid}.story"),
                          habit=text_of(body.get("habit"), f"{mid}.habit"),
                          recommendation=text_of(body.get("recommendation"),
                                                 f"{mid}.recommendation"), quiz=quiz)
    return out
