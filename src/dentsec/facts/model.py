"""The facts schema (``dentsec.facts/1``).

Collectors of every OS fill these families; checks read only these, never the OS.
Conventions:

* A family that could not be gathered at all is ``None`` in :class:`Facts` and its
  reason is in ``Facts.unknown[family]``.
* Inside a family, a field that is ``None`` is unknown; the family's ``unknown``
  mapping may say why (field name -> reason). ``False``/``0``/``[]`` are real answers.
* A field or family that does not exist on an OS (UAC on Linux) is listed in the
  family's ``not_applicable`` set, so a check can answer ``na`` rather than ``unknown``.
* Dates are timezone-aware UTC datetimes or plain dates; durations are in seconds or days
  as the field name says.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dentsec.vocab import OSFamily

FACTS_SCHEMA = "dentsec.facts/1"

__all__ = [
    "FACTS_SCHEMA",
    "Account",
    "Accounts",
    "Antivirus",
    "AntivirusProduct",
    "AutoOpen",
    "Backup",
    "BackupTool",
    "BrowserPasswords",
    "DiskEncryption",
    "Downloads",
    "Facts",
    "Family",
    "Firewall",
    "FirewallProfile",
    "ListeningSocket",
    "Network",
    "OSInfo",
    "PasswordFile",
    "PasswordPolicy",
    "Passwords",
    "RemoteAccess",
    "ScreenLock",
    "Software",
    "SoftwareItem",
    "Updates",
]


class Family(BaseModel):
    """Base of every fact family."""

    model_config = ConfigDict(extra="forbid")

    source: str = ""
    """Where the values came from, for the report (e.g. "pam_pwquality + login.defs")."""
    unknown: dict[str, str] = Field(default_factory=dict)
    """Field name -> why it is unknown."""
    not_applicable: list[str] = Field(default_factory=list)
    """Fields that do not exist on this OS."""


# --- identity and rule 2 -------------------------------------------------------------

class OSInfo(Family):
    family: OSFamily
    name: str = ""
    """Human name, e.g. "Debian GNU/Linux 12 (bookworm)", "Windows 11 Professionnel"."""
    version: str = ""
    """e.g. "12", "10.0.22631", "15.6.1"."""
    build: str | None = None
    display_version: str | None = None
    """Windows feature update, e.g. "23H2"."""
    edition: str | None = None
    """Windows edition, e.g. "Professional", "Core" (Home), "Enterprise"."""
    arch: str | None = None
    hostname: str = ""
    eol_product: str | None = None
    """Product key in the end-of-life data (windows, macos, debian, ubuntu…)."""
    eol_cycle: str | None = None
    """Matching release cycle in that data, e.g. "11-23h2-w", "12"."""
    eol_date: date | None = None
    """End of security support of this release (None: unknown or not announced)."""
    eol_announced: bool | None = None
    """False when the data says the release has no end date yet."""
    extended_support: str | None = None
    """Extended security support offered after ``eol_date`` for this release: free (Debian
    LTS) or paid (Ubuntu Pro ESM, Windows ESU); None when there is none."""
    extended_support_until: date | None = None
    """End of that extended support (the end-of-life data's ``eoes``)."""
    extended_support_active: bool | None = None
    """The machine receives it: True for a free one or a paid one it shows it is enrolled in,
    False when it shows it is not, None when enrolment cannot be seen (reason in unknown)."""


class Updates(Family):
    auto_updates_enabled: bool | None = None
    auto_update_mechanism: str | None = None
    """e.g. "unattended-upgrades", "Windows Update (AUOptions=4)", "softwareupdate"."""
    pending_updates: int | None = None
    pending_security_updates: int | None = None
    last_update: datetime | None = None
    """When updates were last installed."""


class SoftwareItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: str = ""
    publisher: str | None = None
    eol_product: str | None = None
    eol_cycle: str | None = None
    eol_date: date | None = None


class Software(Family):
    """Installed programs that matter (browsers, office suites, remote tools, PUPs)."""

    items: list[SoftwareItem] = Field(default_factory=list)
    unwanted: list[str] = Field(default_factory=list)
    """Installed programs matched against the list of known bundled/unwanted software."""
    remote_control_tools: list[str] = Field(default_factory=list)
    """TeamViewer, AnyDesk, VNC servers… installed (each one must be justified)."""


# --- rule 1 -------------------------------------------------------------------------

class PasswordPolicy(Family):
    min_length: int | None = None
    min_classes: int | None = None
    """How many character classes (upper, lower, digit, special) are required, 0-4."""
    max_enforceable_classes: int | None = None
    """The most classes this OS's policy can require (Windows complexity: 3 of 4)."""
    max_age_days: int | None = None
    """0 means never expires."""
    lockout_threshold: int | None = None
    """Failed attempts before lockout; 0 means never."""
    history_size: int | None = None


class PasswordFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    """Path of a file whose *name* suggests it stores passwords (never its content)."""
    size: int | None = None
    owner: str | None = None


class BrowserPasswords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    browser: str
    """chrome, chromium, edge, firefox, safari…"""
    user: str = ""
    profile: str = ""
    saved_count: int | None = None
    """Number of saved passwords (never their content); None when unreadable."""
    manager_disabled_by_policy: bool | None = None


class Passwords(Family):
    """Where passwords are kept (rule 1: never in files or browsers)."""

    files: list[PasswordFile] = Field(default_factory=list)
    browsers: list[BrowserPasswords] = Field(default_factory=list)


# --- rule 3 -------------------------------------------------------------------------

class Account(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    full_name: str | None = None
    id: str = ""
    """uid on Unix, SID on Windows."""
    human: bool = True
    """A person's login account (not a service or system account)."""
    enabled: bool | None = None
    is_admin: bool | None = None
    password_empty: bool | None = None
    password_last_set: datetime | None = None
    last_logon: datetime | None = None
    builtin_admin: bool = False
    """The built-in administrator (Windows RID 500, Unix root)."""
    guest: bool = False
    group: bool = False
    """A group among the administrators (a domain group in Windows' Administrators, or a
    member whose kind was not given): its members were not listed, so how many people hold
    the rights is not known."""
    local: bool = True
    """An account of this machine. False for a domain or Microsoft Entra principal seen only
    as a member of Administrators: its password and logons are kept by the domain."""


class Accounts(Family):
    accounts: list[Account] = Field(default_factory=list)
    current_user: str | None = None
    current_user_is_admin: bool | None = None
    uid0_accounts: list[str] = Field(default_factory=list)
    """Unix accounts with uid 0 other than root."""
    uac_enabled: bool | None = None
    """Windows User Account Control (elevation prompt)."""


class ScreenLock(Family):
    enabled: bool | None = None
    """Lock after inactivity is on for every interactive user seen."""
    timeout_seconds: int | None = None
    """Longest inactivity delay before lock among those users."""
    require_password: bool | None = None
    per_user: dict[str, str] = Field(default_factory=dict)
    """user -> short description, for the report."""


# --- rule 4 -------------------------------------------------------------------------

class BackupTool(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tool: str
    """dentsec, restic, borg, timeshift, deja-dup, time-machine, file-history, windows-backup…"""
    configured: bool = True
    destination: str | None = None
    last_backup: datetime | None = None
    last_ok: bool | None = None


class Backup(Family):
    tools: list[BackupTool] = Field(default_factory=list)
    last_backup: datetime | None = None
    """Most recent successful backup across tools."""
    dentsec_configured: bool = False
    last_verify: datetime | None = None
    last_verify_ok: bool | None = None
    last_drill: datetime | None = None
    last_drill_ok: bool | None = None
    disk_always_connected: bool | None = None
    """The backup disk was seen connected at every presence look between backups over the
    last 14 days (ransomware reaches it too); False once seen absent between two backups."""
    last_run_at: datetime | None = None
    """dentsec: when the last backup run ended (or started, when it never ended)."""
    last_run_error: str | None = None
    """dentsec: why the last run failed (a French sentence); None when it succeeded."""
    last_partial_backup: datetime | None = None
    """dentsec: latest snapshot saved incomplete (files unreadable or changed meanwhile)."""
    incomplete_runs: int | None = None
    """dentsec: runs in a row whose snapshot missed, or may hold torn copies of, the same
    files (0 when the last snapshot was complete)."""
    incomplete_kind: str | None = None
    """changed-files | unreadable-files"""
    damaged_since: datetime | None = None
    """dentsec: damage found in the repository and not repaired since (None: none known)."""
    damage_reason: str | None = None
    last_full_read: datetime | None = None
    """dentsec: when every pack of the repository was last read and found sound."""
    repository_same_disk: bool | None = None
    """The repository is on the same disk as the data it protects (init --force)."""
    cloud_providers: list[str] = Field(default_factory=list)
    """Cloud backup providers in use."""
    cloud_providers_assessed: list[str] = Field(default_factory=list)
    shadow_copies: int | None = None


# --- rule 5 -------------------------------------------------------------------------

class AutoOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    browser: str
    user: str = ""
    profile: str = ""
    extensions: list[str] = Field(default_factory=list)
    """File types the browser opens automatically after download."""


class Downloads(Family):
    auto_open: list[AutoOpen] = Field(default_factory=list)
    reputation_check: bool | None = None
    """SmartScreen (Windows) / Gatekeeper (macOS) on."""
    autorun_disabled: bool | None = None
    """AutoRun/AutoPlay off for every drive type (Windows)."""
    scan_downloads: bool | None = None
    """Downloaded files are scanned by an antivirus."""


# --- rule 6 -------------------------------------------------------------------------

class AntivirusProduct(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    enabled: bool | None = None
    realtime: bool | None = None
    on_demand: bool = False
    """A scanner without a resident engine (ClamAV's clamscan with no clamd): it is usable
    (``enabled``) but only scans what it is asked to, never in real time."""
    signature_age_days: float | None = None
    up_to_date: bool | None = None
    """The collector's verdict for this product's update rhythm (ClamAV daily, XProtect every
    few weeks, Defender's own out-of-date flag); checks fall back on the age when None.
    Signatures never downloaded, or an engine that is stopped, are never up to date."""


class Antivirus(Family):
    products: list[AntivirusProduct] = Field(default_factory=list)


class FirewallProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    """Windows: domain/private/public; otherwise the backend name."""
    enabled: bool | None = None
    default_inbound: Literal["block", "allow"] | None = None


class Firewall(Family):
    backend: str | None = None
    """nftables, iptables, ufw, firewalld, windows, socketfilterfw…"""
    installed: bool | None = None
    """A firewall program exists on the machine; False when none was found (Linux: no nft,
    iptables, ufw nor firewalld), so nothing can filter incoming connections."""
    profiles: list[FirewallProfile] = Field(default_factory=list)
    """Every profile that exists; when one could not be read, ``unknown["profiles"]`` says
    which (an incomplete list is never a pass)."""
    service_running: bool | None = None
    """The service that applies the rules runs (Windows: mpssvc). False: whatever the
    profiles say, nothing is filtered. None where not read or not separate."""


class ListeningSocket(BaseModel):
    model_config = ConfigDict(extra="forbid")

    proto: Literal["tcp", "udp"]
    address: str
    port: int
    process: str | None = None
    pid: int | None = None
    system: bool = False
    """A listener the OS itself opens by default (e.g. Windows RPC 135); the collector knows."""


class Network(Family):
    listening: list[ListeningSocket] = Field(default_factory=list)


class RemoteAccess(Family):
    rdp_enabled: bool | None = None
    """Remote Desktop / xrdp / Screen Sharing / Remote Management accepting connections."""
    rdp_nla: bool | None = None
    ssh_enabled: bool | None = None
    ssh_password_auth: bool | None = None
    ssh_root_login: bool | None = None
    vnc_enabled: bool | None = None
    smb_sharing: bool | None = None
    smb1_enabled: bool | None = None


# --- beyond the six rules -----------------------------------------------------------

class DiskEncryption(Family):
    system_encrypted: bool | None = None
    """The system volume is encrypted *and* protection is on."""
    method: str | None = None
    """LUKS, BitLocker XtsAes128, FileVault…"""
    detail: str | None = None


class Facts(BaseModel):
    schema_: str = Field(FACTS_SCHEMA, alias="schema")
    collected_at: datetime
    collection_mode: Literal["live", "root", "evidence"] = "live"
    is_admin: bool | None = None
    """Whether the collector ran with administrator/root rights."""
    os: OSInfo
    updates: Updates | None = None
    software: Software | None = None
    password_policy: PasswordPolicy | None = None
    passwords: Passwords | None = None
    accounts: Accounts | None = None
    screen_lock: ScreenLock | None = None
    backup: Backup | None = None
    downloads: Downloads | None = None
    antivirus: Antivirus | None = None
    firewall: Firewall | None = None
    network: Network | None = None
    remote_access: RemoteAccess | None = None
    disk_encryption: DiskEncryption | None = None
    unknown: dict[str, str] = Field(default_factory=dict)
    """Family name -> why it could not be gathered."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
