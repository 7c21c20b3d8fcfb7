"""The shell collector (dentsec-collect.sh), generated from the plan, run for real in sh.

The replay test runs the committed script with dash and bash --posix on a fake Mac built
from each sample bundle (tests/collect/macos/shellworld.py) and requires the bundle it
writes to equal the sample item for item; the audit of that bundle then tells the
practice exactly what the sample's audit tells it.
"""

from __future__ import annotations

import json
import os
import plistlib
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dentsec.collect.macos.downloads import keep_download_prefs
from dentsec.collect.macos.shell import COLLECTOR, JXA, constants, render, script_path
from dentsec.engine import audit_evidence
from dentsec.host.bundle import load_bundle
from dentsec.report.json_report import to_dict

from . import shellworld

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "evidence"
RUNTIME = (script_path().parent / "runtime.sh").read_text(encoding="utf-8")
SHELLS = {"dash": ["dash"], "bash-posix": ["bash", "--posix"]}
needs_tools = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("dash", "bash", "setpriv", "node", "sqlite3", "zip"))
    or os.geteuid() != 0, reason="needs dash, bash, setpriv (as root), node, sqlite3, zip")


@pytest.fixture
def work() -> Iterator[Path]:
    # Not tmp_path: its parents are private to root, and the script runs as nobody.
    path = Path(tempfile.mkdtemp(prefix="dentsec-shell-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def test_committed_script_is_the_generated_one() -> None:
    assert script_path().read_text(encoding="utf-8") == render(), (
        "dentsec-collect.sh differs from the plan: run python -m dentsec.agent.shell")


@pytest.mark.parametrize("check", [["sh", "-n"], ["bash", "--posix", "-n"],
                                   ["shellcheck", "-s", "sh", "-S", "style"]])
def test_script_is_valid_sh(check: list[str]) -> None:
    if not shutil.which(check[0]):
        pytest.skip(f"{check[0]} missing")
    res = subprocess.run([*check, str(script_path())], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def collect(world: shellworld.World, work: Path, shell: list[str], output: str) -> Path:
    out = work / "out"
    out.mkdir()
    out.chmod(0o777)
    res = shellworld.run_as_nobody([*shell, str(script_path()), "--output", str(out / output)],
                                   world.env, out)
    assert res.returncode == 0, res.stderr.decode()
    assert res.stderr == b""
    return out / output


def findings(bundle: Path) -> list[dict[str, object]]:
    report = to_dict(audit_evidence(bundle), "fr")
    found: list[dict[str, object]] = report["findings"]
    return found


@needs_tools
@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("sample", ["macos-unmanaged", "macos-wellkept"])
def test_replay_gives_the_sample_bundle_item_for_item(sample: str, shell: str, work: Path) -> None:
    world = shellworld.build(SAMPLES / sample, work / "mac")
    bundle = collect(world, work, SHELLS[shell], "bundle")
    got, want = shellworld.items(bundle), shellworld.items(SAMPLES / sample)
    for n, (mine, theirs) in enumerate(zip(got, want, strict=False), 1):
        assert mine == theirs, f"item {n}"
    assert len(got) == len(want)
    head = shellworld.manifest(bundle)
    assert head["collector"] == COLLECTOR
    assert head["host"] == {**shellworld.manifest(SAMPLES / sample)["host"], "mode": "live"}
    # What the practice is told: the same findings as the sample's (as of the sample's date).
    loaded = load_bundle(bundle)
    assert loaded.info.collected_at.tzinfo is not None
    manifest_path = bundle / "manifest.json"
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    data["created_at"] = shellworld.manifest(SAMPLES / sample)["created_at"]
    manifest_path.write_text(json.dumps(data), encoding="utf-8")
    assert findings(bundle) == findings(SAMPLES / sample)


@needs_tools
def test_zip_output_is_what_the_console_accepts(work: Path) -> None:
    world = shellworld.build(SAMPLES / "macos-unmanaged", work / "mac")
    bundle = collect(world, work, ["sh"], "preuves.zip")
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        assert "manifest.json" in names
        assert not [n for n in names if n.endswith("/")], "no folder entries"
        assert {i.compress_type for i in zf.infolist()} <= {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    assert load_bundle(bundle).commands.keys() == load_bundle(SAMPLES / "macos-unmanaged").commands.keys()


@needs_tools
def test_bad_use_and_unwritable_output_are_told_in_french(work: Path) -> None:
    world = shellworld.build(SAMPLES / "macos-unmanaged", work / "mac")
    res = shellworld.run_as_nobody(["sh", str(script_path())], world.env, work)
    assert res.returncode == 2
    assert "Indiquez où écrire les preuves" in res.stderr.decode()
    res = shellworld.run_as_nobody(["sh", str(script_path()), "--lang", "en", "--output",
                                    str(work / "mac" / "root" / "x.zip")], world.env, work)
    assert res.returncode == 2
    assert "Could not write" in res.stderr.decode()
    assert not (work / "mac" / "root" / "x.zip").exists()


def sh(script: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", RUNTIME + "\n" + script, "sh", *args], capture_output=True,
                          text=True, check=False, cwd=cwd, timeout=60)


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@given(TEXT)
@settings(max_examples=60, deadline=None)
def test_json_str_escapes_any_text(text: str) -> None:
    res = sh('json_str "$1"', text)
    assert res.returncode == 0
    assert json.loads(res.stdout) == text


@given(names=st.lists(TEXT.filter(lambda s: s not in ("", ".", "..") and "/" not in s),
                      max_size=8, unique=True))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_listing_sorts_and_names_entries_as_python_does(names: list[str], work: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=work))
    for name in names:
        (folder / name).write_bytes(b"")
    res = sh('W=$(mktemp -d); B="$W/b"; mkdir -p "$B/items"; : >"$W/keys"; : >"$W/items.json"; '
             'list_dir "$1"; cat "$W/items.json"; rm -rf "$W"', str(folder))
    assert res.returncode == 0, res.stderr
    item = json.loads(res.stdout)
    assert item["entries"] == sorted(os.listdir(folder))
    shutil.rmtree(folder)


def test_timeout_and_missing_tool_are_recorded_as_python_records_them(work: Path) -> None:
    res = sh('W=$(mktemp -d); B="$W/b"; mkdir -p "$B/items"; : >"$W/keys"; : >"$W/items.json"; '
             'run_cmd 1 sleep 5; run_cmd 5 no-such-tool-here -x; run_cmd 5 sh -c "exit 3"; '
             'cat "$W/items.json"; rm -rf "$W"')
    entries = [json.loads(line.strip().rstrip(",")) for line in res.stdout.splitlines()]
    assert [(e["exit_code"], e["error"]) for e in entries] == [
        (None, "timeout"), (None, "not-found"), (3, None)]


KEYS = TEXT.filter(lambda k: not (k.isascii() and k.isdigit()))
"""JavaScript puts integer-like keys first; Chrome's download settings have none."""
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**15, 10**15) | TEXT
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8)


@pytest.mark.skipif(not shutil.which("node"), reason="node missing")
@given(prefs=st.dictionaries(st.sampled_from(["download", "profile", "x"]), JSON_VALUES,
                             max_size=3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_jxa_redactor_writes_what_python_writes(prefs: dict[str, object], work: Path) -> None:
    text = json.dumps(prefs)
    source = work / "Preferences"
    source.write_text(text, encoding="utf-8")
    shim = work / "jxa-shim.js"
    shim.write_text(shellworld.JXA_SHIM, encoding="utf-8")
    res = subprocess.run(["node", str(shim), "-l", "JavaScript", "-e", JXA, "download-prefs",
                          str(source)], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.removesuffix("\n") == keep_download_prefs(text)


# --- the shell's readings of answers against the Python collector's parsers --------

PLAIN = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
                max_size=20)
KEY = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
SCALARS = (PLAIN | st.integers(-2**63, 2**63 - 1) | st.booleans()
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))
           .map(lambda d: d.replace(microsecond=0)) | st.binary(max_size=80))
PLISTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEY, inner, max_size=4), max_leaves=12)


