"""A fix on a running system, in a throwaway environment this test creates: private mount
and network namespaces (unshare -m -n) where /etc is an overlay whose writes land in a
temporary folder. `dentsec fix FW-ENABLED` runs live there: it writes the ruleset, loads it
with the real nft, the live audit (running rules) passes; the undo removes the table and
puts the files back. This machine's /etc and rules are never touched."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
set -e
mount -t overlay overlay -o lowerdir=/etc,upperdir={upper},workdir={work} /etc
echo "--- avant"; nft list ruleset | wc -l
{fix} FW-ENABLED --yes
echo "--- regles"; nft list ruleset
{fix} --undo last --yes
echo "--- apres"; nft list ruleset | wc -l
"""


def _sha(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def test_nftables_fix_live_in_a_throwaway_namespace(tmp_path: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("nft"):
        pytest.skip("needs root, unshare and nft (.ci/setup.d/60-fix.sh)")
    if not os.path.exists("/usr/lib/systemd/system/nftables.service") and \
            not os.path.exists("/lib/systemd/system/nftables.service"):
        pytest.skip("the nftables package is not installed on this machine")
    if shutil.which("ufw") or shutil.which("firewalld"):
        pytest.skip("ufw or firewalld manages this machine's firewall: the fix refuses")
    upper, work, home = tmp_path / "upper", tmp_path / "work", tmp_path / "home"
    for d in (upper, work, home):
        d.mkdir()
    before = _sha("/etc/nftables.conf")
    fix = f"'{sys.executable}' -c 'from dentsec.cli import run; run()' fix"
    script = SCRIPT.format(upper=upper, work=work, fix=fix)
    res = subprocess.run(["unshare", "-m", "-n", "sh", "-c", script], capture_output=True,
                         text=True, timeout=600, check=False,
                         env=dict(os.environ, DENTSEC_HOME=str(home), DENTSEC_LANG="fr"))
    if "overlay" in res.stderr and res.returncode != 0 and "--- avant" not in res.stdout:
        pytest.skip(f"cannot mount an overlay on /etc here: {res.stderr.strip()[:200]}")
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    assert "--- avant\n0\n" in out
    assert "FW-ENABLED est maintenant réussi" in out  # the live audit reads the running rules
    assert "type filter hook input priority filter; policy drop;" in out
    assert "tcp dport 22 accept" in out  # SSH from the LAN kept
    assert "Correctif annulé : fichiers rétablis. FW-ENABLED : À corriger." in out
    assert out.rstrip().endswith("--- apres\n0")  # the table is gone again
    assert _sha("/etc/nftables.conf") == before  # this machine's /etc never changed
    kept = upper / "nftables.conf"
    assert not kept.exists() or _sha(str(kept)) == before  # restored byte for byte
    assert not (upper / "systemd/system/sysinit.target.wants/nftables.service").exists()
