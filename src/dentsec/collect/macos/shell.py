"""The macOS collector without Python: ``dentsec-collect.sh``, rendered from the plan.

``render()`` turns :data:`dentsec.collect.macos.plan.PLAN` into a POSIX sh script (the
runtime in ``runtime.sh`` + one line per plan step), so the shell collector and the
Python one ask the same things in the same words. The script is committed beside the
Python collector; tests/collect/macos/test_shell.py fails when it differs from
``render()`` — regenerate with ``python -m dentsec.agent.shell`` (both macOS scripts).

Where the Python collector decides from a parsed answer (is there a person account, did
InstallHistory list a system update…), the script decides from the same recorded answer
with grep/awk (``cond_*`` functions of the runtime, named after the plan's conditions).
Property lists come from ``plutil -convert xml1`` in both, whose XML puts one element on
a line, which is what those readings rely on.
"""

from __future__ import annotations

import json
import string
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from dentsec.collect.macos import plan
from dentsec.collect.macos.plan import (
    Command,
    Dir,
    Entries,
    File,
    FirstOf,
    Humans,
    Plist,
    Probe,
    When,
)

SCRIPT_NAME = "dentsec-collect.sh"
COLLECTOR = "dentsec-collect.sh 1"
"""The manifest's ``collector``: the console reads the agent kind "shell" from it."""
HERE = Path(__file__).resolve().parent

JXA = r"""
function pyStr(s) {
  var out = "\"";
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i), ch = s.charAt(i);
    if (ch === "\"" || ch === "\\") out += "\\" + ch;
    else if (c === 10) out += "\\n";
    else if (c === 13) out += "\\r";
    else if (c === 9) out += "\\t";
    else if (c === 8) out += "\\b";
    else if (c === 12) out += "\\f";
    else if (c < 32 || c > 126) out += "\\u" + ("000" + c.toString(16)).slice(-4);
    else out += ch;
  }
  return out + "\"";
}
function pyNum(v) {
  if (!isFinite(v)) return v > 0 ? "Infinity" : (v < 0 ? "-Infinity" : "NaN");
  if (Math.floor(v) === v && Math.abs(v) < 1e16) return String(v);
  var m = v.toExponential().split("e"), e = parseInt(m[1], 10);
  var sign = v < 0 ? "-" : "", d = m[0].replace("-", "").replace(".", "");
  if (e >= 16 || e < -4) {
    var x = (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    return sign + d.charAt(0) + (d.length > 1 ? "." + d.slice(1) : "") + "e" + x;
  }
  if (e < 0) return sign + "0." + new Array(-e).join("0") + d;
  while (d.length < e + 2) d += "0";
  return sign + d.slice(0, e + 1) + "." + d.slice(e + 1);
}
function py(v) {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "number") return pyNum(v);
  if (typeof v === "string") return pyStr(v);
  if (Array.isArray(v)) return "[" + v.map(py).join(", ") + "]";
  return "{" + Object.keys(v).map(function (k) { return pyStr(k) + ": " + py(v[k]); }).join(", ") + "}";
}
function isDict(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
function run(argv) {
  var text = ObjC.unwrap($.NSString.stringWithContentsOfFileEncodingError(argv[1], $.NSUTF8StringEncoding, null));
  if (typeof text !== "string") throw new Error("unreadable: " + argv[1]);
  if (argv[0] === "count-logins") {
    var d = JSON.parse(text);
    return String(isDict(d) && Array.isArray(d.logins) ? d.logins.length : 0);
  }
  var data;
  try { data = JSON.parse(text); } catch (err) { return ""; }
  var dl = isDict(data) ? data.download : undefined;
  return py(isDict(dl) ? {download: dl} : {});
}
""".strip()
"""JavaScript for Automation (``osascript -l JavaScript``, shipped with every macOS since
10.10: https://developer.apple.com/library/archive/releasenotes/InterapplicationCommunication/RN-JavaScriptForAutomation/):
the two JSON readings the shell cannot do. ``download-prefs`` is
``downloads.keep_download_prefs`` (the output of Python's ``json.dumps``, byte for byte
for strings, booleans, integers and short floats; JSON cannot tell the script 1.0 from 1),
``count-logins`` is ``browsers.count_firefox_logins``. ``run(argv)`` receives the
arguments after the script and osascript prints what it returns."""

