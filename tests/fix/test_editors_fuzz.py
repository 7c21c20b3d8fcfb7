"""Property tests of the editors that rewrite outside text (configuration files, browser
JSON): whatever the file holds, the edit says what the readers will read, keeps every
other line, and a second run changes nothing."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dentsec.collect.common.browsers import chromium_auto_open, firefox_auto_open
from dentsec.collect.linux.remote_access import parse_sshd, ssh_password_and_root
from dentsec.collect.linux.screen_lock import kde_lock
from dentsec.collect.linux.textconf import parse_ini, parse_spaced
from dentsec.fix.linux.browsers import _chromium, _firefox
from dentsec.fix.linux.common import set_option
from dentsec.fix.linux.screen_lock import set_ini
from dentsec.fix.linux.updates import _set_apt

WORD = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="#=[]\"'"),
               min_size=1, max_size=12)
LINE = st.one_of(
    st.builds(lambda k, v: f"{k} = {v}", WORD, WORD),
    st.builds(lambda k, v: f"{k}\t{v}", WORD, WORD),
    st.builds(lambda t: f"# {t}", st.text(max_size=30).map(lambda t: t.replace("\n", " "))),
    st.just(""), st.just("enforce_for_root"),
)
TEXT = st.lists(LINE, max_size=20).map("\n".join)


@settings(max_examples=300)
@given(TEXT, st.sampled_from(["minlen", "minclass", "deny", "PASS_MAX_DAYS"]),
       st.integers(min_value=0, max_value=99999), st.sampled_from([" = ", "\t"]))
def test_set_option_is_what_the_reader_reads(text: str, key: str, value: int, sep: str) -> None:
    new, setting = set_option(text, key, str(value), sep=sep)
    reader_sep = "=" if sep == " = " else None
    assert parse_spaced(new, reader_sep).get(key) == str(value)
    assert setting.after == str(value)
    kept = [ln for ln in text.splitlines() if not ln.lstrip().startswith(key)]
    assert all(ln in new.splitlines() for ln in kept)
    again, _ = set_option(new, key, str(value), sep=sep)
    assert again == new


INI_LINE = st.one_of(
    st.sampled_from(["[Daemon]", "[Greeter]", "[Daemon][$i]", "", "# note"]),
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(["Autolock", "Timeout", "LockGrace",
                                                        "LockOnResume", "Other"]), WORD),
)


@settings(max_examples=300)
@given(st.lists(INI_LINE, max_size=15).map("\n".join))
def test_set_ini_locks_kde_after_five_minutes(text: str) -> None:
    new = text
    for key, value in (("Autolock", "true"), ("Timeout", "5"), ("LockOnResume", "true")):
        new, _ = set_ini(new, "Daemon", key, value)
    lock = kde_lock("", new)
    assert lock.enabled and lock.timeout_seconds is not None
    assert parse_ini(new)["Daemon"]["Timeout"] == "5"


APT_LINE = st.one_of(
    st.builds(lambda k, v: f'{k} "{v}";', st.sampled_from([
        "APT::Periodic::Update-Package-Lists", "APT::Periodic::Unattended-Upgrade",
        "APT::Periodic::AutocleanInterval"]), st.sampled_from(["0", "1", "7", ""])),
    st.just("// comment"), st.just(""),
)


@given(st.lists(APT_LINE, max_size=10).map("\n".join))
def test_set_apt_turns_every_occurrence_on(text: str) -> None:
    from dentsec.collect.linux.updates import apt_periodic

    new, setting = _set_apt(text, "APT::Periodic::Unattended-Upgrade")
    if setting is None:
        assert "Unattended-Upgrade" not in text
    else:
        assert apt_periodic([new]).get("Unattended-Upgrade") == "1"


MIME = st.dictionaries(
    st.sampled_from(["application/pdf", "image/jpeg", "application/zip", "text/plain"]),
    st.fixed_dictionaries({"action": st.integers(min_value=0, max_value=5)}, optional={
        "ask": st.booleans(), "extensions": st.lists(st.sampled_from(["pdf", "jpg", "zip"]),
                                                     max_size=3)}),
    max_size=4)


@given(MIME)
def test_firefox_asks_for_every_type_it_opened(mime: dict[str, object]) -> None:
    text = json.dumps({"defaultHandlersVersion": {}, "mimeTypes": mime})
    new, _ = _firefox(text)
    assert firefox_auto_open(new) == []
    kept = json.loads(new)["mimeTypes"]
    assert set(kept) == set(mime)
    assert all(kept[m]["action"] == e["action"] for m, e in mime.items())  # type: ignore[index]


@given(st.lists(st.sampled_from(["pdf", "zip", "exe", "docx"]), max_size=4).map(":".join),
       st.booleans())
def test_chromium_forgets_auto_open(extensions: str, prompt: bool) -> None:
    prefs = {"download": {"extensions_to_open": extensions, "prompt_for_download": prompt},
             "profile": {"name": "Personne 1"}}
    new, settings_ = _chromium(json.dumps(prefs))
    assert chromium_auto_open(json.loads(new)) == []
    assert json.loads(new)["profile"] == {"name": "Personne 1"}
    assert bool(settings_) == bool(extensions)


SSHD_LINE = st.one_of(
    st.builds(lambda k, v: f"{k} {v}", st.sampled_from([
        "PermitRootLogin", "PasswordAuthentication", "KbdInteractiveAuthentication",
        "ChallengeResponseAuthentication", "UsePAM", "X11Forwarding", "permitrootlogin"]),
        st.sampled_from(["yes", "no", "prohibit-password", "without-password"])),
    st.sampled_from(["Match User prestataire", "Match all", "# PermitRootLogin yes", ""]),
)


@settings(max_examples=300)
@given(st.lists(SSHD_LINE, max_size=12).map("\n".join))
def test_sshd_edit_closes_passwords_and_root(config: str) -> None:
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from dentsec.checks.policy import Policy
    from dentsec.fix.linux import ssh
    from dentsec.fix.model import Target

    with TemporaryDirectory() as tmp:
        (Path(tmp) / "etc/ssh").mkdir(parents=True)
        (Path(tmp) / "etc/ssh/sshd_config").write_text(config, encoding="utf-8")
        target = Target(tmp, Policy())
        new = ssh.rewrite(target, ssh.config_files(target))
        lines = [ln for path in new for ln in new[path].splitlines()]
    assert ssh_password_and_root(parse_sshd(lines)) == (False, False)


PAM_PASSWORD = st.lists(st.one_of(
    st.sampled_from([
        "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt",
        "password\trequisite\t\t\tpam_deny.so", "password\trequired\t\t\tpam_permit.so",
        "password\trequisite\t\t\tpam_pwquality.so retry=3 minlen=8 dcredit=1",
        "password\toptional\tpam_gnome_keyring.so", "# here are the per-package modules",
        "@include common-something", ""]),
    st.builds(lambda n: f"password\trequisite\tpam_pwquality.so minlen={n} ucredit={n % 3}",
              st.integers(min_value=0, max_value=30))), max_size=8)
PAM_AUTH = st.lists(st.sampled_from([
    "auth\t[success=1 default=ignore]\tpam_unix.so nullok", "auth\trequisite\t\t\tpam_deny.so",
    "auth\trequired\t\t\tpam_permit.so", "auth\toptional\t\t\tpam_cap.so",
    "auth\t[success=2 default=ignore]\tpam_unix.so", "auth\trequired\tpam_faillock.so deny=50",
    "# comment", ""]), max_size=8)


def _tree(root: str, files: dict[str, str]) -> None:
    from pathlib import Path

    for rel, text in files.items():
        path = Path(root) / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    pam = Path(root) / "lib/x86_64-linux-gnu/security"
    pam.mkdir(parents=True, exist_ok=True)
    for module in ("pam_pwquality.so", "pam_faillock.so"):
        (pam / module).write_bytes(b"placeholder\n")


@settings(max_examples=200, deadline=None)
@given(PAM_PASSWORD.map("\n".join), TEXT)
def test_pwquality_plan_enforces_the_policy_or_refuses(stack: str, conf: str) -> None:
    from tempfile import TemporaryDirectory

    from dentsec.checks.policy import Policy
    from dentsec.collect.linux.password_policy import policy_from_texts
    from dentsec.fix.linux.passwords import COMMON_PASSWORD, PWQUALITY, _pwquality_plan
    from dentsec.fix.model import Refused, Target

    with TemporaryDirectory() as tmp:
        _tree(tmp, {COMMON_PASSWORD: stack, PWQUALITY: conf})
        try:
            plan = _pwquality_plan(Target(tmp, Policy()))
        except Refused:
            assert "pam_unix.so" not in stack and "pam_pwquality.so" not in stack
            return
    new = {e.path: (e.content or b"").decode() for e in plan.edits}
    got = policy_from_texts(new[COMMON_PASSWORD], None, new[PWQUALITY], {})
    assert got.min_length is not None and got.min_length >= 12
    assert got.min_classes is not None and got.min_classes >= 4


@settings(max_examples=200, deadline=None)
@given(PAM_AUTH.map("\n".join))
def test_faillock_plan_locks_or_refuses(stack: str) -> None:
    from tempfile import TemporaryDirectory

    from dentsec.checks.policy import Policy
    from dentsec.collect.linux.password_policy import policy_from_texts
    from dentsec.fix.linux.passwords import COMMON_AUTH, FAILLOCK, _faillock_plan
    from dentsec.fix.model import Refused, Target

    with TemporaryDirectory() as tmp:
        _tree(tmp, {COMMON_AUTH: stack})
        try:
            plan = _faillock_plan(Target(tmp, Policy()))
        except Refused:
            return
    new = {e.path: (e.content or b"").decode() for e in plan.edits}
    got = policy_from_texts(None, new[COMMON_AUTH], "", {}, new[FAILLOCK])
    assert got.lockout_threshold is not None and 0 < got.lockout_threshold <= 5
