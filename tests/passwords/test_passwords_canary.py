"""A canary password given on stdin appears in no output and no file the commands write."""

from __future__ import annotations

from pathlib import Path

from .conftest import RangeServer, VaultBuilder, dentsec

CANARY = "Canari-Zq8!Vx3#Lm7p"  # strong, so it takes the "acceptable" code paths too
WEAK_CANARY = "Bordeaux2025!"  # a city, a year, a symbol: takes the feedback code paths
MASTER_CANARY = "Maitre-Canari-9Kq#Pw2"


def _written_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _assert_nowhere(secret: str, outputs: list[str], roots: list[Path]) -> None:
    needles = [secret, secret[:8], secret.lower()]
    for text in outputs:
        for needle in needles:
            assert needle not in text
    for root in roots:
        for path in _written_files(root):
            data = path.read_bytes()
            for needle in needles:
                assert needle.encode() not in data, path


def test_check_never_shows_the_password(isolated: dict[str, str], hibp: RangeServer) -> None:
    hibp.breached[WEAK_CANARY] = 7
    env = {**isolated, "DENTSEC_HIBP_URL": hibp.url}
    outputs = []
    for args in (["--format", "json"], [], ["--online", "--format", "json"], ["--online"],
                 ["--lang", "en"]):
        result = dentsec(["password", "check", "--stdin", *args],
                         f"{CANARY}\n{WEAK_CANARY}\n", env)
        assert result.exit_code == 1, result.stderr
        assert result.stdout.strip()
        outputs += [result.stdout, result.stderr]
    roots = [Path(isolated["DENTSEC_HOME"]), Path(isolated["TMPDIR"])]
    for secret in (CANARY, WEAK_CANARY):
        _assert_nowhere(secret, outputs, roots)
    for path, _ in hibp.requests:  # the local HIBP server only ever saw 5 hex characters
        assert len(path.rsplit("/", 1)[-1]) == 5


def test_vault_never_shows_a_password(isolated: dict[str, str],
                                      make_vault: VaultBuilder) -> None:
    path = make_vault(MASTER_CANARY, canary=CANARY)
    outputs = []
    for args in (["--format", "json"], [], ["--lang", "en"]):
        result = dentsec(["password", "vault", str(path), "--password-stdin", *args],
                         MASTER_CANARY + "\n", isolated)
        assert result.exit_code == 1, result.stderr
        outputs += [result.stdout, result.stderr]
    wrong = dentsec(["password", "vault", str(path), "--password-stdin"], CANARY + "\n",
                    isolated)
    outputs += [wrong.stdout, wrong.stderr]
    roots = [Path(isolated["DENTSEC_HOME"]), Path(isolated["TMPDIR"])]
    for secret in (CANARY, MASTER_CANARY, "Velours-Orage7", "Marseille2024!"):
        _assert_nowhere(secret, outputs, roots)