CONDITIONS = {
    "users-known": "cond_users_known",
    "console-user": "cond_console_user",
    "no-managed-idle": "cond_no_managed_idle",
    "no-install-history-update": "cond_no_install_history_update",
    "time-machine-without-snapshot-date": "cond_time_machine_without_snapshot_date",
    "admin": "cond_admin",
    "no-remote-login-answer": "cond_no_remote_login_answer",
    "ssh-on-and-admin": "cond_ssh_on_and_admin",
}
OK_RULES = {"plist-dict": "plist_dict", "backup-status": "ok_backup_status", "exit-0": "ok"}
STOP_RULES = {"plist-failed-or-idle": "stop_plist_failed_or_idle"}
PROBES = {"chromium-logins": "probe_chromium_logins", "firefox-logins": "probe_firefox_logins",
          "dentsec-home": "probe_dentsec_home", "backup-disk": "probe_backup_disk"}
REDACTORS = ("chromium-download-prefs",)
KEYS = {
    "USERS_UID_KEY": plan.USERS_UID_ARGV, "USERS_HOME_KEY": plan.USERS_HOME_ARGV,
    "CONSOLE_USER_KEY": plan.CONSOLE_USER_ARGV,
    "SCREENSAVER_MANAGED_KEY": plan.plutil_argv(plan.SCREENSAVER_MANAGED),
    "INSTALL_HISTORY_KEY": plan.plutil_argv(plan.INSTALL_HISTORY),
    "DESTINATIONS_KEY": plan.DESTINATIONS_ARGV,
    "TIME_MACHINE_KEY": plan.plutil_argv(plan.TIME_MACHINE_PLIST),
    "REMOTE_LOGIN_KEY": plan.REMOTE_LOGIN_ARGV,
    "SSHD_LAUNCHD_KEY": plan.launchctl_argv("com.openssh.sshd"),
}
"""The answers the runtime's conditions read, found by the key of their item."""


def sq(text: str) -> str:
    """A single-quoted sh word."""
    return "'" + text.replace("'", "'\\''") + "'"


