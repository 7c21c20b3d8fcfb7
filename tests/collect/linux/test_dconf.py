from __future__ import annotations

from pathlib import Path

import pytest

from dentsec import proc
from dentsec.collect.linux.dconf import parse_gvariant_text, parse_keyfile, parse_locks, read_gvdb


def test_database_compiled_by_real_dconf(tmp_path: Path) -> None:
    keyfiles = tmp_path / "db.d"
    keyfiles.mkdir()
    (keyfiles / "00").write_text("[org/gnome/desktop/session]\nidle-delay=uint32 420\n"
                                 "[org/gnome/desktop/screensaver]\nlock-enabled=false\n"
                                 "[org/gnome/deja-dup]\nbackend='google'\n")
    res = proc.run(["dconf", "compile", str(tmp_path / "user"), str(keyfiles)])
    assert res.ok, res.stderr
    values = read_gvdb((tmp_path / "user").read_bytes())
    assert values["/org/gnome/desktop/session/idle-delay"] == 420
    assert values["/org/gnome/desktop/screensaver/lock-enabled"] is False
    assert values["/org/gnome/deja-dup/backend"] == "google"


def test_fixture_databases(trees: Path) -> None:
    weak = read_gvdb((trees / "weak/home/secretariat/.config/dconf/user").read_bytes())
    assert weak["/org/gnome/desktop/session/idle-delay"] == 0


@pytest.mark.parametrize("data", [b"", b"GVariant", b"not a database at all, no", b"GVariant" + b"\0" * 16])
def test_invalid_databases_raise_valueerror(data: bytes) -> None:
    with pytest.raises(ValueError):
        read_gvdb(data)


def test_keyfile_values() -> None:
    text = "[org/gnome/desktop/session]\nidle-delay=uint32 600\n[a/b]\nflag=true\nname='x'\n"
    assert parse_keyfile(text) == {"/org/gnome/desktop/session/idle-delay": 600,
                                   "/a/b/flag": True, "/a/b/name": "x"}
    assert parse_gvariant_text("@as []") is None
    assert parse_locks("# comment\n/org/gnome/desktop/session/idle-delay\n") == {
        "/org/gnome/desktop/session/idle-delay"}
