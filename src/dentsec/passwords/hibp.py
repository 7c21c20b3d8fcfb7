"""Have I Been Pwned "range" API with k-anonymity.

Only the first five hexadecimal characters of the password's SHA-1 leave the machine;
the service answers every known suffix for that prefix as ``SUFFIX:COUNT`` lines and the
match is made here. ``Add-Padding: true`` asks for decoy lines (count 0) so that the size
of the answer says nothing either; those are ignored.
"""

from __future__ import annotations

import hashlib
import os

import httpx

from dentsec import __version__
from dentsec.errors import DentsecError

DEFAULT_URL = "https://api.pwnedpasswords.com"
URL_ENV = "DENTSEC_HIBP_URL"  # tests point this at a server on 127.0.0.1


class HibpClient:
    def __init__(self, base_url: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = (base_url or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
        self._client = httpx.Client(
            timeout=timeout,
            headers={"Add-Padding": "true", "User-Agent": f"dentsec/{__version__}"},
        )
        self._ranges: dict[str, dict[str, int]] = {}  # one request per prefix and run

    def close(self) -> None:
        self._client.close()

    def count(self, password: str) -> int:
        """How many times the password appears in known breaches (0 = not found)."""
        digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False)
        sha1 = digest.hexdigest().upper()
        prefix, suffix = sha1[:5], sha1[5:]
        if prefix not in self._ranges:
            self._ranges[prefix] = self._fetch(prefix)
        return self._ranges[prefix].get(suffix, 0)

    def _fetch(self, prefix: str) -> dict[str, int]:
        url = f"{self.base_url}/range/{prefix}"
        try:
            response = self._client.get(url)
        except httpx.HTTPError as exc:
            raise DentsecError(
                "Vérification en ligne impossible : le service Have I Been Pwned ne répond "
                f"pas ({type(exc).__name__}). Vérifiez la connexion internet, ou lancez la "
                "vérification sans --online (listes intégrées).",
                "Online check impossible: the Have I Been Pwned service does not answer "
                f"({type(exc).__name__}). Check the internet connection, or check without "
                "--online (built-in lists).",
            ) from exc
        if response.status_code != 200:
            raise DentsecError(
                f"Vérification en ligne impossible : Have I Been Pwned a répondu "
                f"{response.status_code}.",
                f"Online check impossible: Have I Been Pwned answered {response.status_code}.",
            )
        return parse_range(response.text)


def parse_range(text: str) -> dict[str, int]:
    """``SUFFIX:COUNT`` lines -> {suffix: count}; padding (count 0) and junk skipped."""
    found: dict[str, int] = {}
    for line in text.splitlines():
        suffix, sep, count = line.strip().partition(":")
        if not sep or len(suffix) != 35 or not count.isdecimal():
            continue
        if int(count) > 0:
            found[suffix.upper()] = int(count)
    return found
