"""The one subprocess wrapper of the program: argv lists only, never a shell, always a timeout."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dentsec.vocab import ErrorKind


@dataclass(frozen=True)
class ProcResult:
    argv: tuple[str, ...]
    exit_code: int | None
    stdout: str
    stderr: str
    error: str | None
    """None when the program ran; otherwise ``not-found``, ``timeout``, ``permission`` or ``os-error: …``."""
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.error is None and self.exit_code == 0


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    full_env = dict(os.environ)
    full_env.update({"LC_ALL": "C", "LANG": "C"})
    if extra:
        full_env.update(extra)
    return full_env


def run(
    argv: Sequence[str],
    timeout: float = 10.0,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    cwd: str | None = None,
) -> ProcResult:
    """Run a program and capture its text output; never raises for a failed program."""
    full_env = _env(env)
    start = time.monotonic()
    args = tuple(argv)

    def done(code: int | None, out: str, err: str, error: str | None) -> ProcResult:
        return ProcResult(args, code, out, err, error, int((time.monotonic() - start) * 1000))

    try:
        cp = subprocess.run(  # noqa: S603 - argv list, no shell
            list(args),
            capture_output=True,
            timeout=timeout,
            env=full_env,
            input=input_text.encode() if input_text is not None else None,
            stdin=None if input_text is not None else subprocess.DEVNULL,
            cwd=cwd,
            check=False,
        )
    except FileNotFoundError:
        return done(None, "", "", ErrorKind.COMMAND_MISSING)
    except PermissionError:
        return done(None, "", "", ErrorKind.PERMISSION)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode("utf-8", "replace") if exc.stdout else ""
        return done(None, out, "", ErrorKind.TIMEOUT)
    except OSError as exc:
        return done(None, "", "", f"{ErrorKind.OS_ERROR}: {exc.strerror or exc}")
    return done(
        cp.returncode,
        cp.stdout.decode("utf-8", "replace"),
        cp.stderr.decode("utf-8", "replace"),
        None,
    )


def stream(
    argv: Sequence[str],
    on_line: Callable[[str], None],
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> ProcResult:
    """Run a program, handing each output line (stdout and stderr merged) to ``on_line`` as
    it comes, for progress displays. The result holds no output; never raises for a failed
    program."""
    start = time.monotonic()
    args = tuple(argv)

    def done(code: int | None, error: str | None) -> ProcResult:
        return ProcResult(args, code, "", "", error, int((time.monotonic() - start) * 1000))

    try:
        child = subprocess.Popen(  # noqa: S603 - argv list, no shell
            list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=_env(env), cwd=cwd,
        )
    except FileNotFoundError:
        return done(None, ErrorKind.COMMAND_MISSING)
    except PermissionError:
        return done(None, ErrorKind.PERMISSION)
    except OSError as exc:
        return done(None, f"{ErrorKind.OS_ERROR}: {exc.strerror or exc}")
    assert child.stdout is not None
    with child:
        for raw in child.stdout:
            on_line(raw.decode("utf-8", "replace").rstrip("\r\n"))
    return done(child.returncode, None)
