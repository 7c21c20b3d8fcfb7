"""dentsec-agent.sh for real, from the server side: the generated agent enrolls against a
live console with the real curl, keeps its credential in a (fake) keychain, runs the
generated collector on a fake Mac replaying a sample bundle, uploads it gzip-encoded,
and the console stores the evaluated report with agent kind "shell". Then revocation
stops the queue. Plain http to 127.0.0.1 is allowed only by the test-only variable
DENTSEC_AGENT_TEST_ALLOW_HTTP (the agent otherwise refuses anything but https).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dentsec.agent import enroll_line
from dentsec.agent import shell as agent
from dentsec.server.console import ingest
from dentsec.server.console.models import Device, Practice, Provider

from ..collect.macos import shellworld
from .conftest import login_client

pytestmark = pytest.mark.django_db(transaction=True)
runs_sh = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("setpriv", "node", "curl", "sqlite3", "zip"))
    or os.geteuid() != 0, reason="needs setpriv (as root), node, curl, sqlite3, zip")
SCRIPT = agent.script_path().read_text(encoding="utf-8")


def constant(name: str) -> str:
    match = re.search(rf"^{name}='([^']*)'$", SCRIPT, re.M)
    assert match, name
    return match.group(1)


def test_agent_routes_and_media_type_are_in_the_openapi_document(client: Client) -> None:
    spec = client.get("/api/openapi.json").json()
    assert "application/json" in spec["paths"][constant("ENROLL_PATH")]["post"]["requestBody"]["content"]
    evidence = spec["paths"][constant("EVIDENCE_PATH")]["post"]
    assert constant("EVIDENCE_TYPE") in evidence["requestBody"]["content"]
    assert {"201", "401", "403"} <= set(evidence["responses"])
    assert "get" in spec["paths"][constant("ME_PATH")]
    schemas = spec["components"]["schemas"]
    assert {"credential", "device_id", "practice"} <= set(schemas["EnrollOut"]["properties"])
    assert {"score", "fixes"} <= set(schemas["EvaluatedOut"]["properties"])
    assert {"code", "fr", "en"} <= set(schemas["Problem"]["properties"])


@pytest.mark.parametrize("name", [agent.SCRIPT_NAME, agent.COLLECTOR_NAME])
def test_console_serves_the_mac_scripts(client: Client, name: str) -> None:
    response = client.get(f"/agent/{name}")
    assert response.status_code == 200
    assert response.content == agent.script_path().with_name(name).read_bytes()
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_enrollment_page_shows_the_mac_line(client: Client, tenants: dict[str, Any]) -> None:
    a = tenants["a"]
    login_client(client, a["admin"])
    page = client.post(f"/cabinet/{a['practice'].pk}/inscription/",
                       {"days": 7, "max_uses": 1}).content.decode()
    token = re.search(r"--token (dse_[\w-]+)", page)
    assert token, page[:2000]
    assert enroll_line.mac_line("http://testserver", token.group(1)) in unescape(page)
    assert "Sur un Mac sans Python" in page and "/agent/dentsec-agent.sh" in page

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "evidence"
FAKE_SECURITY = r"""#!/bin/sh
# Apple's security(1), as far as the agent uses it: -i reads commands on stdin.
printf '%s\n' "$*" >>"$FAKE_LOG"
case $1 in
-i) while read -r cmd rest; do
        [ "$cmd" = add-generic-password ] || continue
        set -- $rest
        while [ $# -gt 0 ]; do [ "$1" = -w ] && printf '%s' "$2" >"$FAKE_KEYCHAIN"; shift; done
    done ;;
find-generic-password) [ -f "$FAKE_KEYCHAIN" ] || exit 44; cat "$FAKE_KEYCHAIN"; echo ;;
delete-generic-password) rm -f "$FAKE_KEYCHAIN" ;;
esac
"""
LOGGING_CURL = r"""#!/bin/sh
printf '%s\n' "$*" >>"$FAKE_LOG"
exec /usr/bin/curl "$@"
"""


@pytest.fixture
def mac() -> Iterator[tuple[shellworld.World, Path]]:
    work = Path(tempfile.mkdtemp(prefix="dentsec-agent-"))
    work.chmod(0o755)
    world = shellworld.build(SAMPLES / "macos-wellkept", work / "mac")
    state = work / "state"
    state.mkdir(mode=0o777)
    state.chmod(0o777)
    for name, text in (("security", FAKE_SECURITY), ("curl", LOGGING_CURL)):
        (world.bin / name).write_text(text, encoding="utf-8")
        (world.bin / name).chmod(0o755)
    world.env.update({"DENTSEC_AGENT_ROOT": str(state), "DENTSEC_AGENT_TEST_ALLOW_HTTP": "1",
                      "FAKE_KEYCHAIN": str(state / "keychain"), "FAKE_LOG": str(state / "argv.log")})
    yield world, state
    shutil.rmtree(work)


def run_agent(world: shellworld.World, state: Path, *args: str) -> tuple[int, str, str]:
    res = shellworld.run_as_nobody(["sh", str(agent.script_path()), *args], world.env, state)
    return res.returncode, res.stdout.decode(), res.stderr.decode()


@runs_sh
def test_enroll_run_and_revocation_against_a_live_console(live_server: Any,
                                                          mac: tuple[shellworld.World, Path]) -> None:
    world, state = mac
    provider = Provider.objects.create(name="Prestataire")
    practice = Practice.objects.create(provider=provider, name="Cabinet Martin")
    _, token = ingest.create_token(practice, by=None)

    code, out, err = run_agent(world, state, "enroll", "--server", live_server.url, "--token", token,
                               "--name", "mac-accueil")
    assert code == 0, err
    assert "Poste inscrit au cabinet Cabinet Martin." in out
    credential = (state / "keychain").read_text()
    assert credential.startswith("dsd_") or len(credential) > 20
    device = Device.objects.get(practice=practice)

    code, out, err = run_agent(world, state, "run")
    assert code == 0, err
    assert "Score : " in out and " - " in out  # the score and the five fixes, in French
    device.refresh_from_db()
    assert device.agent_kind == "shell" and device.agent_version == "1"
    assert device.hostname == "mac-accueil"
    assert device.current_report is not None
    assert device.clock_offset is not None  # the agent sent its Date header
    assert not list((state / "Library/Application Support/dentsec-agent/queue").iterdir())
    # The credential never reached a command line (security -i reads it on stdin, curl
    # reads the Authorization header from a file).
    assert credential not in (state / "argv.log").read_text()

    code, out, _ = run_agent(world, state, "status", "--lang", "en")
    assert code == 0 and "Enrolled: yes" in out and "Queued bundles: 0" in out

    from django.utils import timezone

    Device.objects.filter(pk=device.pk).update(revoked_at=timezone.now())
    code, _, err = run_agent(world, state, "run")
    assert code == 4, err
    assert "révoqué" in err.lower() or "revoked" in err.lower()
    assert (state / "Library/Application Support/dentsec-agent/revoked").exists()
    assert not list((state / "Library/Application Support/dentsec-agent/queue").iterdir())
    code, _, err = run_agent(world, state, "run")
    assert code == 4 and "rien n'est collecté" in err
    # undone in the console: /agent/me answers 200 again, the agent collects and sends
    Device.objects.filter(pk=device.pk).update(revoked_at=None)
    code, out, err = run_agent(world, state, "run")
    assert code == 0 and "Score : " in out, err
    assert not (state / "Library/Application Support/dentsec-agent/revoked").exists()
    # a credential the console does not know: exit 3, the bundle stays for a new enrollment
    (state / "keychain").write_text("dsd_not-a-credential", encoding="utf-8")
    code, _, err = run_agent(world, state, "run")
    assert code == 3 and "inscrivez-le à nouveau" in err


@runs_sh
def test_unreachable_console_keeps_the_bundle_queued(mac: tuple[shellworld.World, Path]) -> None:
    world, state = mac
    conf = state / "Library/Application Support/dentsec-agent"
    (conf / "queue").mkdir(parents=True)
    (conf / "agent.conf").write_text("server=http://127.0.0.1:9\npin=\n", encoding="utf-8")
    (state / "keychain").write_text("dsd_x", encoding="utf-8")
    old = [conf / "queue" / f"2026010{n // 10}T0{n % 10}0000Z.zip" for n in range(15)]
    for path in old:
        path.write_bytes(b"PK")
    for path in (conf, conf / "queue", *old):
        path.chmod(0o777)
    code, _, err = run_agent(world, state, "run")
    assert code == 5, err
    assert "Console injoignable : le paquet reste en attente." in err
    # a bounded queue: 15 old bundles and the new one, the two oldest dropped
    kept = sorted(p.name for p in (conf / "queue").glob("*.zip"))
    assert len(kept) == agent.QUEUE_MAX and kept[:13] == [p.name for p in old[2:]]


@runs_sh
def test_http_is_refused_without_the_test_variable(mac: tuple[shellworld.World, Path]) -> None:
    world, state = mac
    del world.env["DENTSEC_AGENT_TEST_ALLOW_HTTP"]
    code, _, err = run_agent(world, state, "enroll", "--server", "http://127.0.0.1:9",
                             "--token", "dse_x")
    assert code == 2 and "https://... attendu" in err
