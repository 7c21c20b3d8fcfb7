"""The catalog is whole: every check has code, ANSSI measures that exist, and remediation for
every OS in both languages."""

from __future__ import annotations

import json
import re

import pytest

from dentsec.checks.catalog import load_catalog
from dentsec.checks.registry import REGISTRY
from dentsec.checks.runner import load_checks
from dentsec.paths import data_path
from dentsec.report.json_report import report_schema
from dentsec.vocab import OS_FAMILIES as OSES


def test_every_check_has_a_function_and_every_function_a_check() -> None:
    load_checks()
    assert set(REGISTRY) == set(load_catalog())


def test_ids_follow_the_report_schema_pattern() -> None:
    pattern = report_schema()["properties"]["findings"]["items"]["properties"]["id"]["pattern"]
    for check_id in load_catalog():
        assert re.match(pattern, check_id), check_id


def test_measures_exist_in_the_anssi_guide() -> None:
    with open(data_path("anssi-guide-hygiene.json"), encoding="utf-8") as fh:
        refs = {n["ref_id"] for n in json.load(fh)["nodes"] if n.get("assessable")}
    for check in load_catalog().values():
        assert check.measures, check.id
        assert set(check.measures) <= refs, (check.id, set(check.measures) - refs)


@pytest.mark.parametrize("os_family", OSES)
def test_remediation_for_every_check_on_every_os(os_family: str) -> None:
    missing = [c.id for c in load_catalog().values() if os_family not in c.remediation]
    assert missing == []
    for check in load_catalog().values():
        rem = check.remediation[os_family]
        for text in (rem.practice, rem.it):
            assert len(text["fr"]) > 20 and len(text["en"]) > 20, (check.id, os_family)


def test_rule1_remediation_points_to_the_password_toolkit() -> None:
    catalog = load_catalog()
    for os_family in OSES:
        text = " ".join(catalog[c].remediation[os_family].practice["fr"]
                        + catalog[c].remediation[os_family].it["fr"]
                        for c in ("PWD-MIN-LENGTH", "PWD-PLAINTEXT-FILES", "PWD-BROWSER-SAVED"))
        assert "dentsec password" in text, os_family
