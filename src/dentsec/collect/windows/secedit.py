"""``secedit /export /areas SECURITYPOLICY`` INF files -> password policy.

The INF keys (``MinimumPasswordLength``, ``LockoutBadCount``…) are the same in every
language, unlike ``net accounts``. Real exports are UTF-16LE with a BOM; the script reads
them with ``Get-Content -Encoding Unicode`` so the text arrives already decoded, but raw
bytes are accepted too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dentsec.facts import PasswordPolicy

WINDOWS_COMPLEXITY_CLASSES = 3
""""Password must meet complexity requirements" asks for 3 of the character categories."""


@dataclass
class SecurityPolicy:
    sections: dict[str, dict[str, str]] = field(default_factory=dict)

    def value(self, section: str, key: str) -> str | None:
        return self.sections.get(section.lower(), {}).get(key.lower())

    def number(self, section: str, key: str) -> int | None:
        raw = self.value(section, key)
        if raw is None:
            return None
        raw = raw.strip().strip('"')
        try:
            return int(raw)
        except ValueError:
            return None

    def registry_dword(self, path: str) -> int | None:
        """A [Registry Values] entry such as ``MACHINE\\...\\EnableLUA=4,1`` (type 4 = DWORD)."""
        raw = self.value("Registry Values", path)
        if raw is None:
            return None
        kind, _, data = raw.partition(",")
        if kind.strip() != "4":
            return None
        try:
            return int(data.strip())
        except ValueError:
            return None


def decode_inf(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8-sig", "replace")


def parse_inf(data: bytes | str) -> SecurityPolicy:
    """Sections -> key -> raw value text; keys and section names lower-cased."""
    policy = SecurityPolicy()
    current: dict[str, str] | None = None
    for line in decode_inf(data).lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = policy.sections.setdefault(stripped[1:-1].strip().lower(), {})
            continue
        if current is None or "=" not in stripped:
            continue
        key, _, value = stripped.partition("=")
        current[key.strip().lower()] = value.strip()
    return policy


def password_policy(policy: SecurityPolicy) -> PasswordPolicy:
    fam = PasswordPolicy(source="secedit /export (SECURITYPOLICY)",
                         max_enforceable_classes=WINDOWS_COMPLEXITY_CLASSES)
    access = "System Access"
    if not policy.sections.get(access.lower()):
        fam.unknown.update({f: "secedit export has no [System Access] section" for f in
                            ("min_length", "min_classes", "max_age_days", "lockout_threshold",
                             "history_size")})
        return fam
    fam.min_length = _nonneg(policy.number(access, "MinimumPasswordLength"))
    complexity = policy.number(access, "PasswordComplexity")
    if complexity is not None:
        fam.min_classes = WINDOWS_COMPLEXITY_CLASSES if complexity == 1 else 0
    max_age = policy.number(access, "MaximumPasswordAge")
    if max_age is not None:
        # -1 is "never expires" in the export; the facts say 0 for never.
        fam.max_age_days = max(max_age, 0)
    fam.lockout_threshold = _nonneg(policy.number(access, "LockoutBadCount"))
    fam.history_size = _nonneg(policy.number(access, "PasswordHistorySize"))
    for name in ("min_length", "min_classes", "max_age_days", "lockout_threshold", "history_size"):
        if getattr(fam, name) is None:
            fam.unknown[name] = "not in the secedit export"
    return fam


def _nonneg(value: int | None) -> int | None:
    return value if value is not None and value >= 0 else None
