"""A host that answers from a recorded evidence bundle."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dentsec.host.base import (
    DEFAULT_MAX_BYTES,
    CommandResult,
    DirResult,
    FileResult,
    JSONValue,
    ProbeResult,
)
from dentsec.host.bundle import Bundle
from dentsec.vocab import ErrorKind

NOT_COLLECTED = ErrorKind.NOT_COLLECTED


class ReplayHost:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.info = bundle.info

    def run(self, argv: Sequence[str], timeout: float = 10.0, cwd: str | None = None) -> CommandResult:
        key = tuple(argv)
        found = self.bundle.commands.get(key)
        return found or CommandResult(key, None, "", "", NOT_COLLECTED)

    def read_text(
        self,
        path: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        redact: Callable[[str], str] | None = None,
    ) -> FileResult:
        return self.bundle.files.get(path) or FileResult(path, None, NOT_COLLECTED)

    def list_dir(self, path: str) -> DirResult:
        return self.bundle.dirs.get(path) or DirResult(path, (), NOT_COLLECTED)

    def probe(
        self, name: str, fn: Callable[[str], JSONValue], live_only: bool = False
    ) -> ProbeResult:
        return self.bundle.probes.get(name) or ProbeResult(name, None, NOT_COLLECTED)
