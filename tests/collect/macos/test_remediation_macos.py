"""remediation_macos.toml: every check covered, in both languages, no password on a command line."""

from __future__ import annotations

import re
import tomllib

from dentsec.checks.catalog import CATALOG_DIR, load_catalog


def test_every_check_has_macos_remediation_in_both_languages() -> None:
    with open(CATALOG_DIR / "remediation_macos.toml", "rb") as fh:
        data = tomllib.load(fh)
    assert set(data) == set(load_catalog())
    for check_id, entry in data.items():
        for part in ("practice", "it"):
            assert entry[part]["fr"].strip() and entry[part]["en"].strip(), (check_id, part)


def test_commands_prompt_for_passwords() -> None:
    # "-password -" / "-adminPassword -" make sysadminctl prompt; a literal would land in
    # the shell history and the process list.
    text = (CATALOG_DIR / "remediation_macos.toml").read_text(encoding="utf-8")
    found = list(re.finditer(r"-(?:new|admin)?[pP]assword ([^\s;,.)]+)", text))
    assert found
    for match in found:
        assert match.group(1) == "-", match.group(0)