def word(template: str) -> str:
    """A double-quoted sh word: literal text, with {home}/{user}/{entry}/{dentsec_home}
    from the loop variables."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append("".join("\\" + c if c in '\\"$`' else c for c in literal))
        if field is not None:
            out.append("${" + field + "}")
    return '"' + "".join(out) + '"'


def seconds(timeout: float) -> str:
    return str(max(1, round(timeout)))


class Renderer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1
        self.flags = 0

    def put(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def block(self, opener: str, steps: tuple[object, ...], closer: str) -> None:
        self.put(opener)
        self.depth += 1
        if not steps:
            self.put(":")  # sh refuses an empty body
        self.steps(steps)
        self.depth -= 1
        self.put(closer)

    def steps(self, steps: Iterable[object]) -> None:
        for step in steps:
            self.step(step)

    def step(self, step: object) -> None:
        if isinstance(step, Command):
            self.put(" ".join(["run_cmd", seconds(step.timeout), *map(word, step.argv)]))
        elif isinstance(step, Plist):
            self.put(f"plist {word(step.path)}")
        elif isinstance(step, File):
            if step.redact is not None and step.redact not in REDACTORS:
                raise ValueError(step.redact)
            self.put(" ".join(["read_file", word(step.path), str(step.max_bytes),
                               *([sq(step.redact)] if step.redact else [])]))
        elif isinstance(step, Dir):
            self.put(f"list_dir {word(step.path)}")
        elif isinstance(step, Probe):
            self.put(PROBES[step.kind] + (f" {word(step.target)}" if step.target else ""))
        elif isinstance(step, Humans):
            self.humans(step.with_home, lambda: self.steps(step.steps))
        elif isinstance(step, Entries):
            self.put(f"list_dir {word(step.path)}")
            self.put('for h in $(entry_hexes "$last"); do')
            self.depth += 1
            self.put('entry=$(unhex "$h")')
            if step.match is not None:
                self.put(f'matches "$entry" {sq(step.match)} || continue')
            self.steps(step.steps)
            if step.stop is not None:
                self.put(f"if {STOP_RULES[step.stop]}; then break; fi")
            self.depth -= 1
            self.put("done")
        elif isinstance(step, FirstOf):
            self.first_of(step)
        elif isinstance(step, When):
            if step.condition.startswith("application:"):
                app = step.condition.split(":", 1)[1]
                test = f"has_entry {sq(plan.APPLICATIONS)} {sq(app)}"
            else:
                test = CONDITIONS[step.condition]
            self.block(f"if {test}; then", step.steps, "fi")
        else:
            raise TypeError(f"not a plan step: {step!r}")

    def first_of(self, step: FirstOf) -> None:
        self.flags += 1
        flag = f"done_{self.flags}"
        rule = OK_RULES[step.ok]
        self.put(f"{flag}=")
        for alternative in step.alternatives:
            self.attempt(alternative, rule, flag)
        if step.per_human:
            def each_home() -> None:
                for alternative in step.per_human:
                    self.attempt(alternative, rule, flag)
                self.put(f'if [ -n "${flag}" ]; then break; fi')

            self.put(f'if [ -z "${flag}" ]; then')
            self.depth += 1
            self.humans(True, each_home)
            self.depth -= 1
            self.put("fi")

    def humans(self, with_home: bool, body: Callable[[], None]) -> None:
        """A loop over the people's accounts (the runtime's "$W/humans": user, uid, home)."""
        self.put("users_ready")
        self.put('while IFS="$TAB" read -r user _ home; do')
        self.depth += 1
        if with_home:
            self.put('[ -n "$home" ] || continue')
        body()
        self.depth -= 1
        self.put('done <"$W/humans"')

    def attempt(self, alternative: tuple[object, ...], rule: str, flag: str) -> None:
        """Unless an earlier alternative succeeded: its test item, then on success the rest."""
        self.put(f'if [ -z "${flag}" ]; then')
        self.depth += 1
        self.step(alternative[0])
        self.put(f"if {rule}; then")
        self.depth += 1
        self.put(f"{flag}=1")
        self.steps(alternative[1:])
        self.depth -= 1
        self.put("fi")
        self.depth -= 1
        self.put("fi")


def _runtime() -> str:
    return (HERE / "runtime.sh").read_text(encoding="utf-8")


def constants() -> list[str]:
    """The variables the runtime reads (its tests run it with these too)."""
    lines = [f"COLLECTOR={sq(COLLECTOR)}", f"FIRST_HUMAN_UID={plan.FIRST_HUMAN_UID}"]
    for name, argv in KEYS.items():
        key = "c:" + json.dumps(list(argv), ensure_ascii=False)
        lines.append(f"{name}={sq(key)}")
    return lines


HEADER = """#!/bin/sh
# dentsec-collect.sh: the macOS collector without Python (POSIX sh, Apple's own tools).
# GENERATED by `python -m dentsec.agent.shell` from src/dentsec/collect/macos/plan.py:
# do not edit; change the plan (or runtime.sh) and regenerate.
#
#   sh dentsec-collect.sh [--lang fr|en] --output BUNDLE.zip|FOLDER
#
# Reads only (never a patient file, never a password: browser stores are counted, Chrome
# settings are cut to their "download" section before they are kept). Exit codes: 0 done,
# 2 bad use or the bundle could not be written (nothing partial is left).
"""

MAIN = r"""
# --- main ----------------------------------------------------------------------------

