"""The check catalog as the console shows it: titles and steps in the page's language."""

from __future__ import annotations

from django.utils.translation import get_language

from dentsec.checks.catalog import CheckDef, load_catalog
from dentsec.i18n import pick
from dentsec.vocab import OS_FAMILIES, OSFamily


def lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def get(check_id: str) -> CheckDef | None:
    return load_catalog().get(check_id)


def title(check_id: str) -> str:
    """The check's title, or its id for a check this console version does not know."""
    check = get(check_id)
    return pick(check.title, lang()) if check is not None else check_id


def rule_of(check_id: str) -> int | None:
    check = get(check_id)
    return check.rule if check is not None else None


def practice_steps(check_id: str, os_family: str) -> str:
    check = get(check_id)
    # an os_family this version does not know (a newer agent) has no steps here
    family = OSFamily(os_family) if os_family in OS_FAMILIES else None
    remediation = (check.remediation.get(family) if check is not None and family is not None
                   else None)
    return pick(remediation.practice, lang()) if remediation is not None else ""
