from __future__ import annotations

from datetime import UTC, datetime

from dentsec.collect.linux.accounts import (
    admin_names,
    parse_shadow,
    redact_shadow,
    sudoers_grants,
)
from dentsec.collect.linux.context import parse_group, parse_passwd

SHADOW = (
    "root:$y$j9T$FAKESALT$FAKEHASH:19000:0:99999:7:::\n"
    "alice::19500:0:99999:7:::\n"
    "bob:!$6$FAKE$FAKEHASH:19600:0:99999:7::19700:\n"
    "daemon:*:19000:0:99999:7:::\n"
)


def test_redaction_keeps_no_hash() -> None:
    red = redact_shadow(SHADOW)
    assert "FAKE" not in red
    assert red.splitlines() == [
        "root:<set>:19000:0:99999:7:::", "alice:<empty>:19500:0:99999:7:::",
        "bob:!<locked>:19600:0:99999:7::19700:", "daemon:*:19000:0:99999:7:::"]


def test_parse_redacted_shadow() -> None:
    entries = parse_shadow(redact_shadow(SHADOW))
    assert entries["alice"].password == "<empty>"
    assert entries["bob"].password == "!<locked>"
    assert entries["root"].last_change == datetime(2022, 1, 8, tzinfo=UTC)
    assert entries["bob"].expire is not None


def test_admins_by_membership_and_primary_group() -> None:
    users = parse_passwd("root:x:0:0::/root:/bin/bash\nann:x:1000:1000::/home/ann:/bin/bash\n"
                         "tom:x:1001:10::/home/tom:/bin/bash\nzoe:x:1002:1002::/home/zoe:/bin/sh\n")
    groups = parse_group("sudo:x:27:ann\nwheel:x:10:\nzoe:x:1002:\n")
    assert admin_names(groups, users) == {"root", "ann", "tom"}


def test_passwd_skips_nis_and_broken_lines() -> None:
    users = parse_passwd("+::::::\nbroken\nann:x:abc:1::/h:/bin/sh\nok:x:1000:1000::/h:/bin/false\n")
    assert [u.name for u in users] == ["ok"] and not users[0].can_log_in


def test_sudoers_user_specifications() -> None:
    text = ("Defaults env_reset\nUser_Alias ADMINS = ann, tom\nroot ALL=(ALL:ALL) ALL\n"
            "%sudo ALL=(ALL:ALL) ALL\nbob,%dentists ALL=(ALL) NOPASSWD: ALL\n"
            "#includedir /etc/sudoers.d\n# carl ALL=(ALL) ALL\n")
    assert sudoers_grants(text) == ({"root", "bob"}, {"sudo", "dentists"})
