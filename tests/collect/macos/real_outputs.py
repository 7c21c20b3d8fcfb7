"""Where the real macOS command outputs published by others live (read in place).

CI has ../shared beside the clone; the README there names each file's source.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real-outputs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def real(name: str) -> str:
    path = REAL / name
    if not path.exists():
        pytest.fail(f"missing shared real output {path} (CI clones ../shared beside the repo)")
    return path.read_text(encoding="utf-8")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
