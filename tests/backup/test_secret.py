from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backend import KeyringBackend

from dentsec.backup.config import BackupConfig
from dentsec.backup.secret import (
    ALPHABET,
    forget_password,
    generate_password,
    key_file,
    keyring_usable,
    load_password,
    password_file,
    store_password,
)
from dentsec.errors import DentsecError


def test_generated_passwords_are_long_unambiguous_and_unique() -> None:
    seen = {generate_password() for _ in range(200)}
    assert len(seen) == 200
    for password in seen:
        groups = password.split("-")
        assert [len(g) for g in groups] == [5] * 6
        assert set("".join(groups)) <= set(ALPHABET)
        assert not set("0O1lI") & set(password)


def test_headless_store_is_a_private_file() -> None:
    store = store_password("/media/usb/depot", "abcde-fghij", prefer_keyring=False)
    assert store == "file"
    assert stat.S_IMODE(key_file().stat().st_mode) == 0o600
    config = BackupConfig(repository="/media/usb/depot", password_store="file")
    assert load_password(config) == "abcde-fghij"
    with password_file(config) as path:
        assert path.read_text() == "abcde-fghij"


@pytest.mark.skipif(keyring_usable(), reason="a real keyring is present on this machine")
def test_without_a_keyring_the_file_is_chosen() -> None:
    assert store_password("/media/usb/depot", "x" * 10) == "file"


def test_missing_password_tells_where_to_find_it() -> None:
    config = BackupConfig(repository="/media/usb/depot", password_store="file")
    with pytest.raises(DentsecError) as err:
        load_password(config)
    assert "feuille de récupération" in err.value.fr


def test_temporary_copy_for_keyring_store_is_removed(tmp_path: Path) -> None:
    # the keyring branch writes a temp copy; exercise that path with the file store's value
    store_password("/depot", "motdepasse-test", prefer_keyring=False)
    config = BackupConfig(repository="/depot", password_store="keyring")
    with pytest.raises(DentsecError):
        with password_file(config):
            pass  # no keyring entry: a clear error, no temp file left
    assert not any((key_file().parent / "tmp").glob("*/pw"))


class MemoryKeyring(KeyringBackend):
    """A working keyring held in memory: stands in for the OS keyring (Windows Credential
    Manager, macOS Keychain, Secret Service) that this headless machine lacks."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_with_a_keyring_no_password_file_stays(memory_keyring: MemoryKeyring) -> None:
    assert keyring_usable()
    assert store_password("/media/usb/depot", "abcde-12345") == "keyring"
    assert not key_file().exists()
    config = BackupConfig(repository="/media/usb/depot", password_store="keyring")
    with password_file(config) as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
        assert path.read_text() == "abcde-12345"
    assert not path.exists()
    forget_password(config)
    assert memory_keyring.items == {}


@given(st.lists(st.sampled_from([" ", "-", "  ", "\n", " - "]), min_size=5, max_size=5))
def test_password_typed_from_the_sheet_reads_back_whatever_the_separators(seps: list[str]) -> None:
    from dentsec.backup.secret import from_sheet, generate_password

    password = generate_password()
    groups = password.split("-")
    typed = "  " + "".join(g + s for g, s in zip(groups, [*seps, ""], strict=True)) + " "
    assert from_sheet(typed) == password
