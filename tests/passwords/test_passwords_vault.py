"""KeePass review on databases built with pykeepass: reuse, weak, old by history."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dentsec.passwords.vault import base_word, within

from .conftest import VaultBuilder, days_ago, dentsec

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
    assert all(set(e) == {"title"} for e in reused[0])  # reuse: entry titles only
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


def test_expiry_and_near_reuse(tmp_path: Path, isolated: dict[str, str]) -> None:
    from pykeepass import create_database  # type: ignore[import-untyped]

    path = tmp_path / "variantes.kdbx"
    kp = create_database(str(path), password=MASTER)
    root = kp.root_group
    kp.add_entry(root, "Compta", "c", "Cabinet2023!Xy")
    kp.add_entry(root, "Banque pro", "b", "C@binet-2024#Xy")  # same letters, leet read back
    kp.add_entry(root, "Portail A", "a", "Zk8#pL2!qW7m-Tr5")
    kp.add_entry(root, "Portail B", "a", "Zk8#pL2!qW7n-Tr5")  # one character apart
    kp.add_entry(root, "Ordonnances", "o", "Vq3!mR8#xT2&Lp6z")
    late = kp.add_entry(root, "Télétransmission", "t", "Hj4$wN9!cB7%Ds2y")
    late.expires = True
    late.expiry_time = days_ago(3)
    soon = kp.add_entry(root, "Imagerie", "i", "Pf6@kS1!zM4#Gv8r")
    soon.expires = True
    soon.expiry_time = days_ago(-30)  # in a month: not yet
    kp.save()
    code, data, _ = _review(path, isolated)
    assert code == 1
    assert _titles(data["expired"]) == {"Télétransmission"}
    near = data["near_reused"]
    assert isinstance(near, list)
    groups = {frozenset(g["titles"]): g for g in near}
    assert set(groups) == {frozenset({"Compta", "Banque pro"}),
                           frozenset({"Portail A", "Portail B"})}
    assert groups[frozenset({"Compta", "Banque pro"})]["same_base"] is True
    assert groups[frozenset({"Portail A", "Portail B"})]["close"] is True
    assert data["reused"] == []
    text = dentsec(["password", "vault", str(path), "--password-stdin"], MASTER + "\n",
                   isolated).stdout
    assert "presque identiques" in text and "Compta" in text
    assert "Expirés" in text and "Télétransmission" in text
    for secret in ("Cabinet2023", "binet-2024", "Zk8#", "Hj4$"):
        assert secret not in text and secret not in json.dumps(data)


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[len(b)]


@given(st.text(max_size=12), st.text(max_size=12), st.integers(0, 3))
def test_banded_distance_agrees_with_levenshtein(a: str, b: str, limit: int) -> None:
    assert within(a, b, limit) == (_levenshtein(a, b) <= limit)


def test_base_word() -> None:
    assert base_word("P@ssw0rd-1") == base_word("password") == "password"


@st.composite
def _edited(draw: st.DrawFn) -> tuple[str, str]:
    """A password and a copy with one or two characters changed, added or removed."""
    first = draw(st.text(min_size=6, max_size=16))
    other = first
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(other)))
        char = draw(st.characters())
        other = draw(st.sampled_from([other[:at] + char + other[at:],
                                      other[:at] + other[at + 1:],
                                      other[:at] + char + other[at + 1:]]))
    return first, other


@given(_edited())
def test_near_reuse_finds_every_small_edit(pair: tuple[str, str]) -> None:
    from dentsec.passwords.vault import EntryRef, near_reuse

    first, other = pair
    if first == other or len(other) < 6:
        return
    groups = near_reuse({first: [EntryRef("A", "", "")], other: [EntryRef("B", "", "")]})
    assert [set(g.titles) for g in groups] == [{"A", "B"}]
