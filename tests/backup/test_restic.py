"""restic's outputs, recorded from restic 0.14.0 (see fixtures/restic-0.14.0/README.md),
and robustness on any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tests.backup.support import FIXTURES

from dentsec.backup.proof import escape_pattern, mtime_ns
from dentsec.backup.restic import (
    classify,
    json_line,
    last_line,
    parse_lock,
    parse_ls,
    parse_snapshots,
)

REC = FIXTURES / "restic-0.14.0"


def lines(name: str) -> list[str]:
    return (REC / name).read_text(encoding="utf-8").splitlines()


def test_backup_summary() -> None:
    messages = [m for m in map(json_line, lines("backup.jsonl")) if m]
    summary = [m for m in messages if m["message_type"] == "summary"][0]
    assert summary["snapshot_id"] == "7c923ddf"
    assert summary["total_files_processed"] == 2
    assert summary["total_bytes_processed"] == 200013
    assert messages[0]["message_type"] == "status"


def test_unreadable_file_error_line() -> None:
    raw = lines("backup-unreadable.jsonl")
    errors = [m for m in map(json_line, raw) if m and m["message_type"] == "error"]
    assert [e["item"] for e in errors] == ["/tmp/rt/sample/docs/note.txt"]
    assert json_line(raw[-1]) is None  # restic's own warning text, not JSON


def test_snapshots_and_ls() -> None:
    snapshots = parse_snapshots((REC / "snapshots.json").read_text())
    assert [(s.short_id, s.hostname, s.paths) for s in snapshots] == [
        ("7c923ddf", "poste-accueil", ("/tmp/rt/sample",))]
    nodes = parse_ls((REC / "ls.jsonl").read_text())
    files = {n.path: n.size for n in nodes if n.type == "file"}
    assert files == {"/tmp/rt/sample/docs/note.txt": 13, "/tmp/rt/sample/zeros.bin": 200000}
    assert all(mtime_ns(n.mtime) is not None for n in nodes)


def test_lock_of_a_killed_backup() -> None:
    lock = parse_lock((REC / "cat-lock.json").read_text())
    assert lock is not None
    assert (lock.hostname, lock.pid, lock.exclusive) == ("vm", 13580, False)


def test_failure_reasons() -> None:
    assert classify((REC / "wrong-password.txt").read_text(), 1, None) == "wrong-password"
    assert classify((REC / "missing-repo.txt").read_text(), 1, None) == "repository-missing"
    assert classify("Fatal: unable to save snapshot: write /m/r/data/ab/x: no space left on "
                    "device", 1, None) == "disk-full"
    assert classify("", -9, None) == "interrupted"
    assert classify("", None, "timeout") == "timeout"
    assert classify("Fatal: repository contains errors", 1, None) == "damaged"
    assert classify("something else", 1, None) == "restic-failed"
    assert last_line("a\n{\"x\":1}\nFatal: boom\n") == "Fatal: boom"


def test_mtime_with_nanoseconds() -> None:
    assert mtime_ns("1970-01-01T00:00:01.000000005Z") == 1_000_000_005
    assert mtime_ns("1970-01-01T01:00:01.5+01:00") == 1_500_000_000
    assert mtime_ns("1970-01-01T00:00:01") is None  # no zone: refuse to guess


def test_include_patterns_are_escaped() -> None:
    assert escape_pattern("/cabinet/radio[1]*?.bin") == "/cabinet/radio\\[1]\\*\\?.bin"


@given(st.text())
def test_parsers_never_crash_on_any_text(text: str) -> None:
    json_line(text)
    parse_lock(text)
    parse_snapshots(text)
    parse_ls(text)
    mtime_ns(text)
    assert classify(text, 1, None)
    last_line(text)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda children: st.lists(children) | st.dictionaries(st.text(), children)))
def test_parsers_never_crash_on_any_json(value: object) -> None:
    import json

    text = json.dumps(value)
    parse_lock(text)
    parse_snapshots(text)
    parse_ls(text)
    json_line(text)


def test_restore_over_damaged_data_names_the_lost_file() -> None:
    from dentsec.backup.proof import restore_errors

    text = (REC / "restore-damaged.txt").read_text(encoding="utf-8")
    assert restore_errors(text) == ["/tmp/rt/sample/a.bin"]


def test_damaged_pack_ids_from_check() -> None:
    from dentsec.backup.proof import damaged_packs

    pack = "2c9d3701e7a04ce95c30a3f91749658d26fec6af79ea852f3d551d48a8d1c7dc"
    text = f"check all packs\nPack ID does not match, want {pack}, got {'0' * 64}\n"
    assert damaged_packs(text) == [pack]


@given(st.text(max_size=400))
def test_restore_and_check_parsers_take_any_text(text: str) -> None:
    from dentsec.backup.proof import damaged_packs, restore_errors

    assert all(isinstance(p, str) for p in restore_errors(text))
    assert all(len(p) == 64 for p in damaged_packs(text))
