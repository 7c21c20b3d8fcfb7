from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dentsec.backup.config import BackupConfig
from dentsec.backup.secret import (
    ALPHABET,
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
