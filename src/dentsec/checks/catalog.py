"""The check catalog: metadata declared once in catalog/checks.toml, remediation per OS
in catalog/remediation_<os>.toml (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dentsec.vocab import Effort, OSFamily, Severity

Text = dict[str, str]
"""{"fr": ..., "en": ...}"""

RULE_NAMES: dict[int, Text] = {
    1: {"fr": "Mots de passe", "en": "Passwords"},
    2: {"fr": "Mises à jour", "en": "Updates"},
    3: {"fr": "Comptes et sessions", "en": "Accounts and sessions"},
    4: {"fr": "Sauvegardes", "en": "Backups"},
    5: {"fr": "Téléchargements", "en": "Downloads"},
    6: {"fr": "Pare-feu local et antivirus", "en": "Local firewall and antivirus"},
    0: {"fr": "Au-delà des six règles", "en": "Beyond the six rules"},
}

CATALOG_DIR = Path(__file__).parent / "catalog"


@dataclass(frozen=True)
class Remediation:
    practice: Text
    it: Text


@dataclass(frozen=True)
class CheckDef:
    id: str
    rule: int
    """1..6; 0 for checks beyond the six rules (null in reports)."""
    severity: Severity
    effort: Effort
    title: Text
    rationale: Text
    measures: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    """Checks whose failure already explains this one (no backup -> no recent backup): the
    five fixes list the cause, not its consequences."""
    remediation: dict[OSFamily, Remediation] = field(default_factory=dict)
    """OS family -> remediation."""

    @property
    def rule_or_none(self) -> int | None:
        return self.rule or None


class CatalogError(Exception):
    pass


def _text(value: object, where: str) -> Text:
    if not isinstance(value, dict) or not value.get("fr") or not value.get("en"):
        raise CatalogError(f"{where}: needs fr and en texts")
    return {"fr": str(value["fr"]), "en": str(value["en"])}


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, CheckDef]:
    with open(CATALOG_DIR / "checks.toml", "rb") as fh:
        raw = tomllib.load(fh)
    remediations: dict[str, dict[OSFamily, Remediation]] = {}
    for os_name in OSFamily:
        path = CATALOG_DIR / f"remediation_{os_name}.toml"
        if not path.exists():
            continue
        with open(path, "rb") as fh:
            for check_id, entry in tomllib.load(fh).items():
                where = f"{path.name}[{check_id}]"
                remediations.setdefault(check_id, {})[os_name] = Remediation(
                    _text(entry.get("practice"), where + ".practice"),
                    _text(entry.get("it"), where + ".it"),
                )
    catalog: dict[str, CheckDef] = {}
    for entry in raw["check"]:
        check_id = entry["id"]
        if check_id in catalog:
            raise CatalogError(f"duplicate check id {check_id}")
        try:
            severity, effort = Severity(entry["severity"]), Effort(entry["effort"])
        except ValueError as exc:
            raise CatalogError(f"{check_id}: bad severity or effort") from exc
        if entry["rule"] not in RULE_NAMES:
            raise CatalogError(f"{check_id}: bad rule")
        catalog[check_id] = CheckDef(
            id=check_id,
            rule=int(entry["rule"]),
            severity=severity,
            effort=effort,
            title=_text(entry.get("title"), f"{check_id}.title"),
            rationale=_text(entry.get("rationale"), f"{check_id}.rationale"),
            measures=tuple(entry.get("measures", ())),
            references=tuple(entry.get("references", ())),
            depends_on=tuple(entry.get("depends_on", ())),
            remediation=remediations.get(check_id, {}),
        )
    for check in catalog.values():
        if not set(check.depends_on) <= set(catalog):
            raise CatalogError(f"{check.id}: depends_on names an unknown check")
    unknown = set(remediations) - set(catalog)
    if unknown:
        raise CatalogError(f"remediation for unknown checks: {sorted(unknown)}")
    return catalog