def walk(value: object, path: str = "") -> Iterator[tuple[str, str, str]]:
    """What plist_paths prints for a value plistlib wrote."""
    if isinstance(value, dict):
        yield path, "dict", ""
        for key, item in sorted(value.items()):  # plistlib sorts keys
            yield from walk(item, f"{path}/{key}")
    elif isinstance(value, list):
        yield path, "array", ""
        for n, item in enumerate(value):
            yield from walk(item, f"{path}[{n}]")
    elif isinstance(value, bool):
        yield path, "bool", "true" if value else "false"
    elif isinstance(value, int):
        yield path, "integer", str(value)
    elif isinstance(value, float):
        yield path, "real", repr(value)
    elif isinstance(value, datetime):
        yield path, "date", value.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(value, bytes):
        yield path, "data", ""
    else:
        yield path, "string", str(value).replace("\n", "\x01").replace("\t", "\x02")


SETUP = 'W=$(mktemp -d); B="$W/b"; mkdir -p "$B/items"; : >"$W/keys"; : >"$W/items.json"\n'


def runtime_with(script: str, work: Path, replies: dict[str, bytes]) -> str:
    """Run ``script`` after the runtime, with fake tools answering from ``replies``."""
    fake = work / "bin"
    fake.mkdir(exist_ok=True)
    for tool, answer in replies.items():
        (work / f"{tool}.out").write_bytes(answer)
        (fake / tool).write_text(f"#!/bin/sh\ncat '{work}/{tool}.out'\n", encoding="utf-8")
        (fake / tool).chmod(0o755)
    res = subprocess.run(["sh", "-c", "\n".join([*constants(), RUNTIME, SETUP, script, 'rm -rf "$W"'])],
                         capture_output=True, text=True, check=False, timeout=60,
                         env={"PATH": f"{fake}:/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr
    return res.stdout


@given(value=PLISTS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_plist_paths_reads_what_plistlib_wrote(value: object, work: Path) -> None:
    if not isinstance(value, dict | list):
        value = [value]
    source = work / "value.plist"
    source.write_bytes(plistlib.dumps(value, fmt=plistlib.FMT_XML))
    out = runtime_with(f"plist_paths '{source}'", work, {})
    assert out == "".join(f"{path}\t{kind}\t{text}\n" for path, kind, text in walk(value))


def plutil_then(argv_path: str, condition: str) -> str:
    return (f"run_cmd 15 plutil -convert xml1 -o - '{argv_path}'\n"
            f"if {condition}; then echo yes; else echo no; fi")


HISTORY_ITEMS = st.lists(st.fixed_dictionaries({}, optional={
    "date": st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1))
    .map(lambda d: d.replace(microsecond=0)) | PLAIN,
    "displayName": st.sampled_from(["XProtectPlistConfigData", "MRTConfigData", "macOS 14.6",
                                    "Gatekeeper Compatibility Data", "Word", "A & B"]) | PLAIN,
    "processName": st.sampled_from(["softwareupdated", "Software Update", "OS X Installer",
                                    "macOS installer", "installer", "storedownloadd"])
    | st.integers(0, 9),
    "contentType": st.sampled_from(["config-data", "other"]),
    "packageIdentifiers": st.lists(PLAIN, max_size=2),
    "extra": st.dictionaries(st.sampled_from(["processName", "date"]), PLAIN, max_size=2),
}) | PLAIN, max_size=5)


@given(items=HISTORY_ITEMS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_history_condition_is_the_python_decision(items: list[object], work: Path) -> None:
    from dentsec.collect.macos.plan import INSTALL_HISTORY
    from dentsec.collect.macos.updates import install_history_dates

    xml = plistlib.dumps(items, fmt=plistlib.FMT_XML)
    out = runtime_with(plutil_then(INSTALL_HISTORY, "cond_no_install_history_update"),
                       work, {"plutil": xml})
    python_asks = install_history_dates(plistlib.loads(xml)) is None
    assert out.strip() == ("yes" if python_asks else "no")


IDLE = (st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from([300.0, -0.0, 1e16, -2e17, 1.5e-05]) | st.booleans()
        | st.from_regex(r"[ \t]{0,2}-?[0-9]{1,20}[ \t]{0,2}", fullmatch=True) | PLAIN
        | st.dictionaries(st.just("idleTime"), st.integers(0, 9), max_size=1))


@given(settings_=st.fixed_dictionaries({}, optional={"idleTime": IDLE, "askForPassword": st.booleans(),
                                                       "nested": st.dictionaries(st.just("idleTime"),
                                                                                 IDLE, max_size=1)}),
       as_list=st.booleans())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_managed_idle_condition_is_the_python_decision(settings_: dict[str, object], as_list: bool,
                                                       work: Path) -> None:
    from dentsec.collect.macos import plist
    from dentsec.collect.macos.accounts import screensaver_idle
    from dentsec.collect.macos.plan import SCREENSAVER_MANAGED

    value: object = [settings_] if as_list else settings_
    xml = plistlib.dumps(value, fmt=plistlib.FMT_XML)
    out = runtime_with(plutil_then(SCREENSAVER_MANAGED, "cond_no_managed_idle"),
                       work, {"plutil": xml})
    python_reads = screensaver_idle(plist.loads_dict(xml.decode("utf-8"))) is None
    assert out.strip() == ("yes" if python_reads else "no")


DATES = st.lists(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1))
                 .map(lambda d: d.replace(microsecond=0)) | PLAIN, max_size=3)


