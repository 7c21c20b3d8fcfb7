from __future__ import annotations

from collections.abc import Callable

from dentsec.collect.linux.password_policy import parse_pam, policy_from_texts
from dentsec.collect.linux.textconf import parse_spaced


def test_debian_default_stack(sample: Callable[[str], str]) -> None:
    policy = policy_from_texts(
        sample("pam-common-password-debian12.txt"), sample("pam-common-auth-debian12.txt"), "",
        parse_spaced(sample("login.defs-debian12.txt")))
    assert (policy.min_length, policy.min_classes, policy.max_age_days) == (6, 0, 0)
    assert (policy.lockout_threshold, policy.history_size) == (0, 0)


def test_tabs_and_bracketed_controls(sample: Callable[[str], str]) -> None:
    lines = parse_pam(sample("pam-common-password-debian12.txt"))
    assert [(x.kind, x.module) for x in lines][0] == ("password", "pam_unix.so")
    assert lines[0].control == "[success=1 default=ignore]" and "obscure" in lines[0].args


def test_pwquality_arguments_override_the_file() -> None:
    stack = "password requisite pam_pwquality.so retry=3 minlen=14\npassword required pam_unix.so\n"
    policy = policy_from_texts(stack, "", "minlen = 9\ndcredit = -1\nucredit = -1\n", {})
    assert (policy.min_length, policy.min_classes) == (14, 2)


def test_cracklib_credits_shorten_the_minimum() -> None:
    # pam_cracklib(8): credits default to 1, so "minlen=12" accepts 8 characters.
    stack = "password requisite pam_cracklib.so minlen=12\npassword required pam_unix.so\n"
    assert policy_from_texts(stack, "", "", {}).min_length == 8


def test_lockout_from_faillock_conf_and_tally2() -> None:
    auth = "auth required pam_faillock.so preauth\nauth sufficient pam_unix.so\n"
    assert policy_from_texts("", auth, "", {}, "deny = 4\n").lockout_threshold == 4
    assert policy_from_texts("", auth, "", {}).lockout_threshold == 3  # faillock.conf(5) default
    tally = "auth required pam_tally2.so deny=6 onerr=fail\n"
    assert policy_from_texts("", tally, "", {}).lockout_threshold == 6


def test_missing_stacks_are_unknown() -> None:
    policy = policy_from_texts(None, None, "", {"PASS_MAX_DAYS": "90"})
    assert policy.min_length is None and "min_length" in policy.unknown
    assert policy.lockout_threshold is None and "lockout_threshold" in policy.unknown
    assert policy.max_age_days == 90
