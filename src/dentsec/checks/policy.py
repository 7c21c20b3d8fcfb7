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

    [[accepted_risks]]
    check = "BAK-OFFLINE-COPY"
    reason = "Copie hors site prévue au déménagement du cabinet"
    until = 2027-03-01

An accepted risk keeps the finding's real status (a failure stays a failure); the reports
add "risque accepté jusqu'au …" with its reason until that date (at most 12 months ahead),
then the acceptance is ignored. The console sends a device's accepted risks the same way.

The older ``disabled_checks = ["FW-REMOTE-TOOLS"]`` still works; the reports then say that
no reason was given. The file is validated as a whole: an unknown key, an unknown check id,
a value out of its range (length 0, port 99999) is refused with a message naming the key.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from dentsec.checks.catalog import load_catalog
from dentsec.errors import DentsecError, os_error

if typing.TYPE_CHECKING:
    from pydantic import BaseModel, TypeAdapter


def bounded(default: Any = dataclasses.MISSING, **rule: Any) -> Any:
    """A field with the rule a policy file must follow: ``ge``/``le``/``gt`` bounds,
    ``check_ids`` (values are catalog ids), ``lower``, ``strip``. The rules live in the
    field's metadata, so code builds Policy without pydantic and only reading a policy file
    pays for it."""
    return field(default=default, metadata=rule)


DEFAULT_DISABLED_REASON: dict[str, str] = {
    "fr": "aucune raison donnée dans la politique.", "en": "no reason given in the policy."}


@dataclass(frozen=True)
class DisabledCheck:
    """A check the practice turned off, with the reason its reports show."""

    check: str = bounded(check_ids=True)
    reason: str = bounded("", strip=True)


@dataclass(frozen=True)
class JustifiedPort:
    port: int = bounded(ge=1, le=65535)
    proto: Literal["tcp", "udp"] = "tcp"
    reason: str = ""


@dataclass(frozen=True)
class AcceptedRisk:
    """A failing check the practice knowingly accepts, with why and until when."""

    check: str = bounded(check_ids=True)
    reason: str = bounded(strip=True)
    until: datetime.date = bounded()

    def text(self) -> dict[str, str]:
        """What the finding adds, in French and English (the reason as written)."""
        day, why = self.until, self.reason.rstrip(". ")
        return {"fr": f"Risque accepté jusqu'au {day:%d/%m/%Y} : {why}.",
                "en": f"Risk accepted until {day.isoformat()}: {why}."}


ACCEPTED_RISK_MAX_AHEAD = datetime.timedelta(days=366)
"""An acceptance is reviewed at least yearly (12 months, a leap day included)."""


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
    password_min_length: int = bounded(12, ge=1, le=128)
    password_min_classes: int = bounded(4, ge=0, le=4)
    lockout_max_attempts: int = bounded(10, ge=1, le=1000)
    renewal_days: int = bounded(180, ge=1, le=3650)
    """A renewal *reminder* (CNIL 2022: change on suspicion; periodic renewal for admins)."""
    renewal_scope: Literal["all", "admins"] = "all"
    password_min_guesses_log10: float = bounded(10.0, ge=1, le=30)
    """Guesses an offline attack (stolen password file, KeePass database) must need."""
    # rule 2
    eol_warn_days: int = bounded(180, ge=0, le=3650)
    update_warn_days: int = bounded(30, ge=1, le=3650)
    update_fail_days: int = bounded(90, ge=1, le=3650)
    # rule 3
    max_admin_accounts: int = bounded(2, ge=1, le=1000)
    screen_lock_max_minutes: int = bounded(10, ge=1, le=1440)
    dormant_account_days: int = bounded(90, ge=1, le=3650)
    generic_account_names: tuple[str, ...] = bounded(GENERIC_ACCOUNT_NAMES, lower=True)
    # rule 4
    backup_warn_days: float = bounded(1.0, gt=0, le=365)
    backup_fail_days: float = bounded(7.0, gt=0, le=365)
    verify_max_days: int = bounded(30, ge=1, le=3650)
    drill_max_days: int = bounded(90, ge=1, le=3650)
    # rule 6
    av_signature_warn_days: float = bounded(3.0, gt=0, le=365)
    av_signature_fail_days: float = bounded(7.0, gt=0, le=365)
    justified_ports: tuple[JustifiedPort, ...] = ()
    # any rule
    disabled_checks: tuple[str, ...] = bounded((), check_ids=True)
    """The older form: ids only (shown with a default reason)."""
    disabled: tuple[DisabledCheck, ...] = ()
    accepted_risks: tuple[AcceptedRisk, ...] = ()

    def disabled_reasons(self) -> dict[str, dict[str, str]]:
        """Check id -> the reason the reports show, in French and English (the practice's
        own words are shown as written in both)."""
        reasons = {check_id: DEFAULT_DISABLED_REASON for check_id in self.disabled_checks}
        for item in self.disabled:
            reasons[item.check] = ({"fr": item.reason, "en": item.reason} if item.reason
                                   else DEFAULT_DISABLED_REASON)
        return reasons

    def accepted_on(self, day: datetime.date) -> dict[str, AcceptedRisk]:
        """Check id -> its acceptance still running on ``day`` (expired ones are ignored; of
        two for one check, the later)."""
        return {r.check: r for r in sorted(self.accepted_risks, key=lambda r: r.until)
                if r.until >= day}

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["accepted_risks"] = [{**r, "until": r["until"].isoformat()}
                                  for r in data["accepted_risks"]]
        return data


