"""The texts a French practice is held to, one data file per framework
(anssi-hygiene.toml, ans-memento.toml, cnil.toml): requirement -> the checks that probe
it, the questions that declare it and the course modules that train it."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dentsec.checks.catalog import CatalogError, Text, load_catalog, text_of
from dentsec.paths import data_path
from dentsec.people import modules, questions

HERE = Path(__file__).parent
FRAMEWORK_IDS = ("anssi-hygiene", "ans-memento", "cnil")
COVERAGE: dict[str, Text] = {
    "probed": {"fr": "sondé", "en": "probed"},
    "declared": {"fr": "déclaré", "en": "declared"},
    "trained": {"fr": "formé", "en": "trained"},
    "none": {"fr": "non couvert", "en": "not covered"},
}


@dataclass(frozen=True)
class Requirement:
    id: str
    title: Text
    checks: tuple[str, ...]
    questions: tuple[str, ...]
    modules: tuple[str, ...]

    @property
    def coverage(self) -> tuple[str, ...]:
        """Which of probed / declared / trained cover it, or ("none",)."""
        kinds = tuple(kind for kind, ids in (("probed", self.checks),
                                             ("declared", self.questions),
                                             ("trained", self.modules)) if ids)
        return kinds or ("none",)


@dataclass(frozen=True)
class Framework:
    id: str
    title: Text
    requirements: tuple[Requirement, ...]


def _ids(entry: dict[str, object], key: str, known: object, where: str) -> tuple[str, ...]:
    ids = entry.get(key, [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise CatalogError(f"{where}.{key}: a list of ids expected")
    unknown = [i for i in ids if i not in known]  # type: ignore[operator]
    if unknown:
        raise CatalogError(f"{where}.{key}: unknown ids {unknown}")
    return tuple(ids)


def _anssi_measures() -> dict[str, tuple[Text, tuple[str, ...]]]:
    """The guide's 42 measures: title and the checks whose `measures` name it (a
    reinforced "N.R" counts for N)."""
    with open(data_path("anssi-guide-hygiene.json"), encoding="utf-8") as fh:
        nodes = json.load(fh)["nodes"]
    probed: dict[str, list[str]] = {}
    for check in load_catalog().values():
        for measure in check.measures:
            ids = probed.setdefault(measure.removesuffix(".R"), [])
            if check.id not in ids:
                ids.append(check.id)
    out: dict[str, tuple[Text, tuple[str, ...]]] = {}
    for node in nodes:  # 38, 41 and 42 exist only as reinforced measures
        rid = node["ref_id"].removesuffix(".R")
        if node.get("assessable") and rid not in out:
            out[rid] = ({"fr": node["name"], "en": node.get("name_en") or node["name"]},
                        tuple(probed.get(rid, ())))
    return out


@cache
def load_framework(framework_id: str) -> Framework:
    if framework_id not in FRAMEWORK_IDS:
        raise KeyError(framework_id)
    with open(HERE / f"{framework_id}.toml", "rb") as fh:
        raw = tomllib.load(fh)
    entries: dict[str, dict[str, object]] = {str(e["id"]): e for e in raw.get("requirement", [])}
    known_checks, known_questions, known_modules = load_catalog(), questions(), modules()
    requirements: list[Requirement] = []

    def build(rid: str, title: Text, probed: tuple[str, ...]) -> Requirement:
        entry = entries.pop(rid, {})
        where = f"{framework_id}[{rid}]"
        return Requirement(rid, title, probed + _ids(entry, "checks", known_checks, where),
                           _ids(entry, "questions", known_questions, where),
                           _ids(entry, "modules", known_modules, where))

    if raw.get("source") == "anssi-guide-hygiene.json":
        for rid, (title, probed) in _anssi_measures().items():
            requirements.append(build(rid, title, probed))
        if entries:
            raise CatalogError(f"{framework_id}: not measures of the guide {sorted(entries)}")
    else:
        for rid in list(entries):
            requirements.append(build(rid, text_of(entries[rid].get("title"),
                                                    f"{framework_id}[{rid}].title"), ()))
    return Framework(framework_id, text_of(raw.get("title"), framework_id), tuple(requirements))


def summary(framework: Framework) -> dict[str, int]:
    """How many requirements each kind of coverage reaches, and how many there are."""
    counts = dict.fromkeys(COVERAGE, 0)
    for req in framework.requirements:
        for kind in req.coverage:
            counts[kind] += 1
    return {"requirements": len(framework.requirements), **counts}


def to_dict(framework: Framework, lang: str) -> dict[str, object]:
    """The JSON of `dentsec checks --framework ID --format json`."""
    return {"framework": framework.id, "title": framework.title[lang],
            "summary": summary(framework),
            "requirements": [{"id": r.id, "title": r.title[lang], "coverage": list(r.coverage),
                              "checks": list(r.checks), "questions": list(r.questions),
                              "modules": list(r.modules)} for r in framework.requirements]}
