"""KeePass review on databases built with pykeepass: reuse, weak, old by history."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from .conftest import VaultBuilder, dentsec

MASTER = "Maître-du-Coffre-2026!"


def _review(path: Path, env: dict[str, str], *extra: str, master: str = MASTER) -> tuple[
        int | None, dict[str, object], str]:
    result = dentsec(["password", "vault", str(path), "--password-stdin", "--format", "json",
                      *extra], master + "\n", env)
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, data, result.stderr


def _titles(items: object) -> set[str]:
    assert isinstance(items, list)
    return {item["title"] for item in items}


def test_review(make_vault: VaultBuilder, isolated: dict[str, str]) -> None:
    code, data, _ = _review(make_vault(MASTER), isolated)
    assert code == 1
    assert data["entries"] == 6  # the trashed entry is not counted
    reused = data["reused"]
    assert isinstance(reused, list) and len(reused) == 1
    assert _titles(reused[0]) == {"Banque", "Logiciel dentaire"}
    assert {e["group"] for e in reused[0]} == {"Administratif", "Soins"}
    assert _titles(data["weak"]) == {"Messagerie"}
    # Imagerie: password set 400 days ago, notes edited 10 days ago -> old.
    # Mutuelle: created 500 days ago, password changed 20 days ago -> not old.
    assert _titles(data["old"]) == {"Imagerie"}
    old = data["old"][0]  # type: ignore[index]
    assert 399 <= old["age_days"] <= 401
    assert old["url"] == "https://imagerie.example.org"
    assert _titles(data["empty"]) == {"Wifi invités"}


def test_renewal_threshold_comes_from_the_policy(make_vault: VaultBuilder,
                                                 isolated: dict[str, str],
                                                 tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("renewal_days = 450\n")
    _, data, _ = _review(make_vault(MASTER), isolated, "--policy", str(policy))
    assert data["old"] == [] and data["renewal_days"] == 450


def test_key_file(make_vault: VaultBuilder, isolated: dict[str, str], tmp_path: Path) -> None:
    key = tmp_path / "cabinet.key"
    key.write_bytes(secrets.token_bytes(64))
    path = make_vault(MASTER, key_file=key)
    code, data, _ = _review(path, isolated, "--key-file", str(key))
    assert code == 1 and data["entries"] == 6
    code, data, err = _review(path, isolated)
    assert code == 2 and "incorrect" in err


def test_wrong_master_password(make_vault: VaultBuilder, isolated: dict[str, str]) -> None:
    code, data, err = _review(make_vault(MASTER), isolated, master="pas le bon")
    assert code == 2 and data == {}
    assert "Mot de passe maître ou fichier clé incorrect" in err
    assert "Traceback" not in err


def test_damaged_file(make_vault: VaultBuilder, isolated: dict[str, str]) -> None:
    path = make_vault(MASTER)
    raw = bytearray(path.read_bytes())
    for i in range(len(raw) // 2, len(raw) // 2 + 64):
        raw[i] ^= 0xFF
    path.write_bytes(bytes(raw))
    code, _, err = _review(path, isolated)
    assert code == 2
    assert "illisible ou endommagée" in err or "incorrect" in err
    assert "Traceback" not in err
    not_kdbx = path.with_name("notes.kdbx")
    not_kdbx.write_text("ceci n'est pas une base KeePass")
    code, _, err = _review(not_kdbx, isolated)
    assert code == 2 and "illisible ou endommagée" in err


def test_missing_file(isolated: dict[str, str], tmp_path: Path) -> None:
    code, _, err = _review(tmp_path / "absent.kdbx", isolated)
    assert code == 2 and "introuvable" in err


def test_text_report_in_english(make_vault: VaultBuilder, isolated: dict[str, str]) -> None:
    result = dentsec(["password", "vault", str(make_vault(MASTER)), "--password-stdin",
                      "--lang", "en"], MASTER + "\n", isolated)
    assert "Reused passwords" in result.stdout
    assert "Banque" in result.stdout and "Imagerie" in result.stdout
    assert "Velours" not in result.stdout and "Marseille2024" not in result.stdout
