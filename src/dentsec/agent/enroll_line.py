"""The one line an IT provider pastes on a PC without Python (shown on the console's
enrollment page). Windows: it downloads dentsec-agent.ps1 and dentsec-collect.ps1 from
the console, enrolls the PC and installs the daily task. macOS (``mac_line``): the same
with dentsec-agent.sh and dentsec-collect.sh, in Terminal, through curl and sudo.

It is passed with ``-EncodedCommand`` (UTF-16LE, base64) so that the same line works in
cmd.exe, in an elevated PowerShell and in RMM tools, whatever their quoting, and with a
temporary folder whose path holds spaces; the page shows the decoded script beside it.
"""

from __future__ import annotations

import base64

from dentsec.agent import shell
from dentsec.collect.macos.shell import sq


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def script(server_url: str, token: str) -> str:
    server = server_url.rstrip("/")
    return ("[Net.ServicePointManager]::SecurityProtocol = 'Tls12'; "
            "$d = Join-Path $env:TEMP 'dentsec'; New-Item -ItemType Directory -Force $d | Out-Null; "
            "foreach ($n in 'dentsec-agent.ps1', 'dentsec-collect.ps1') { "
            f"Invoke-WebRequest -UseBasicParsing ({_quoted(server + '/agent/')} + $n) "
            "-OutFile (Join-Path $d $n) }; "
            f"& (Join-Path $d 'dentsec-agent.ps1') -Enroll -Install -Server {_quoted(server)} "
            f"-Token {_quoted(token)}")


def line(server_url: str, token: str) -> str:
    encoded = base64.b64encode(script(server_url, token).encode("utf-16-le")).decode("ascii")
    return f"powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand {encoded}"


def mac_line(server_url: str, token: str) -> str:
    """For Terminal (zsh or sh): a private temporary folder, the two scripts fetched over
    TLS 1.2+ only, then the agent enrolls and installs its LaunchDaemon as root."""
    server = server_url.rstrip("/")
    fetch = " && ".join(
        f'curl -fsS --proto =https --tlsv1.2 -o "$d/{name}" {sq(f"{server}/agent/{name}")}'
        for name in (shell.SCRIPT_NAME, shell.COLLECTOR_NAME))
    return (f'd=$(mktemp -d) && {fetch} && sudo sh "$d/{shell.SCRIPT_NAME}" enroll --install '
            f"--server {sq(server)} --token {sq(token)}")
