"""A fake Mac for the shell collector, built from a recorded sample bundle.

Every command of the sample becomes a small sh script on a fake PATH (or, for an
absolute path, in the fake root) that replays the recorded stdout, stderr and exit code
for its exact argv and refuses any other; files, folders and probe targets become a tree
under DENTSEC_ROOT ("missing" is absent, "permission" is chmod 000, which holds because
the script runs as nobody through setpriv). sqlite3 is the real one; osascript runs the
script's JavaScript for Automation in node with the two Foundation calls it uses.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOBODY = 65534
JXA_SHIM = r"""
const fs = require("fs");
const args = process.argv.slice(2);
let i = 0, script = "";
while (i < args.length) {
  if (args[i] === "-l") i += 2;
  else if (args[i] === "-e") { script = args[i + 1]; i += 2; }
  else break;
}
globalThis.$ = { NSUTF8StringEncoding: 4, NSString: { stringWithContentsOfFileEncodingError(p) {
  try { return { js: new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(p)) }; }
  catch (e) { return { js: undefined }; } } } };
globalThis.ObjC = { unwrap(x) { return x.js; } };
const run = new Function(script + "\nreturn run;")();
try { process.stdout.write(String(run(args.slice(i))) + "\n"); }
catch (e) { process.stderr.write("execution error: " + e.message + "\n"); process.exit(1); }
"""


def sq(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@dataclass
class World:
    root: Path
    bin: Path
    env: dict[str, str]


def manifest(bundle: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    return data


def _fake_tool(path: Path, cases: list[tuple[list[str], Path, Path, int]]) -> None:
    lines = ["#!/bin/sh"]
    for args, out, err, code in cases:
        test = " && ".join([f"[ $# -eq {len(args)} ]"]
                           + [f'[ "${{{n}}}" = {sq(a)} ]' for n, a in enumerate(args, 1)])
        lines.append(f"if {test}; then cat {sq(str(out))}; cat {sq(str(err))} >&2; "
                     f"exit {code}; fi")
    lines.append('echo "fake $0: not recorded: $*" >&2')
    lines.append("exit 127")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o755)


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)


def _logins_db(path: Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE logins (origin_url TEXT, blacklisted_by_user INTEGER)")
    con.executemany("INSERT INTO logins VALUES (?, 0)", [(f"https://{n}.example",) for n in range(count)])
    con.execute("INSERT INTO logins VALUES ('https://never.example', 1)")  # "never save": no password
    con.commit()
    con.close()


def build(bundle: Path, work: Path) -> World:
    """The fake Mac of ``bundle`` under ``work`` (made readable by nobody)."""
    data = manifest(bundle)
    root, fake_bin, replies = work / "root", work / "bin", work / "replies"
    for folder in (root, fake_bin, replies):
        folder.mkdir(parents=True)
    work.chmod(0o755)
    env = {"PATH": f"{fake_bin}:/usr/bin:/bin", "DENTSEC_ROOT": str(root), "HOME": "/var/empty",
           "TMPDIR": "/tmp"}
    tools: dict[str, list[tuple[list[str], Path, Path, int]]] = {}
    denied: list[Path] = []
    files: set[str] = {i["path"] for i in data["items"] if i["kind"] == "file"}
    for n, item in enumerate(data["items"], 1):
        kind = item["kind"]
        if kind == "command":
            assert item["error"] is None, "the samples hold commands that ran"
            out, err = replies / f"{n}.out", replies / f"{n}.err"
            out.write_bytes((bundle / item["stdout"]).read_bytes())
            err.write_bytes((bundle / item["stderr"]).read_bytes())
            tools.setdefault(item["argv"][0], []).append((item["argv"][1:], out, err, item["exit_code"]))
        elif kind == "file":
            target = root / item["path"].lstrip("/")
            if item["error"] is None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((bundle / item["content"]).read_bytes())
            elif item["error"] == "permission":
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(b"")
                denied.append(target)
            else:
                assert item["error"] == "missing", item
        elif kind == "dir":
            target = root / item["path"].lstrip("/")
            if item["error"] == "missing":
                continue
            target.mkdir(parents=True, exist_ok=True)
            for entry in item["entries"]:
                path = f"{item['path']}/{entry}"
                if path in files:
                    continue
                (target / entry).mkdir(exist_ok=True)
            if item["error"] == "permission":
                denied.append(target)
            else:
                assert item["error"] is None, item
        else:
            name, value = item["name"], json.loads((bundle / item["content"]).read_text())
            kind_name, _, target_path = name.partition(":")
            if kind_name == "dentsec-home":
                env["DENTSEC_HOME"] = value
            elif kind_name == "backup-disk-present" and value:
                (root / target_path.lstrip("/")).mkdir(parents=True, exist_ok=True)
                (root / target_path.lstrip("/") / "config").write_bytes(b"restic config")
            elif kind_name == "chromium-saved-passwords" and value["file"]:
                _logins_db(root / target_path.lstrip("/"), value["count"])
            elif kind_name == "firefox-saved-passwords" and value["file"]:
                target = root / target_path.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps({"logins": [{"id": n} for n in range(value["count"])]}))
    for tool, cases in tools.items():
        _fake_tool(root / tool.lstrip("/") if tool.startswith("/") else fake_bin / tool, cases)
    _script(fake_bin / "id", f"[ \"$1\" = -u ] && echo {0 if data['host']['is_admin'] else 501}")
    _script(fake_bin / "hostname", f"echo {sq(data['host']['hostname'])}")
    (fake_bin / "sqlite3").symlink_to(shutil.which("sqlite3") or "/usr/bin/sqlite3")
    (work / "jxa-shim.js").write_text(JXA_SHIM, encoding="utf-8")
    _script(fake_bin / "osascript", f'exec {sq(shutil.which("node") or "node")} '
                                    f'{sq(str(work / "jxa-shim.js"))} "$@"')
    for path in sorted(denied, key=lambda p: -len(p.parts)):  # deepest first
        path.chmod(0)
    return World(root, fake_bin, env)


def run_as_nobody(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``argv`` as uid/gid nobody: chmod 000 then refuses like on the Mac."""
    setpriv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return subprocess.run([*setpriv, *argv], env=env, cwd=cwd, capture_output=True, timeout=300,
                          check=False)


def items(bundle: Path) -> list[dict[str, Any]]:
    """Every item with its content (bytes, or the probe's JSON value), timings left out."""
    out = []
    for item in manifest(bundle)["items"]:
        entry = {k: v for k, v in item.items()
                 if k not in ("duration_ms", "stdout", "stderr", "content")}
        if item["kind"] == "command":
            entry["stdout"] = (bundle / item["stdout"]).read_bytes()
            entry["stderr"] = (bundle / item["stderr"]).read_bytes()
        elif item["kind"] == "file":
            entry["content"] = (bundle / item["content"]).read_bytes() if item["content"] else None
        elif item["kind"] == "probe":
            entry["content"] = (json.loads((bundle / item["content"]).read_text())
                                if item["content"] else None)
        out.append(entry)
    return out
