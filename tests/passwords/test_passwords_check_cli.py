"""``dentsec password check``: one JSON object per input line, in order, whatever comes in."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.passwords.cli import password

KEYS = {"policy_ok", "policy_failures", "score", "guesses_log10", "common", "breached",
        "acceptable", "feedback"}


def _check(stdin: bytes, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(password, ["check", "--stdin", "--format", "json", *args],
                                input=stdin)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def test_one_object_per_line_in_order() -> None:
    code, rows = _check(b"Marseille2024!\nVelours-Orage7-Falaise#Pivoine\nazerty\n")
    assert code == 1
    assert [r["acceptable"] for r in rows] == [False, True, False]
    assert all(KEYS <= set(r) for r in rows)
    assert all(isinstance(r["score"], int) and 0 <= r["score"] <= 4 for r in rows)


def test_all_acceptable_exits_zero() -> None:
    assert _check(b"Velours-Orage7-Falaise#Pivoine\r\n")[0] == 0


def test_feedback_language() -> None:
    _, fr = _check(b"soleil\n", "--lang", "fr")
    _, en = _check(b"soleil\n", "--lang", "en")
    assert "Trop court" in " ".join(fr[0]["feedback"])  # type: ignore[arg-type]
    assert "Too short" in " ".join(en[0]["feedback"])  # type: ignore[arg-type]


def test_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("password_min_length = 20\n")
    _, rows = _check(b"Velours-Orage7-Fal#\n", "--policy", str(policy))
    assert rows[0]["policy_failures"] == ["min_length"]
    result = CliRunner().invoke(password, ["check", "--stdin", "--policy",
                                           str(tmp_path / "absent.toml")], input=b"x\n")
    assert result.exit_code == 2 and "introuvable" in result.output


def test_password_is_never_an_argument() -> None:
    result = CliRunner().invoke(password, ["check", "Marseille2024!"])
    assert result.exit_code == 2  # no such argument: it must come from the prompt or stdin


def test_hidden_prompt() -> None:
    result = CliRunner().invoke(password, ["check", "--format", "json"],
                                input="Velours-Orage7-Falaise#Pivoine\n")
    assert result.exit_code == 0
    assert "Velours" not in result.output  # hidden input is not echoed


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_input_gives_one_verdict_per_line(data: bytes) -> None:
    code, rows = _check(data)
    assert code in (0, 1)
    lines = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
    assert len(rows) == lines


def test_unexpected_failure_does_not_quote_the_password(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dentsec.passwords import assess as module

    def broken(secret: str, *_: object) -> None:
        raise KeyError(secret)  # a bug whose message would quote the password

    monkeypatch.setattr(module, "assess", broken)
    result = CliRunner().invoke(password, ["check", "--stdin", "--lang", "fr"],
                                input=b"Canari-Secret-42!\n")
    assert result.exit_code == 2
    assert "KeyError" in result.output and "Canari" not in result.output
