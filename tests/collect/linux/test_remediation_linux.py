"""The Linux remediation texts (src/dentsec/checks/catalog/remediation_linux.toml)."""

from __future__ import annotations

import tomllib

from dentsec.checks.catalog import CATALOG_DIR, load_catalog


def _texts() -> dict[str, dict[str, dict[str, str]]]:
    with open(CATALOG_DIR / "remediation_linux.toml", "rb") as fh:
        return tomllib.load(fh)


def test_every_check_has_both_audiences_in_both_languages() -> None:
    texts = _texts()
    assert set(texts) == set(load_catalog())
    for check_id, entry in texts.items():
        for audience in ("practice", "it"):
            assert entry[audience]["fr"].strip() and entry[audience]["en"].strip(), check_id


def test_checks_without_linux_counterpart_say_so() -> None:
    texts = _texts()
    for check_id in ("ACC-UAC", "DL-AUTORUN", "DL-REPUTATION"):
        assert texts[check_id]["practice"]["fr"].startswith("Sans objet"), check_id
        assert texts[check_id]["practice"]["en"].startswith("Not applicable"), check_id
    assert "Samba" in texts["FW-SMB1"]["it"]["en"]


def test_toolkit_commands_are_named() -> None:
    texts = _texts()
    rule1 = " ".join(texts[i]["practice"]["fr"] + texts[i]["it"]["fr"]
                     for i in ("PWD-MIN-LENGTH", "PWD-PLAINTEXT-FILES"))
    assert "dentsec password check" in rule1 and "--method sentence" in rule1
    assert "KeePassXC" in rule1
    rule4 = " ".join(texts[i]["practice"]["fr"] for i in texts if i.startswith("BAK-"))
    for command in ("dentsec backup init --to", "dentsec backup run", "dentsec backup drill"):
        assert command in rule4
