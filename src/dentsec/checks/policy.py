"""Every threshold the checks apply, in one place; defaults follow the practice guide.

A practice or its IT provider overrides any of them with a TOML file
(``dentsec audit --policy FILE``)::

    password_min_length = 14
    renewal_scope = "admins"

    [[disabled]]
    check = "FW-REMOTE-TOOLS"
    reason = "TeamViewer est l'outil du prestataire, protégé par mot de passe et 2FA"

    [[justified_ports]]
    port = 443
    proto = "tcp"
    reason = "Logiciel de gestion du cabinet (serveur)"

The older ``disabled_checks = ["FW-REMOTE-TOOLS"]`` still works; the reports then say that
no reason was given. The file is validated as a whole: an unknown key, an unknown check id,
a value out of its range (length 0, port 99999) is refused with a message naming the key.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic.dataclasses import dataclass as validated

from dentsec.checks.catalog import load_catalog
from dentsec.errors import DentsecError, os_error

Count = Annotated[int, Strict()]
"""An integer written as one (TOML ``12``, not ``12.5``, ``"12"`` or ``true``)."""
Days = Annotated[float, Strict()]
"""A number of days (``1`` or ``2.5``; never ``true``)."""


class _UnknownCheck(ValueError):
    def __init__(self, check_id: str) -> None:
        super().__init__(check_id)
        self.check_id = check_id


def _known_check(check_id: str) -> str:
    if check_id.upper() not in load_catalog():
        raise _UnknownCheck(check_id)
    return check_id.upper()


CheckId = Annotated[str, AfterValidator(_known_check)]
"""A check id of the catalog, any case (validated when a policy file is read)."""

DEFAULT_DISABLED_REASON: dict[str, str] = {
    "fr": "aucune raison donnée dans la politique.", "en": "no reason given in the policy."}


@dataclass(frozen=True)
class DisabledCheck:
    """A check the practice turned off, with the reason its reports show."""

    check: CheckId
    reason: Annotated[str, AfterValidator(str.strip)] = ""


@dataclass(frozen=True)
class JustifiedPort:
    port: Annotated[Count, Field(ge=1, le=65535)]
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
    password_min_length: Annotated[Count, Field(ge=1, le=128)] = 12
    password_min_classes: Annotated[Count, Field(ge=0, le=4)] = 4
    lockout_max_attempts: Annotated[Count, Field(ge=1, le=1000)] = 10
    renewal_days: Annotated[Count, Field(ge=1, le=3650)] = 180
    """A renewal *reminder* (CNIL 2022: change on suspicion; periodic renewal for admins)."""
    renewal_scope: Literal["all", "admins"] = "all"
    # rule 2
    eol_warn_days: Annotated[Count, Field(ge=0, le=3650)] = 180
    update_warn_days: Annotated[Count, Field(ge=1, le=3650)] = 30
    update_fail_days: Annotated[Count, Field(ge=1, le=3650)] = 90
    # rule 3
    max_admin_accounts: Annotated[Count, Field(ge=1, le=1000)] = 2
    screen_lock_max_minutes: Annotated[Count, Field(ge=1, le=1440)] = 10
    dormant_account_days: Annotated[Count, Field(ge=1, le=3650)] = 90
    generic_account_names: tuple[str, ...] = GENERIC_ACCOUNT_NAMES
    # rule 4
    backup_warn_days: Annotated[Days, Field(gt=0, le=365)] = 1.0
    backup_fail_days: Annotated[Days, Field(gt=0, le=365)] = 7.0
    verify_max_days: Annotated[Count, Field(ge=1, le=3650)] = 30
    drill_max_days: Annotated[Count, Field(ge=1, le=3650)] = 90
    # rule 6
    av_signature_warn_days: Annotated[Days, Field(gt=0, le=365)] = 3.0
    av_signature_fail_days: Annotated[Days, Field(gt=0, le=365)] = 7.0
    justified_ports: tuple[JustifiedPort, ...] = ()
    # any rule
    disabled_checks: tuple[CheckId, ...] = field(default=())
    """The older form: ids only (shown with a default reason)."""
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


_PAIRS = (("update_warn_days", "update_fail_days"), ("backup_warn_days", "backup_fail_days"),
          ("av_signature_warn_days", "av_signature_fail_days"))
"""A warning threshold cannot come after the failure one."""


@validated(frozen=True, config=ConfigDict(extra="forbid"))
class _PolicyFile(Policy):
    """The same fields, validated (the checks and the toolkits build Policy directly)."""

    @field_validator("generic_account_names")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.lower() for v in value)


_ADAPTER = TypeAdapter(_PolicyFile)


def _bad(path: Path, fr: str, en: str) -> DentsecError:
    return DentsecError(f"Fichier de politique {path} invalide : {fr}",
                        f"Invalid policy file {path}: {en}")


def _key(loc: tuple[int | str, ...]) -> str:
    """("justified_ports", 0, "port") -> justified_ports[1].port (counted from 1 for people)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _toml(value: object) -> str:
    """A value as the practice wrote it in the TOML file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value) if isinstance(value, int | float) else "[…]"


def _why(error: Any) -> tuple[str, str]:
    """One pydantic error as (French, English), naming the key and the value given."""
    key, kind, ctx = _key(error["loc"]), error["type"], error.get("ctx") or {}
    given = _toml(error.get("input"))
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return f"clé inconnue « {key} ».", f"unknown key '{key}'."
    if kind == "missing_argument" or kind == "missing":
        return f"« {key} » manque.", f"'{key}' is missing."
    if kind == "value_error" and isinstance(ctx.get("error"), _UnknownCheck):
        check_id = ctx["error"].check_id
        return (f"{key} : contrôle inconnu « {check_id} » (liste : dentsec checks).",
                f"{key}: unknown check '{check_id}' (list: dentsec checks).")
    bounds = {"greater_than_equal": ("au moins", "at least", "ge"),
              "greater_than": ("plus de", "more than", "gt"),
              "less_than_equal": ("au plus", "at most", "le"),
              "less_than": ("moins de", "less than", "lt")}
    if kind in bounds:
        fr_word, en_word, name = bounds[kind]
        return (f"{key} = {given} est hors limites ({fr_word} {ctx[name]}).",
                f"{key} = {given} is out of range ({en_word} {ctx[name]}).")
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", '"')
        return (f"{key} = {given} : valeurs possibles {allowed.replace(' or ', ' ou ')}.",
                f"{key} = {given}: allowed values {allowed}.")
    expected = {"int_type": ("un nombre entier", "a whole number"),
                "float_type": ("un nombre", "a number"),
                "string_type": ("un texte entre guillemets", "a quoted text"),
                "tuple_type": ("une liste [ … ]", "a list [ … ]"),
                "dataclass_type": ("une table [[ … ]]", "a table [[ … ]]"),
                "dataclass_args_type": ("une table [[ … ]]", "a table [[ … ]]")}
    fr, en = expected.get(kind, ("une autre valeur", "another value"))
    return f"{key} = {given} : il faut {fr}.", f"{key} = {given}: {en} expected."


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
    except OSError as exc:
        raise os_error(exc, f"Fichier de politique {path} illisible",
                       f"Cannot read policy file {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise _bad(path, f"ce n'est pas du TOML valide (détail technique : {exc}).",
                   f"not valid TOML ({exc}).") from exc
    try:
        checked = _ADAPTER.validate_python(data)
    except ValidationError as exc:
        reasons = [_why(e) for e in exc.errors(include_url=False)]
        raise _bad(path, " ".join(fr for fr, _ in reasons),
                   " ".join(en for _, en in reasons)) from exc
    for warn, fail in _PAIRS:
        if getattr(checked, warn) > getattr(checked, fail):
            raise _bad(path, f"{warn} doit être inférieur ou égal à {fail}.",
                       f"{warn} must be at most {fail}.")
    values = {f.name: getattr(checked, f.name) for f in dataclasses.fields(Policy)}
    return Policy(**values)
