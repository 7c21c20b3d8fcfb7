"""Rebuild the binary files of the fixture trees with the real tools (run once, commit output).

Needs dconf-cli (``dconf compile``) and clamav (``sigtool``): see .ci/setup.d/20-linux.sh.
Usage: python tests/collect/linux/trees/make_binaries.py
"""

from __future__ import annotations

import os
import sqlite3
import struct
import sys
import tempfile
from pathlib import Path

from dentsec import proc

HERE = Path(__file__).parent

WEAK_DCONF = """[org/gnome/desktop/session]
idle-delay=uint32 0

[org/gnome/desktop/screensaver]
lock-enabled=false
"""

# The person asked for 15 minutes, but the system database locks the delay to 5.
HARDENED_DCONF = """[org/gnome/desktop/session]
idle-delay=uint32 900

[org/gnome/deja-dup]
last-backup='2026-11-27T17:30:00.000000Z'
backend='local'
"""

# Columns of Chromium's logins table that matter here (components/password_manager).
LOGINS_TABLE = """CREATE TABLE logins (origin_url VARCHAR NOT NULL, action_url VARCHAR,
username_element VARCHAR, username_value VARCHAR, password_element VARCHAR,
password_value BLOB, signon_realm VARCHAR NOT NULL, date_created INTEGER NOT NULL,
blacklisted_by_user INTEGER NOT NULL, scheme INTEGER NOT NULL)"""


def dconf_db(target: Path, keyfile: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "00-settings").write_text(keyfile, encoding="utf-8")
        res = proc.run(["dconf", "compile", str(target), tmp])
        if not res.ok:
            sys.exit(f"dconf compile failed: {res.error or res.stderr}")


def system_dconf_db(folder: Path, name: str) -> None:
    """/etc/dconf/db/NAME compiled from its keyfiles and locks, as ``dconf update`` does."""
    res = proc.run(["dconf", "compile", str(folder / name), str(folder / f"{name}.d")])
    if not res.ok:
        sys.exit(f"dconf compile failed: {res.error or res.stderr}")


def chromium_login_data(target: Path) -> None:
    target.unlink(missing_ok=True)
    con = sqlite3.connect(target)
    con.execute(LOGINS_TABLE)
    rows = [("https://example.org/", "FAKE-NOT-ENCRYPTED", 0),
            ("https://example.com/", "FAKE-NOT-ENCRYPTED", 0),
            ("https://example.net/", "", 1)]  # a "never save for this site" entry
    for url, value, never in rows:
        con.execute("INSERT INTO logins VALUES (?, ?, 'u', 'fake-user', 'p', ?, ?, 0, ?, 0)",
                    (url, url, value.encode(), url, never))
    con.commit()
    con.close()


def clamav_database(target_dir: Path) -> None:
    """A real (unsigned) ClamAV database with one signature, built by sigtool."""
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp, "sample.txt")
        sample.write_text("dentsec fixture sample\n", encoding="utf-8")
        md5 = proc.run(["sigtool", "--md5", str(sample)], cwd=tmp)
        Path(tmp, "daily.hdb").write_text(md5.stdout, encoding="utf-8")
        Path(tmp, "COPYING").write_text("dentsec test database\n", encoding="utf-8")
        # sigtool asks for the version number and the builder name on stdin.
        res = proc.run(["sigtool", "--build=daily.cud", "--unsigned"], cwd=tmp,
                       input_text="1\ndentsec-fixture\n", timeout=60)
        built = Path(tmp, "daily.cud")
        if not built.exists():
            sys.exit(f"sigtool failed: {res.error or res.stderr}")
        target_dir.mkdir(parents=True, exist_ok=True)
        os.replace(built, target_dir / "daily.cud")


def lastlog(target: Path, times: dict[int, int]) -> None:
    """glibc struct lastlog: int32 ll_time, char ll_line[32], char ll_host[256] per uid."""
    record = 292
    data = bytearray(record * (max(times) + 1))
    for uid, when in times.items():
        struct.pack_into("<i32s256s", data, uid * record, when, b"tty2", b"")
    target.write_bytes(bytes(data))


def lastlog2(target: Path, times: dict[str, int]) -> None:
    """The lastlog2 database of util-linux (Debian 13): table Lastlog2, schema as pam_lastlog2."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    con = sqlite3.connect(target)
    con.execute("CREATE TABLE IF NOT EXISTS Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, "
                "TTY TEXT, RemoteHost TEXT, Service TEXT)")
    for name, when in times.items():
        con.execute("REPLACE INTO Lastlog2 VALUES(?,?,?,?,?)", (name, when, "tty2", "", "gdm-password"))
    con.commit()
    con.close()


def main() -> None:
    weak, hardened = HERE / "weak", HERE / "hardened"
    dconf_db(weak / "home/secretariat/.config/dconf/user", WEAK_DCONF)
    dconf_db(hardened / "home/cmartin/.config/dconf/user", HARDENED_DCONF)
    system_dconf_db(hardened / "etc/dconf/db", "local")
    chromium_login_data(weak / "home/secretariat/.config/chromium/Default/Login Data")
    clamav_database(hardened / "var/lib/clamav")
    (weak / "var/log").mkdir(parents=True, exist_ok=True)
    # 2026-11-28 08:30 and 2024-07-01 08:00 UTC; "invite" (1002) never logged in.
    lastlog(weak / "var/log/lastlog", {1000: 1795854600, 1001: 1719820800})
    # Debian 13 keeps last logins in lastlog2: 2026-11-28 08:30 and 2026-11-27 14:00 UTC.
    lastlog2(hardened / "var/lib/lastlog/lastlog2.db", {"cmartin": 1795854600, "jdupont": 1795788000})


if __name__ == "__main__":
    main()
