"""Pure parsers of the small configuration formats Linux keeps in /etc."""

from __future__ import annotations

import re


def strip_comment(line: str, marks: str = "#") -> str:
    for mark in marks:
        pos = line.find(mark)
        if pos >= 0:
            line = line[:pos]
    return line.strip()


def parse_assignments(text: str) -> dict[str, str]:
    """``KEY=value`` files (os-release, /etc/default/*, ufw.conf); quotes removed, last wins."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if key.startswith("export "):
            key = key[len("export "):].strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key:
            out[key] = value
    return out


def parse_spaced(text: str, sep: str | None = None) -> dict[str, str]:
    """``KEY value`` files (login.defs) or ``key = value`` (pwquality.conf); last wins."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = strip_comment(raw)
        if not line:
            continue
        if sep is not None:
            if sep not in line:
                # pwquality.conf allows bare flags such as ``enforce_for_root``.
                out[line.strip()] = ""
                continue
            key, _, value = line.partition(sep)
        else:
            parts = line.split(None, 1)
            key, value = parts[0], parts[1] if len(parts) > 1 else ""
        out[key.strip()] = value.strip().strip('"')
    return out


def to_int(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*([+-]?\d{1,12})\s*", value)
    return int(m.group(1)) if m else None


def parse_ini(text: str) -> dict[str, dict[str, str]]:
    """INI/keyfile sections (dconf keyfiles, KDE rc files, profiles.ini): section -> key -> value."""
    out: dict[str, dict[str, str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            out.setdefault(section, {})
            continue
        if "=" in line:
            key, _, value = line.partition("=")
            # KDE may suffix keys with [$i] (immutable); the key itself is what matters.
            key = re.sub(r"\[\$[a-z]+\]$", "", key.strip())
            out.setdefault(section, {})[key] = value.strip()
    return out
