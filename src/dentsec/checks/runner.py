"""The check runner: every check of the catalog, in catalog order, against one machine's
facts. A check never stops the audit: Unknown, NotApplicable and any exception (a bug)
become findings that say why."""

from __future__ import annotations

import importlib

from dentsec.checks.catalog import load_catalog
from dentsec.checks.policy import Policy
from dentsec.checks.reasons import check_error_message, na_message, unknown_message
from dentsec.checks.registry import REGISTRY, Ctx, NotApplicable, Unknown
from dentsec.facts import Facts
from dentsec.findings import Finding
from dentsec.vocab import ErrorKind, OSFamily, Status

ACCEPTABLE = (Status.FAIL, Status.WARN)
"""What a practice can accept a risk for; a pass needs none, an unknown is not yet a risk."""
CHECK_MODULES = ("rule1_passwords", "rule2_updates", "rule3_accounts", "rule4_backups",
                 "rule5_downloads", "rule6_firewall", "beyond_encryption")


def load_checks() -> None:
    for name in CHECK_MODULES:
        importlib.import_module(f"dentsec.checks.{name}")


def evaluate(facts: Facts, policy: Policy) -> list[Finding]:
    """Run every check of the catalog; a check never crashes the audit."""
    load_checks()
    ctx = Ctx(facts, policy)
    os_family = OSFamily(facts.os.family)
    disabled = policy.disabled_reasons()
    accepted = policy.accepted_on(facts.collected_at.date())
    findings = []
    for check_id, definition in load_catalog().items():
        if check_id in disabled:
            reason = disabled[check_id]
            findings.append(Finding(definition, Status.NA, {
                "fr": f"Contrôle désactivé par la politique du cabinet : {reason['fr']}",
                "en": f"Check disabled by the practice policy: {reason['en']}"}))
            continue
        try:
            out = REGISTRY[check_id](ctx)
            risk = accepted.get(check_id) if out.status in ACCEPTABLE else None
            if risk is None:
                findings.append(Finding(definition, out.status, out.message, out.evidence))
                continue
            note = risk.text()
            findings.append(Finding(
                definition, out.status, {lang: f"{out.message[lang]} {note[lang]}" for lang in note},
                (*out.evidence, f"accepted-risk: until {risk.until.isoformat()}"), risk))
        except Unknown as exc:
            findings.append(Finding(definition, Status.UNKNOWN, unknown_message(exc),
                                    (exc.reason,)))
        except NotApplicable as exc:
            findings.append(Finding(definition, Status.NA, na_message(exc, os_family),
                                    (exc.reason,)))
        except Exception as exc:  # noqa: BLE001 - a broken check is reported, never fatal
            findings.append(Finding(definition, Status.UNKNOWN, check_error_message(), (
                f"{ErrorKind.CHECK_ERROR}: {type(exc).__name__}: {exc}"[:300],)))
    return findings
