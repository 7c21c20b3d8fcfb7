"""Password policy from PAM (pwquality/cracklib, unix, faillock/tally2, pwhistory) and login.defs."""

from __future__ import annotations

from dataclasses import dataclass

from dentsec.collect.linux.context import LinuxContext
from dentsec.collect.linux.textconf import parse_spaced, to_int
from dentsec.facts import PasswordPolicy

PASSWORD_STACKS = ("/etc/pam.d/common-password", "/etc/pam.d/system-auth")
AUTH_STACKS = ("/etc/pam.d/common-auth", "/etc/pam.d/system-auth", "/etc/pam.d/password-auth")
NEVER_DAYS = 99999


@dataclass(frozen=True)
class PamLine:
    kind: str
    control: str
    module: str
    args: dict[str, str]


def parse_pam(text: str) -> list[PamLine]:
    """Module lines of a PAM stack file (``type control module args``)."""
    out: list[PamLine] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("@"):
            continue
        kind, _, rest = line.replace("\t", " ").partition(" ")
        rest = rest.strip()
        if rest.startswith("["):
            end = rest.find("]")
            if end < 0:
                continue
            control, rest = rest[: end + 1], rest[end + 1:].strip()
        else:
            control, _, rest = rest.partition(" ")
            rest = rest.strip()
        words = rest.split()
        if not words:
            continue
        args: dict[str, str] = {}
        for word in words[1:]:
            key, _, value = word.partition("=")
            args[key] = value
        module = words[0].rsplit("/", 1)[-1]
        out.append(PamLine(kind.lstrip("-").lower(), control, module, args))
    return out


def _find(lines: list[PamLine], kind: str, *modules: str) -> PamLine | None:
    for line in lines:
        if line.kind == kind and line.module in modules:
            return line
    return None


def quality_length_classes(
    module: str, options: dict[str, str], unix_minlen: int
) -> tuple[int, int]:
    """(shortest accepted length, required character classes) for pam_pwquality/cracklib."""
    cracklib = module == "pam_cracklib.so"
    minlen = to_int(options.get("minlen")) or (9 if cracklib else 8)
    if not cracklib:
        minlen = max(minlen, 6)  # libpwquality refuses anything shorter
    default_credit = 1 if cracklib else 0
    credits = [to_int(options.get(k)) for k in ("dcredit", "ucredit", "lcredit", "ocredit")]
    values = [default_credit if c is None else c for c in credits]
    # A positive credit lets each character of that class count twice towards minlen.
    shortest = max(minlen - sum(c for c in values if c > 0), unix_minlen, 1)
    required = sum(1 for c in values if c < 0)
    minclass = to_int(options.get("minclass")) or 0
    return shortest, min(max(required, minclass), 4)


def policy_from_texts(
    password_stack: str | None,
    auth_stack: str | None,
    pwquality_conf: str,
    login_defs: dict[str, str],
    faillock_conf: str = "",
    pwhistory_conf: str = "",
) -> PasswordPolicy:
    """Pure: the effective policy from the texts of the files that define it."""
    policy = PasswordPolicy()
    sources: list[str] = []
    max_days = to_int(login_defs.get("PASS_MAX_DAYS"))
    if max_days is None or max_days < 0 or max_days >= NEVER_DAYS:
        policy.max_age_days = 0
    else:
        policy.max_age_days = max_days
    sources.append("login.defs")
    if password_stack is None:
        why = "no PAM password stack (common-password / system-auth) readable"
        policy.unknown.update({"min_length": why, "min_classes": why, "history_size": why})
    else:
        lines = parse_pam(password_stack)
        unix = _find(lines, "password", "pam_unix.so")
        unix_minlen = (to_int(unix.args.get("minlen")) or 6) if unix else 0
        quality = _find(lines, "password", "pam_pwquality.so", "pam_cracklib.so")
        if quality is not None:
            options = parse_spaced(pwquality_conf, "=") if quality.module == "pam_pwquality.so" else {}
            options.update(quality.args)
            policy.min_length, policy.min_classes = quality_length_classes(
                quality.module, options, unix_minlen)
            sources.append(quality.module.removesuffix(".so"))
        elif unix is not None:
            policy.min_length, policy.min_classes = unix_minlen, 0
            sources.append("pam_unix")
        else:
            why = "no pam_pwquality, pam_cracklib or pam_unix in the password stack"
            policy.unknown.update({"min_length": why, "min_classes": why})
        history = _find(lines, "password", "pam_pwhistory.so")
        if history is not None:
            options = parse_spaced(pwhistory_conf, "=")
            options.update(history.args)
            policy.history_size = to_int(options.get("remember")) or 10
        else:
            policy.history_size = to_int(unix.args.get("remember")) if unix else None
            if policy.history_size is None:
                policy.history_size = 0
    if auth_stack is None:
        policy.unknown["lockout_threshold"] = "no PAM auth stack (common-auth / system-auth) readable"
    else:
        lines = parse_pam(auth_stack)
        faillock = _find(lines, "auth", "pam_faillock.so")
        tally = _find(lines, "auth", "pam_tally2.so", "pam_tally.so")
        if faillock is not None:
            options = parse_spaced(faillock_conf, "=")
            options.update(faillock.args)
            deny = to_int(options.get("deny"))
            policy.lockout_threshold = 3 if deny is None else deny
            sources.append("pam_faillock")
        elif tally is not None:
            policy.lockout_threshold = to_int(tally.args.get("deny")) or 0
            sources.append(tally.module.removesuffix(".so"))
        else:
            policy.lockout_threshold = 0
    policy.source = " + ".join(sources)
    return policy


def _first(ctx: LinuxContext, paths: tuple[str, ...]) -> str | None:
    for path in paths:
        res = ctx.host.read_text(path)
        if res.text is not None:
            return res.text
    return None


def _conf_with_dropins(ctx: LinuxContext, path: str) -> str:
    """A config file followed by its ``.d/*.conf`` drop-ins (later ones win)."""
    parts = [ctx.host.read_text(path).text or ""]
    listing = ctx.host.list_dir(path.removesuffix(".conf") + ".conf.d")
    for name in listing.entries:
        if name.endswith(".conf"):
            parts.append(ctx.host.read_text(f"{listing.path}/{name}").text or "")
    return "\n".join(parts)


def collect_password_policy(ctx: LinuxContext) -> PasswordPolicy:
    return policy_from_texts(
        _first(ctx, PASSWORD_STACKS),
        _first(ctx, AUTH_STACKS),
        _conf_with_dropins(ctx, "/etc/security/pwquality.conf"),
        ctx.login_defs(),
        ctx.host.read_text("/etc/security/faillock.conf").text or "",
        ctx.host.read_text("/etc/security/pwhistory.conf").text or "",
    )
