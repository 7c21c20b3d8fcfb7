"""The one-time code that protects the first-run page of `dentsec serve`.

Whoever reaches the server first must not be able to make themselves administrator:
the page asks for a code printed on the console that started the server.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings


def code_path() -> Path:
    return Path(settings.STATE_DIR) / "first-run-code"


def new_code() -> str:
    code = "-".join(secrets.token_hex(3) for _ in range(3))
    path = code_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(code)
    os.replace(tmp, path)
    return code


def check_code(given: str) -> bool:
    try:
        expected = code_path().read_text(encoding="ascii").strip()
    except OSError:
        return False
    return bool(expected) and hmac.compare_digest(expected, given.strip())


def forget_code() -> None:
    code_path().unlink(missing_ok=True)
