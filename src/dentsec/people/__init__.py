"""What people declare and learn: the questions no probe can answer (questions.toml) and
the awareness course's modules (modules.toml). Plain data, no Django: the CLI's framework
coverage and the console both read them here."""

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


@dataclass(frozen=True)
class Module:
    id: str
    rule: int
    title: Text


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
                            text_of(entry.get("fix"), f"{qid}.fix"))
    return out


@lru_cache(maxsize=1)
def modules() -> dict[str, Module]:
    out: dict[str, Module] = {}
    for entry in _load("modules.toml", "module"):
        mid = str(entry["id"])
        if mid in out:
            raise CatalogError(f"modules.toml[{mid}]: duplicate id")
        out[mid] = Module(mid, _rule(entry, mid), text_of(entry.get("title"), f"{mid}.title"))
    return out
