"""UPD-OS-SUPPORTED: regular support, extended support (free or paid), and its words."""

from __future__ import annotations

from datetime import date

import pytest
from tests.checks.conftest import good_facts

from dentsec.checks.policy import Policy
from dentsec.checks.runner import evaluate
from dentsec.facts import OSInfo
from dentsec.vocab import Status


def verdict(os_: OSInfo) -> tuple[Status, str]:
    facts = good_facts()  # as of 2026-11-29
    facts.os = os_
    found = next(f for f in evaluate(facts, Policy()) if f.check.id == "UPD-OS-SUPPORTED")
    return found.status, found.message["fr"]


@pytest.mark.parametrize(("name", "version", "display", "label"), [
    ("Debian GNU/Linux 12 (bookworm)", "12", None, "Debian GNU/Linux 12 (bookworm) "),
    ("macOS", "15.6.1", None, "macOS 15.6.1 "),
    ("Microsoft Windows 11 Professionnel", "10.0.26100", "24H2",
     "Microsoft Windows 11 Professionnel 24H2 "),
    ("Ubuntu 22.04.5 LTS", "22.04", None, "Ubuntu 22.04.5 LTS "),
])
def test_the_release_is_said_once(name: str, version: str, display: str | None, label: str) -> None:
    _, message = verdict(OSInfo(family="linux", name=name, version=version,
                                display_version=display, eol_date=date(2030, 1, 1)))
    assert message.startswith(label + "est maintenu")


def test_paid_extension_not_enrolled_and_not_verifiable() -> None:
    base = {"family": "windows", "name": "Windows 10 Professionnel", "version": "10.0.19045",
            "display_version": "22H2", "eol_date": date(2025, 10, 14),
            "extended_support": "Windows ESU", "extended_support_until": date(2028, 10, 10)}
    status, message = verdict(OSInfo(**base, extended_support_active=False))  # type: ignore[arg-type]
    assert status == Status.FAIL and "n'y est pas inscrit" in message
    status, message = verdict(OSInfo(**base, extended_support_active=None))  # type: ignore[arg-type]
    assert status == Status.FAIL and "n'a pas pu être vérifiée" in message
    status, message = verdict(OSInfo(**base, extended_support_active=True))  # type: ignore[arg-type]
    assert status == Status.PASS and "Windows ESU jusqu'au 10/10/2028" in message


def test_an_extension_already_over_is_not_offered() -> None:
    status, message = verdict(OSInfo(
        family="linux", name="Ubuntu 18.04.6 LTS", version="18.04", eol_date=date(2023, 5, 31),
        extended_support="Ubuntu Pro (ESM)", extended_support_until=date(2026, 5, 31),
        extended_support_active=False))
    assert status == Status.FAIL and "Ubuntu Pro" not in message
