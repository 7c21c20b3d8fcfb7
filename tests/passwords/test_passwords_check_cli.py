"""``dentsec password check``: one JSON object per input line, in order, whatever comes in."""

from __future__ import annotations

import json
import os
import pty
import select
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.passwords.cli import password

from .conftest import DENTSEC, dentsec

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


def _in_terminal(args: list[str], typed: str) -> tuple[int, str]:
    """Run the real command in a pseudo-terminal (its controlling terminal), type
    ``typed`` at its prompt; (exit status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session whose terminal is the pty
        os.execv(DENTSEC, [DENTSEC, *args])
    shown = b""
    typed_yet = False
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if not typed_yet and b":" in shown:
            os.write(fd, typed.encode() + b"\n")
            typed_yet = True
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_hidden_prompt_in_a_terminal() -> None:
    code, shown = _in_terminal(["password", "check", "--format", "json", "--lang", "fr"],
                               "Velours-Orage7-Falaise#Pivoine")
    assert code == 0, shown
    assert "Mot de passe" in shown and '"acceptable": true' in shown
    assert "Velours" not in shown  # hidden input is not echoed


def test_without_a_terminal_says_to_use_stdin(isolated: dict[str, str]) -> None:
    result = dentsec(["password", "check"], "Velours-Orage7-Falaise#Pivoine\n", isolated)
    assert result.exit_code == 2
    assert "--stdin" in result.stderr and "terminal" in result.stderr
    assert "GetPassWarning" not in result.stderr and "Warning" not in result.stderr
    assert result.stdout == "" and "Velours" not in result.stderr
    vault = dentsec(["password", "vault", "absent.kdbx"], "x\n", isolated)
    assert vault.exit_code == 2 and "--password-stdin" in vault.stderr


def test_empty_stdin_is_an_error(isolated: dict[str, str]) -> None:
    for lang, words in (("fr", "entrée standard est vide"), ("en", "standard input is empty")):
        result = dentsec(["password", "check", "--stdin", "--lang", lang], "", isolated)
        assert result.exit_code == 2
        assert words in result.stderr
        assert result.stdout == ""


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_input_gives_one_verdict_per_line(data: bytes) -> None:
    code, rows = _check(data)
    if not data:  # nothing at all: an error, not a silent success
        assert code == 2 and not rows
        return
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


# Anything a line of UTF-8 standard input can hold (no surrogates, no line end).
LINE_CHARACTERS = st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n")


@settings(max_examples=80, deadline=None)
@given(st.text(LINE_CHARACTERS, max_size=60), st.text(LINE_CHARACTERS, max_size=20),
       st.sampled_from(["fr", "en"]), st.sampled_from(["text", "json"]))
def test_no_password_in_any_output_for_any_unicode(head: str, tail: str, lang: str,
                                                   fmt: str) -> None:
    secret = head + "Ωcanari" + tail  # a marker no message contains
    result = CliRunner().invoke(password, ["check", "--stdin", "--format", fmt, "--lang",
                                           lang], input=(secret + "\n").encode())
    assert result.exit_code in (0, 1)
    assert "Ωcanari" not in result.output
    assert "Traceback" not in result.output


def test_refusal_names_the_pieces_not_the_password(isolated: dict[str, str]) -> None:
    made_up = ["Juliette1987!", "DrLefebvre1975!", "Pontarlier25300!", "LaVieEnRose1947!"]
    result = dentsec(["password", "check", "--stdin"], "\n".join(made_up) + "\n", isolated)
    assert result.exit_code == 1
    out = result.stdout
    assert "prénom + année + symbole" in out
    assert "mot du métier (dentaire, médical) + nom de famille + année + symbole" in out
    assert "ville et son code postal + symbole" in out
    assert "phrase, chanson ou titre connus" in out
    assert out.count("À CHANGER") == 4 and "10^10" in out
    for secret in made_up:
        assert secret not in out and secret[:6].lower() not in out.lower()


def test_offline_bar_from_the_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("password_min_guesses_log10 = 6\n")
    _, default = _check(b"SoleilBleu2024!\n")
    _, online_grade = _check(b"SoleilBleu2024!\n", "--policy", str(policy))
    assert default[0]["acceptable"] is False and default[0]["min_guesses_log10"] == 10
    assert online_grade[0]["acceptable"] is True and online_grade[0]["min_guesses_log10"] == 6
    policy.write_text("password_min_guesses_log10 = -1\n")
    result = CliRunner().invoke(password, ["check", "--stdin", "--policy", str(policy)],
                                input=b"x\n")
    assert result.exit_code == 2 and "positive" in result.output
