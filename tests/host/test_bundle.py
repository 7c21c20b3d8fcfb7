"""Evidence bundles: what a live host read replays identically; damage gives clear errors."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.errors import DentsecError
from dentsec.host.bundle import EvidenceLog, load_bundle, write_bundle
from dentsec.host.live import LiveHost
from dentsec.host.replay import ReplayHost


def _record(tmp_path: Path) -> tuple[LiveHost, Path]:
    (tmp_path / "shadow").write_text("alice:$6$secret$hash:19000:0:99999:7:::\n")
    log = EvidenceLog()
    host = LiveHost(log=log)
    host.run([sys.executable, "-c", "print('héllo')"])
    host.run(["/nonexistent/tool", "--json"])
    host.read_text(str(tmp_path / "shadow"),
                   redact=lambda t: "\n".join(":".join([ln.split(":")[0], "<set>", *ln.split(":")[2:]])
                                              for ln in t.splitlines()))
    host.read_text(str(tmp_path / "missing"))
    host.list_dir(str(tmp_path))
    host.probe("count", lambda root: {"n": 3})
    host.probe("boom", lambda root: 1 / 0)
    out = tmp_path / "bundle.zip"
    write_bundle(out, host.info, log.items)
    return host, out


def test_replay_answers_what_was_recorded(tmp_path: Path) -> None:
    live, out = _record(tmp_path)
    replay = ReplayHost(load_bundle(out))
    assert replay.info.os_family == live.info.os_family
    assert replay.info.collected_at.replace(microsecond=0) == live.info.collected_at.replace(microsecond=0)
    res = replay.run([sys.executable, "-c", "print('héllo')"])
    assert res.ok and res.stdout == "héllo\n"
    assert replay.run(["/nonexistent/tool", "--json"]).error == "not-found"
    assert replay.run(["never", "asked"]).error == "not-collected"
    shadow = replay.read_text(str(tmp_path / "shadow"))
    assert shadow.text == "alice:<set>:19000:0:99999:7:::"
    assert replay.read_text(str(tmp_path / "missing")).error == "missing"
    assert "shadow" in replay.list_dir(str(tmp_path)).entries
    assert replay.probe("count", lambda r: None).value == {"n": 3}
    assert "ZeroDivisionError" in (replay.probe("boom", lambda r: None).error or "")


def test_secrets_redacted_before_they_reach_the_bundle(tmp_path: Path) -> None:
    _, out = _record(tmp_path)
    with zipfile.ZipFile(out) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert b"$6$secret" not in blob


def test_folder_bundle_reads_like_a_zip(tmp_path: Path) -> None:
    _, out = _record(tmp_path)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(folder)
    assert load_bundle(folder).probes["count"].value == {"n": 3}


@pytest.mark.parametrize("damage", ["not a zip", "no manifest", "bad json", "bad schema", "bad os"])
def test_damaged_bundle_gives_a_clear_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "b.zip"
    if damage == "not a zip":
        path.write_bytes(b"PK\x03\x04garbage")
    else:
        with zipfile.ZipFile(path, "w") as zf:
            if damage == "bad json":
                zf.writestr("manifest.json", "{")
            elif damage == "bad schema":
                zf.writestr("manifest.json", json.dumps({"schema": "other"}))
            elif damage == "bad os":
                zf.writestr("manifest.json", json.dumps({"schema": "dentsec.evidence/1",
                                                         "host": {"os_family": "beos"}}))
            else:
                zf.writestr("other.txt", "")
    with pytest.raises(DentsecError) as exc:
        load_bundle(path)
    assert "illisible" in exc.value.fr and "cannot be read" in exc.value.en


def test_missing_bundle(tmp_path: Path) -> None:
    with pytest.raises(DentsecError, match="not found"):
        load_bundle(tmp_path / "nope.zip")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_manifest_bytes_never_crash(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "b.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", raw)
    try:
        load_bundle(path)
    except DentsecError:
        pass


def test_root_mode_refuses_commands_and_links_out(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "hostname").write_text("poste-accueil\n")
    (tmp_path / "etc" / "passwd").symlink_to("/etc/passwd")
    host = LiveHost(root=str(tmp_path))
    assert host.info.mode == "root" and host.info.hostname == "poste-accueil"
    assert host.run(["id"]).error == "offline"
    assert host.read_text("/etc/passwd").error == "outside-root"
    assert host.probe("sockets", lambda r: [], live_only=True).error == "offline"


GOOD_HEAD = {"schema": "dentsec.evidence/1", "created_at": "2026-11-29T09:00:00+00:00",
             "host": {"os_family": "linux"}}


@pytest.mark.parametrize(("items", "members", "fr_words"), [
    ([{"kind": "file"}], {}, "élément attendu absent : path"),
    (5, {}, "contenu inattendu"),
    (["not an object"], {}, "contenu inattendu"),
    ([{"kind": "file", "path": "/etc/x", "content": "items/0001.txt"}], {}, "absent du paquet"),
    ([{"kind": "command", "argv": ["id"], "duration_ms": "soon"}], {}, "contenu inattendu"),
    ([{"kind": "file", "path": "/etc/x", "content": "items/1.txt"}], {"items/1.txt": b"\xff\xfe\x00\xd8"},
     "contenu inattendu"),
    ([{"kind": "probe", "name": "p", "content": "items/1.json"}], {"items/1.json": b"{"},
     "JSON invalide"),
    ([{"kind": "registry"}], {}, "type d'élément inconnu"),
])
def test_hand_edited_bundle_gives_a_clear_error(tmp_path: Path, items: object,
                                                members: dict[str, bytes], fr_words: str) -> None:
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps({**GOOD_HEAD, "items": items}))
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(DentsecError) as exc:
        load_bundle(path)
    assert fr_words in exc.value.fr, exc.value.fr
    assert "cannot be read" in exc.value.en


def test_folder_bundle_without_manifest_is_told_in_french(tmp_path: Path) -> None:
    with pytest.raises(DentsecError) as exc:
        load_bundle(tmp_path)
    assert "introuvable" in exc.value.fr and "No such file" not in exc.value.fr


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["kind", "path", "argv", "name", "content",
                                                       "stdout", "entries", "exit_code", "error",
                                                       "duration_ms", "truncated"]), inner,
                                      max_size=6), max_leaves=20)


@settings(max_examples=80, deadline=None)
@given(items=st.lists(JSON | st.fixed_dictionaries(
    {"kind": st.sampled_from(["command", "file", "dir", "probe"])}, optional={
        "path": JSON, "argv": JSON, "name": JSON, "content": JSON, "stdout": JSON,
        "entries": JSON, "duration_ms": JSON}), max_size=4))
def test_any_manifest_structure_never_crashes(tmp_path_factory: pytest.TempPathFactory,
                                              items: list[object]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "b.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps({**GOOD_HEAD, "items": items}))
    try:
        load_bundle(path)
    except DentsecError:
        pass


def test_cli_tells_a_damaged_bundle_in_french(tmp_path: Path) -> None:
    import os
    import subprocess

    path = tmp_path / "b.zip"
    path.write_bytes(b"not a zip at all")
    env = dict(os.environ, DENTSEC_HOME=str(tmp_path), DENTSEC_LANG="fr")
    res = subprocess.run([sys.executable, "-c", "from dentsec.cli import run; run()", "audit",
                          "--evidence", str(path)], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    assert res.returncode == 2 and res.stdout == ""
    assert "n'est pas un fichier zip valide" in res.stderr
    assert "File is not a zip file" not in res.stderr and "Traceback" not in res.stderr
