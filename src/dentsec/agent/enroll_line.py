"""The one line an IT provider pastes on a Windows PC without Python (shown on the
console's enrollment page): it downloads dentsec-agent.ps1 and dentsec-collect.ps1 from
the console, enrolls the PC and installs the daily task.

It is passed with ``-EncodedCommand`` (UTF-16LE, base64) so that the same line works in
cmd.exe, in an elevated PowerShell and in RMM tools, whatever their quoting, and with a
temporary folder whose path holds spaces; the page shows the decoded script beside it.
"""

from __future__ import annotations

import base64


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
