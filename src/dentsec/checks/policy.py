"""Every threshold the checks apply, in one place; defaults follow the practice guide.

A practice or its IT provider overrides any of them with a TOML file
(``dentsec audit --policy FILE``)::

    password_min_length = 14
    renewal_scope = "admins"
    disabled_checks = ["FW-REMOTE-TOOLS"]

    [[justified_ports]]
    port = 443
    proto = "tcp"
    reason = "Logiciel de gestion du cabinet (serveur)"
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dentsec.errors import DentsecError

DEFAULT_DISABLED_REASON: dict[str, str] = {
    "fr": "aucune raison donnée dans la politique.", "en": "no reason given in the policy."}


@dataclass(frozen=True)
class DisabledCheck:
    """A check the practice turned off, with the reason its reports show."""

    check: str
    reason: str = ""


@dataclass(frozen=True)
class JustifiedPort:
    port: int
    proto: Literal["tcp", "udp"] = "tcp"
    reason: str = ""


# Names that say a role or a place rather than a person (rule 3: one account per person).
GENERIC_ACCOUNT_NAMES = (
    "accueil", "cabinet", "secretariat", "secretaire", "assistante", "assistant", "dentiste",
    "docteur", "praticien", "stagiaire", "remplacant", "remplacante", "utilisateur", "user",
    "users", "admin", "administrateur", "administrator", "test", "invite", "guest", "public",
    "compta", "comptabilite", "reception", "standard", "poste", "pc", "bureau", "soins",
    "fauteuil", "radio", "salle", "commun", "partage", "shared", "office", "staff", "equipe",
)


@dataclass(frozen=True)
class Policy:
    # rule 1
    password_min_length: int = 12
    password_min_classes: int = 4
    lockout_max_attempts: int = 10
    renewal_days: int = 180
    """A renewal *reminder* (CNIL 2022: change on suspicion; periodic renewal for admins)."""
    renewal_scope: Literal["all", "admins"] = "all"
    # rule 2
    eol_warn_days: int = 180
    update_warn_days: int = 30
    update_fail_days: int = 90
    # rule 3
    max_admin_accounts: int = 2
    screen_lock_max_minutes: int = 10
    dormant_account_days: int = 90
    generic_account_names: tuple[str, ...] = GENERIC_ACCOUNT_NAMES
    # rule 4
    backup_warn_days: float = 1.0
    backup_fail_days: float = 7.0
    verify_max_days: int = 30
    drill_max_days: int = 90
    # rule 6
    av_signature_warn_days: float = 3.0
    av_signature_fail_days: float = 7.0
    justified_ports: tuple[JustifiedPort, ...] = ()
    # any rule
    disabled_checks: tuple[str, ...] = field(default=())
    """The old form: ids only (shown with a default reason)."""
    disabled: tuple[DisabledCheck, ...] = ()

    def disabled_reasons(self) -> dict[str, dict[str, str]]:
        """Check id -> the reason the reports show, in French and English (the practice's
        own words are shown as written in both)."""
        reasons = {check_id: DEFAULT_DISABLED_REASON for check_id in self.disabled_checks}
        for item in self.disabled:
            reasons[item.check] = ({"fr": item.reason, "en": item.reason} if item.reason
                                   else DEFAULT_DISABLED_REASON)
        return reasons

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _bad(path: Path, why: str) -> DentsecError:
    return DentsecError(
        f"Fichier de politique {path} invalide : {why}",
        f"Invalid policy file {path}: {why}",
    )


def load_policy(path: Path | None = None) -> Policy:
    """The default policy, overridden by a TOML file when one is given."""
    if path is None:
        return Policy()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise DentsecError(f"Fichier de politique introuvable : {path}",
                           f"Policy file not found: {path}") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _bad(path, str(exc)) from exc
    defaults = Policy()
    known = {f.name: f for f in dataclasses.fields(Policy)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise _bad(path, f"clé inconnue / unknown key {key!r}")
        current = getattr(defaults, key)
        if key == "justified_ports":
            try:
                values[key] = tuple(JustifiedPort(int(p["port"]), p.get("proto", "tcp"),
                                                  str(p.get("reason", ""))) for p in value)
            except (TypeError, KeyError, ValueError) as exc:
                raise _bad(path, f"justified_ports: {exc}") from exc
            if any(p.proto not in ("tcp", "udp") for p in values[key]):
                raise _bad(path, "justified_ports: proto = tcp | udp")
        elif isinstance(current, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _bad(path, f"{key} : liste de textes attendue / list of strings expected")
            values[key] = tuple(v.lower() if key == "generic_account_names" else v for v in value)
        elif isinstance(current, bool) or not isinstance(value, type(current) | int):
            raise _bad(path, f"{key} : {type(current).__name__} attendu / expected")
        elif isinstance(value, bool) or (isinstance(value, int | float) and value < 0):
            raise _bad(path, f"{key} : valeur positive attendue / positive value expected")
        else:
            values[key] = value
    if values.get("renewal_scope", "all") not in ("all", "admins"):
        raise _bad(path, "renewal_scope = all | admins")
    if not 0 <= values.get("password_min_classes", 4) <= 4:
        raise _bad(path, "password_min_classes: 0..4")
    return dataclasses.replace(defaults, **values)