_PAIRS = (("update_warn_days", "update_fail_days"), ("backup_warn_days", "backup_fail_days"),
          ("av_signature_warn_days", "av_signature_fail_days"))
"""A warning threshold cannot come after the failure one."""


class _UnknownCheck(ValueError):
    def __init__(self, check_id: str) -> None:
        super().__init__(check_id)
        self.check_id = check_id


def _known_check(check_id: str) -> str:
    if check_id.upper() not in load_catalog():
        raise _UnknownCheck(check_id)
    return check_id.upper()


def _nested(hint: Any) -> type | None:
    """The dataclass in ``tuple[X, ...]``, if any."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]):
        return typing.cast(type, args[0])
    return None


def _rule(hint: Any, rule: typing.Mapping[str, Any]) -> Any:
    """The pydantic type of one field: strict numbers (TOML ``12.5`` or ``true`` is not a
    count), bounds, catalog ids, case and spaces."""
    from typing import Annotated

    from pydantic import AfterValidator, Field, Strict

    after: list[Callable[[Any], Any]] = []
    if rule.get("check_ids"):
        if typing.get_origin(hint) is tuple:
            return tuple[Annotated[str, AfterValidator(_known_check)], ...]
        after.append(_known_check)
    if rule.get("lower"):
        after.append(lambda names: tuple(n.lower() for n in names))
    if rule.get("strip"):
        after.append(str.strip)
    extra: list[Any] = [Strict()] if hint in (int, float) else []
    bounds = {k: rule[k] for k in ("ge", "le", "gt") if k in rule}
    if bounds:
        extra.append(Field(**bounds))
    extra += [AfterValidator(fn) for fn in after]
    return Annotated[(hint, *extra)] if extra else hint


@cache
def _model(cls: type) -> type[BaseModel]:
    """A pydantic model with the fields and rules of the dataclass ``cls``."""
    from pydantic import ConfigDict, create_model

    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        inner = _nested(hints[f.name])
        hint = tuple[_model(inner), ...] if inner else hints[f.name]  # type: ignore[misc]
        default = ... if f.default is dataclasses.MISSING else f.default
        fields[f.name] = (_rule(hint, f.metadata), default)
    return create_model(cls.__name__, __config__=ConfigDict(extra="forbid"), **fields)


def _rebuild(cls: type, data: dict[str, Any]) -> Any:
    """The frozen dataclass from a validated model's values."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        value = data[f.name]
        inner = _nested(hints[f.name])
        values[f.name] = (tuple(_rebuild(inner, item) for item in value) if inner
                          else tuple(value) if isinstance(value, list) else value)
    return cls(**values)


@cache
def _validator() -> TypeAdapter[Any]:
    """The validating model of a policy file, built on first use (~0.1 s, plus importing
    pydantic for the password toolkit, which builds Policy without a file)."""
    from pydantic import TypeAdapter

    return TypeAdapter(_model(Policy))


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
    if isinstance(value, datetime.date):
        return value.isoformat()
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
                **dict.fromkeys(("date_type", "date_parsing", "date_from_datetime_parsing",
                                 "date_from_datetime_inexact"),
                                ("une date AAAA-MM-JJ", "a date YYYY-MM-DD")),
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
    from pydantic import ValidationError

    try:
        checked = _rebuild(Policy, _validator().validate_python(data).model_dump())
    except ValidationError as exc:
        reasons = [_why(e) for e in exc.errors(include_url=False)]
        raise _bad(path, " ".join(fr for fr, _ in reasons),
                   " ".join(en for _, en in reasons)) from exc
    for warn, fail in _PAIRS:
        if getattr(checked, warn) > getattr(checked, fail):
            raise _bad(path, f"{warn} doit être inférieur ou égal à {fail}.",
                       f"{warn} must be at most {fail}.")
    latest = datetime.date.today() + ACCEPTED_RISK_MAX_AHEAD
    for n, risk in enumerate(checked.accepted_risks, 1):
        if risk.until > latest:
            raise _bad(path, f"accepted_risks[{n}].until = {risk.until} est trop loin : un "
                       f"risque s'accepte pour 12 mois au plus (jusqu'au {latest} au plus tard).",
                       f"accepted_risks[{n}].until = {risk.until} is too far: a risk is "
                       f"accepted for 12 months at most (until {latest} at the latest).")
    policy: Policy = checked
    return policy