@given(tm=st.fixed_dictionaries({}, optional={
    "AutoBackup": st.booleans(),
    "Destinations": st.lists(st.fixed_dictionaries({}, optional={"SnapshotDates": DATES,
                                                                 "DestinationID": PLAIN}) | PLAIN,
                             max_size=2)
    | st.dictionaries(st.just("SnapshotDates"), DATES, max_size=1),
    "SnapshotDates": DATES}))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_time_machine_condition_is_the_python_decision(tm: dict[str, object], work: Path) -> None:
    from dentsec.collect.macos import plist
    from dentsec.collect.macos.backup import latest_snapshot
    from dentsec.collect.macos.plan import TIME_MACHINE_PLIST

    xml = plistlib.dumps(tm, fmt=plistlib.FMT_XML)
    script = ("run_cmd 30 tmutil destinationinfo\n"
              + plutil_then(TIME_MACHINE_PLIST, "cond_time_machine_without_snapshot_date"))
    out = runtime_with(script, work, {"plutil": xml, "tmutil": b"Name : TM\nKind : Local\n"})
    data = plist.loads_dict(xml.decode("utf-8"))
    python_asks = latest_snapshot(data or {}) is None
    assert out.strip() == ("yes" if python_asks else "no")


DSCL_NAME = st.text(st.sampled_from("abcz_-.0123456789AZ"), min_size=1, max_size=8)
DSCL_VALUE = (st.integers(-3, 2**32).map(str) | st.sampled_from(["", "x", "5 01", "0123456789012",
                                                               "-12345678901234"])
              | st.text(st.sampled_from("/ aUs"), max_size=10))


