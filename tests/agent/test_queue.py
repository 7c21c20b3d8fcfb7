"""The report queue on its own: order, atomic files, what happens on each outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from dentsec.agent import queue


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DENTSEC_HOME", str(tmp_path))
    return tmp_path


def test_oldest_first_and_removed_once_stored() -> None:
    for n in range(5):
        queue.enqueue(f'{{"n": {n}}}'.encode())
    seen: list[bytes] = []

    def send(body: bytes) -> tuple[str, str | None]:
        seen.append(body)
        return queue.Outcome.STORED, None

    result = queue.drain(send)
    assert result.sent == 5 and result.left == 0
    assert seen == [f'{{"n": {n}}}'.encode() for n in range(5)]
    assert queue.pending() == []


def test_stops_at_the_first_failure_and_keeps_the_rest() -> None:
    for n in range(4):
        queue.enqueue(str(n).encode())
    calls = []

    def send(body: bytes) -> tuple[str, str | None]:
        calls.append(body)
        return (queue.Outcome.STORED, None) if body == b"0" else (queue.Outcome.RETRY, "down")

    result = queue.drain(send)
    assert (result.sent, result.left, result.error) == (1, 3, "down")
    assert calls == [b"0", b"1"]
    assert [p.read_bytes() for p in queue.pending()] == [b"1", b"2", b"3"]


def test_refused_reports_are_set_aside() -> None:
    queue.enqueue(b"bad")
    queue.enqueue(b"good")

    def send(body: bytes) -> tuple[str, str | None]:
        return (queue.Outcome.REFUSED, "schema") if body == b"bad" else (
            queue.Outcome.STORED, None)

    result = queue.drain(send)
    assert (result.sent, result.refused) == (1, 1)
    assert [p.read_bytes() for p in queue.refused_dir().iterdir()] == [b"bad"]
    assert queue.pending() == []


def test_files_are_private_and_no_temp_file_is_left() -> None:
    path = queue.enqueue(b"{}")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in queue.queue_dir().iterdir()] == [path.name]