LANG_UI=fr
OUTPUT=''
while [ $# -gt 0 ]; do
    case $1 in
    --lang) LANG_UI=${2:-fr}; shift 2 ;;
    --output | -o) OUTPUT=${2:-}; shift 2 ;;
    *) say "Option inconnue : $1" "Unknown option: $1"; exit 2 ;;
    esac
done
if [ -z "$OUTPUT" ]; then
    say "Indiquez où écrire les preuves : --output FICHIER.zip" \
        "Say where to write the evidence: --output FILE.zip"
    exit 2
fi
case $OUTPUT in
*.zip) command -v zip >/dev/null 2>&1 || {
    say "zip est introuvable : il est fourni avec macOS (/usr/bin/zip)." \
        "zip was not found: it ships with macOS (/usr/bin/zip)."
    exit 2
} ;;
*) [ -e "$OUTPUT" ] && {
    say "$OUTPUT existe déjà : choisissez un autre nom." "$OUTPUT already exists: choose another name."
    exit 2
} ;;
esac
W=$(mktemp -d "${TMPDIR:-/tmp}/dentsec-collect.XXXXXX") || {
    say "Impossible de créer un dossier temporaire." "Could not create a temporary folder."
    exit 2
}
trap 'rm -rf "$W"' EXIT
trap 'exit 2' HUP INT TERM
B="$W/bundle"
mkdir -p "$B/items"
: >"$W/keys"
: >"$W/items.json"
created=$(/bin/date '+%Y-%m-%dT%H:%M:%S%z' | sed 's/\(..\)$/:\1/')
if cond_admin; then admin=true; else admin=false; fi
host=$(hostname)

collect

{
    printf '{\n "schema": "dentsec.evidence/1",\n "created_at": "%s",\n' "$created"
    printf ' "collector": "%s",\n' "$COLLECTOR"
    printf ' "host": {"os_family": "macos", "hostname": %s, "is_admin": %s, "mode": "live"},\n' \
        "$(json_str "$host")" "$admin"
    printf ' "items": [\n'
    cat "$W/items.json"
    printf '\n ]\n}\n'
} >"$B/manifest.json" || {
    say "Écriture impossible dans $W (disque plein ?)." "Could not write in $W (disk full?)."
    exit 2
}
case $OUTPUT in
*.zip)
    # -D: no folder entries (the console refuses them); -X: no extra attributes.
    if ! { (cd "$B" && zip -q -X -D -r "$W/bundle.zip" manifest.json items) &&
        mv -f "$W/bundle.zip" "$OUTPUT.part" && mv -f "$OUTPUT.part" "$OUTPUT"; }; then
        rm -f "$OUTPUT.part"
        say "Impossible d'écrire $OUTPUT (disque plein ou dossier protégé ?)." \
            "Could not write $OUTPUT (disk full or protected folder?)."
        exit 2
    fi ;;
*)
    mv "$B" "$OUTPUT" || {
        rm -rf "$OUTPUT"
        say "Impossible d'écrire $OUTPUT." "Could not write $OUTPUT."
        exit 2
    } ;;
esac
exit 0
"""


def render() -> str:
    body = Renderer()
    body.steps(plan.PLAN)
    parts = [
        HEADER,
        *constants(),
        f"JXA={sq(JXA)}",
        "",
        _runtime(),
        "jxa() { osascript -l JavaScript -e \"$JXA\" \"$1\" \"$2\" </dev/null; }",
        "",
        "# --- the plan (src/dentsec/collect/macos/plan.py) ----------------------------------",
        "",
        "collect() {",
        *body.lines,
        "}",
        MAIN,
    ]
    return "\n".join(parts)


def script_path() -> Path:
    return HERE / SCRIPT_NAME


def main() -> None:
    script_path().write_text(render(), encoding="utf-8")
    sys.stdout.write(f"{script_path()}\n")


if __name__ == "__main__":
    main()