@given(uids=st.lists(st.tuples(DSCL_NAME, DSCL_VALUE), max_size=6),
       homes=st.lists(st.tuples(DSCL_NAME, DSCL_VALUE), max_size=6), spaces=st.sampled_from([" ", "   ", "\t"]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_people_are_the_python_collectors(uids: list[tuple[str, str]], homes: list[tuple[str, str]],
                                          spaces: str, work: Path) -> None:
    from dentsec.collect.macos.context import is_human, parse_users

    uid_text = "".join(f"{n}{spaces}{v}\n" for n, v in uids)
    home_text = "".join(f"{n}{spaces}{v}\n" for n, v in homes)
    (work / "uids").write_text(uid_text)
    (work / "homes").write_text(home_text)
    script = ('mkdir -p fake; printf \'#!/bin/sh\\ncase $4 in UniqueID) cat uids;; *) cat homes;; esac\\n\''
              ' >fake/dscl; chmod +x fake/dscl; PATH="$PWD/fake:$PATH"\n'
              "run_cmd 10 dscl . -list /Users UniqueID\nrun_cmd 10 dscl . -list /Users NFSHomeDirectory\n"
              'users_ready; if cond_users_known; then echo known; fi; cat "$W/humans"')
    res = subprocess.run(["sh", "-c", "\n".join([*constants(), RUNTIME, SETUP, script])], cwd=work,
                         capture_output=True, text=True, check=False, timeout=60)
    users = parse_users(uid_text, home_text, None)
    # First occurrence of a name wins in the shell; Python's dict keeps the last value of a
    # name at its first position. dscl lists each record once, so only unique names count.
    if len({n for n, _ in uids}) != len(uids) or len({n for n, _ in homes}) != len(homes):
        return
    want = ("known\n" if users else "") + "".join(
        f"{u.name}\t{u.uid}\t{u.home or ''}\n" for u in users if is_human(u))
    assert res.stdout == want


@given(text=st.text(st.sampled_from("Remote Login: OnOfx,\n\t"), max_size=30)
       | st.sampled_from(["Remote Login: On\n", "Remote Login: Off\n", "remote login: ON",
                          "Remote Login:Off.", "Remote Login: Onward", "You need administrator access"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_remote_login_reading_is_the_python_one(text: str, work: Path) -> None:
    from dentsec.collect.macos.firewall import parse_remote_login

    out = runtime_with('run_cmd 10 systemsetup -getremotelogin\necho "[$(remote_login_answer)]"', work,
                       {"systemsetup": text.encode("utf-8")})
    want = {None: "", True: "On", False: "Off"}[parse_remote_login(text + "\n")]
    assert out.strip() == f"[{want}]"


@given(text=st.text(st.sampled_from("ab root\n\t"), max_size=12))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_console_user_reading_is_the_python_one(text: str, work: Path) -> None:
    from dentsec.collect.macos.context import parse_console_user

    out = runtime_with('run_cmd 10 stat -f %Su /dev/console\nif cond_console_user; then echo yes; fi',
                       work, {"stat": text.encode("utf-8")})
    assert (out.strip() == "yes") == (parse_console_user(text) is not None)


@given(lines=st.lists(st.sampled_from(["====================", "Name          : TM", "ID : 1",
                                       "> URL: afp://x", "Kind : Local", "Names : x", "Mount Point : /V",
                                       "No destinations configured.", "ID2: 3", "  Name:", ""]),
                      max_size=5))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_destination_reading_is_the_python_one(lines: list[str], work: Path) -> None:
    from dentsec.collect.macos.backup import parse_destinationinfo
    from dentsec.collect.macos.plan import TIME_MACHINE_PLIST

    text = "\n".join(lines) + "\n"
    script = ("run_cmd 30 tmutil destinationinfo\n"
              + plutil_then(TIME_MACHINE_PLIST, "cond_time_machine_without_snapshot_date"))
    out = runtime_with(script, work, {"tmutil": text.encode("utf-8"),
                                      "plutil": plistlib.dumps({"AutoBackup": True})})
    assert (out.strip() == "yes") == bool(parse_destinationinfo(text + "\n"))


class AskLog:
    """A replay host that notes what the collector asks, in order."""

    def __init__(self, bundle: Path) -> None:
        from dentsec.host.replay import ReplayHost

        self.inner = ReplayHost(load_bundle(bundle))
        self.info = self.inner.info
        self.asked: list[tuple[str, object]] = []

    def run(self, argv: list[str], timeout: float = 10.0, cwd: str | None = None) -> object:
        self.asked.append(("command", list(argv)))
        return self.inner.run(argv, timeout, cwd)

    def read_text(self, path: str, max_bytes: int = 0, redact: object = None) -> object:
        self.asked.append(("file", path))
        return self.inner.read_text(path)

    def list_dir(self, path: str) -> object:
        self.asked.append(("dir", path))
        return self.inner.list_dir(path)

    def probe(self, name: str, fn: object, live_only: bool = False) -> object:
        self.asked.append(("probe", name))
        return self.inner.probe(name, fn)  # type: ignore[arg-type]


@pytest.mark.parametrize("sample", ["macos-unmanaged", "macos-wellkept"])
def test_python_collector_asks_in_the_plans_order(sample: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python collector, its families run one after the other, asks exactly the sample's
    items in the sample's order (each once): the order the plan, and so the shell, follows."""
    import functools

    import dentsec.collect.macos as macos

    monkeypatch.setattr(macos, "run_collectors", functools.partial(macos.run_collectors, workers=1))
    host = AskLog(SAMPLES / sample)
    macos.collect(host)  # type: ignore[arg-type]
    asked = list(dict.fromkeys((kind, json.dumps(key)) for kind, key in host.asked))
    recorded = [(i["kind"], json.dumps(i.get("argv") or i.get("path") or i.get("name")))
                for i in shellworld.manifest(SAMPLES / sample)["items"]]
    assert asked == recorded
