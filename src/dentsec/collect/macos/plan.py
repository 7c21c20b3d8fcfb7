"""The macOS collection plan: every item the macOS collector asks for, in order, once.

Two collectors read it: the Python one (``collect/macos/*``, which imports the argv and
paths below) and the POSIX shell one (``dentsec-collect.sh``, rendered from :data:`PLAN`
by :mod:`dentsec.collect.macos.shell`). Adding a macOS item is one entry here; the
Python module that parses it imports the constant, the shell script is regenerated
(``python -m dentsec.agent.shell``) and tests/collect/macos/test_shell.py replays
both sample bundles through the generated script, item for item.

Steps are data. Templates hold ``{user}``, ``{home}`` (inside :class:`Humans`) and
``{entry}`` (inside :class:`Entries`). A step whose key was already recorded is not asked
again (the Python collector asks InstallHistory twice; the bundle keeps one answer, which
is what replay finds). Conditions (:class:`When`) and stop rules are named: the Python
collector decides them from what it parsed, the shell script from the same answers with
``grep`` (see ``shell.CONDITIONS``, each a close reading of the Python decision).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- argv and paths (imported by the Python collector) -----------------------------

SW_VERS_ARGV = ("sw_vers",)
ARCH_ARGV = ("uname", "-m")
USERS_UID_ARGV = ("dscl", ".", "-list", "/Users", "UniqueID")
USERS_HOME_ARGV = ("dscl", ".", "-list", "/Users", "NFSHomeDirectory")
USERS_AUTH_ARGV = ("dscl", ".", "-list", "/Users", "AuthenticationAuthority")
ADMIN_GROUP_ARGV = ("dscl", ".", "-read", "/Groups/admin", "GroupMembership")
CONSOLE_USER_ARGV = ("stat", "-f", "%Su", "/dev/console")
UTC_OFFSET_ARGV = ("date", "+%z")
APPLICATIONS = "/Applications"
FIRST_HUMAN_UID = 501
"""macOS gives the first account made in Setup Assistant uid 501; services sit below."""

PLUTIL_ARGV = ("plutil", "-convert", "xml1", "-o", "-")
"""Followed by the file: ``-convert json`` refuses plists holding dates or data."""
PLUTIL_TIMEOUT = 15.0

XPROTECT_PLISTS = (
    "/Library/Apple/System/Library/CoreServices/XProtect.bundle/Contents/Info.plist",
    "/System/Library/CoreServices/XProtect.bundle/Contents/Info.plist",  # before macOS 10.15
)
INSTALL_HISTORY = "/Library/Receipts/InstallHistory.plist"
STAT_MTIME_ARGV = ("stat", "-f", "%m")

SOFTWARE_UPDATE_PLIST = "/Library/Preferences/com.apple.SoftwareUpdate.plist"
SOFTWARE_UPDATE_MANAGED = "/Library/Managed Preferences/com.apple.SoftwareUpdate.plist"
COMMERCE_PLIST = "/Library/Preferences/com.apple.commerce.plist"
LIST_ARGV = ("softwareupdate", "--list")
LIST_TIMEOUT = 180.0
"""A scan asks Apple's servers; past three minutes the answer is unknown, not "none"."""
HISTORY_ARGV = ("softwareupdate", "--history")
HISTORY_TIMEOUT = 60.0

TRACKED = {"Google Chrome.app": ("Google Chrome", "chrome"), "Firefox.app": ("Firefox", "firefox")}
"""Applications whose version is read (their Info.plist), in this order: bundle -> (name,
end-of-support product)."""

PWPOLICY_ARGV = ("pwpolicy", "-getaccountpolicies")
HOME_FOLDERS = ("", "Desktop", "Documents", "Downloads")
"""Where a practice keeps "mots de passe.docx": the home folder and its usual folders."""
CHROMIUM_BROWSERS = {
    "chrome": "Library/Application Support/Google/Chrome",
    "edge": "Library/Application Support/Microsoft Edge",
    "brave": "Library/Application Support/BraveSoftware/Brave-Browser",
}
CHROMIUM_PROFILE = r"Default|Profile [0-9]{1,3}"
"""Profile folder names (the regex both collectors match whole names with)."""
FIREFOX_PROFILES = "Library/Application Support/Firefox/Profiles"
CHROMIUM_POLICY_DOMAINS = {"chrome": "com.google.Chrome", "edge": "com.microsoft.Edge",
                           "brave": "com.brave.Browser"}
MANAGED_PREFERENCES = "/Library/Managed Preferences"
FIREFOX_POLICIES = "/Applications/Firefox.app/Contents/Resources/distribution/policies.json"
CHROMIUM_LOGINS_PROBE = "chromium-saved-passwords:"
FIREFOX_LOGINS_PROBE = "firefox-saved-passwords:"

LOGINWINDOW_PLIST = "/Library/Preferences/com.apple.loginwindow.plist"
SCREENSAVER_MANAGED = "/Library/Managed Preferences/com.apple.screensaver.plist"
SCREEN_LOCK_ARGV = ("sysadminctl", "-screenLock", "status")
BYHOST = "{home}/Library/Preferences/ByHost"
BYHOST_SCREENSAVER = r"com\.apple\.screensaver\..+\.plist"


def account_policy_argv(user: str) -> tuple[str, ...]:
    return ("dscl", ".", "-read", f"/Users/{user}", "accountPolicyData")


DESTINATIONS_ARGV = ("tmutil", "destinationinfo")
LATEST_ARGV = ("tmutil", "latestbackup")
TMUTIL_TIMEOUT = 30.0
TIME_MACHINE_PLIST = "/Library/Preferences/com.apple.TimeMachine.plist"
DENTSEC_HOME_PROBE = "dentsec-home"
DENTSEC_STATUS = "Library/Application Support/dentsec/backup/status.json"
"""Below each home: where ``dentsec backup`` keeps its status on a Mac by default."""
DISK_PROBE = "backup-disk-present:"

SPCTL_ARGV = ("spctl", "--status")
SAFARI_PLISTS = (
    "Library/Containers/com.apple.Safari/Data/Library/Preferences/com.apple.Safari.plist",
    "Library/Preferences/com.apple.Safari.plist",
)
PREFERENCES_MAX_BYTES = 16 * 1024 * 1024

SOCKETFILTERFW = "/usr/libexec/ApplicationFirewall/socketfilterfw"
FIREWALL_ARGV = (SOCKETFILTERFW, "--getglobalstate", "--getblockall", "--getallowsigned",
                 "--getstealthmode")
LSOF_ARGV = ("lsof", "-nP", "-iTCP", "-sTCP:LISTEN", "-FpcPn")
LSOF_TIMEOUT = 30.0
REMOTE_LOGIN_ARGV = ("systemsetup", "-getremotelogin")
SSHD_CONFIG_ARGV = ("/usr/sbin/sshd", "-T")
REMOTE_MANAGEMENT_FLAG = "/Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd"
REMOTE_MANAGEMENT_MAX_BYTES = 4096
FDESETUP_ARGV = ("fdesetup", "status")


def launchctl_argv(label: str) -> tuple[str, ...]:
    return ("launchctl", "print", f"system/{label}")


def plutil_argv(path: str) -> tuple[str, ...]:
    return (*PLUTIL_ARGV, path)


# --- the steps ---------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]
    timeout: float = 10.0


@dataclass(frozen=True)
class Plist:
    """``plutil -convert xml1 -o - PATH`` (a command item)."""

    path: str


@dataclass(frozen=True)
class File:
    path: str
    max_bytes: int = 256 * 1024
    redact: str | None = None
    """A named redactor ("chromium-download-prefs"): only its output enters the bundle."""


@dataclass(frozen=True)
class Dir:
    path: str


@dataclass(frozen=True)
class Probe:
    """A probe item: ``kind`` names what the shell does (sqlite count, JSON count, …)."""

    kind: str
    target: str = ""


@dataclass(frozen=True)
class Humans:
    """For each person's account (uid >= 501, name not starting with "_"), in dscl's
    order; ``with_home`` skips those without an absolute home folder."""

    steps: tuple[object, ...]
    with_home: bool = True


@dataclass(frozen=True)
class Entries:
    """List ``path`` (a dir item), then run ``steps`` for each entry whose whole name
    matches ``match``, in sorted order; ``stop`` names when to leave the loop."""

    path: str
    match: str | None
    """A regex for whole names; None for every entry."""
    steps: tuple[object, ...]
    stop: str | None = None


@dataclass(frozen=True)
class FirstOf:
    """Alternatives tried in order: each starts with its test item; the rest of the first
    one whose test succeeds runs, and the others are not asked."""

    alternatives: tuple[tuple[object, ...], ...]
    ok: str = "exit-0"
    per_human: tuple[tuple[object, ...], ...] = ()
    """Alternatives tried after the others, for each person's home in turn."""


@dataclass(frozen=True)
class When:
    condition: str
    steps: tuple[object, ...]


def _firefox_logins() -> Probe:
    return Probe("firefox-logins", f"{{home}}/{FIREFOX_PROFILES}/{{entry}}/logins.json")


PLAN: tuple[object, ...] = (
    # operating system
    Command(SW_VERS_ARGV), Command(ARCH_ARGV),
    # the people, the administrators, who is signed in, the clock, the applications
    Command(USERS_UID_ARGV), Command(USERS_HOME_ARGV), Command(USERS_AUTH_ARGV),
    Command(ADMIN_GROUP_ARGV), Command(CONSOLE_USER_ARGV), Command(UTC_OFFSET_ARGV),
    Dir(APPLICATIONS),
    # XProtect: the first bundle found, its install dates and its file date
    FirstOf(tuple((Plist(p), Plist(INSTALL_HISTORY), Command((*STAT_MTIME_ARGV, p)))
                  for p in XPROTECT_PLISTS), ok="plist-dict"),
    # updates
    Plist(SOFTWARE_UPDATE_PLIST), Plist(SOFTWARE_UPDATE_MANAGED), Plist(COMMERCE_PLIST),
    Command(LIST_ARGV, LIST_TIMEOUT), Plist(INSTALL_HISTORY),
    When("no-install-history-update", (Command(HISTORY_ARGV, HISTORY_TIMEOUT),)),
    # software
    *(When(f"application:{app}", (Plist(f"{APPLICATIONS}/{app}/Contents/Info.plist"),))
      for app in TRACKED),
    # password policy and where passwords are kept
    Command(PWPOLICY_ARGV),
    Humans(tuple(Dir(f"{{home}}/{sub}" if sub else "{home}") for sub in HOME_FOLDERS)),
    Humans((
        *(Entries(f"{{home}}/{rel}", CHROMIUM_PROFILE, (
            Probe("chromium-logins", f"{{home}}/{rel}/{{entry}}/Login Data"),
            Plist(f"{MANAGED_PREFERENCES}/{CHROMIUM_POLICY_DOMAINS[browser]}.plist")))
          for browser, rel in CHROMIUM_BROWSERS.items()),
        Entries(f"{{home}}/{FIREFOX_PROFILES}", None, (_firefox_logins(), File(FIREFOX_POLICIES))),
    )),
    # accounts and screen lock
    Humans((Command(account_policy_argv("{user}")),), with_home=False),
    When("users-known", (
        Plist(LOGINWINDOW_PLIST), Plist(SCREENSAVER_MANAGED),
        When("console-user", (Command(SCREEN_LOCK_ARGV),)),
        When("no-managed-idle", (Humans((
            Entries(BYHOST, BYHOST_SCREENSAVER, (Plist(f"{BYHOST}/{{entry}}"),),
                    stop="plist-failed-or-idle"),)),)),
    )),
    # backups
    Command(DESTINATIONS_ARGV, TMUTIL_TIMEOUT), Plist(TIME_MACHINE_PLIST),
    When("time-machine-without-snapshot-date", (Command(LATEST_ARGV, TMUTIL_TIMEOUT),)),
    Probe("dentsec-home"),
    FirstOf(((File("{dentsec_home}/backup/status.json"), Probe("backup-disk")),),
            ok="backup-status",
            per_human=((File(f"{{home}}/{DENTSEC_STATUS}"), Probe("backup-disk")),)),
    # downloads
    Command(SPCTL_ARGV),
    When("users-known", (Humans((
        FirstOf(tuple((Plist(f"{{home}}/{rel}"),) for rel in SAFARI_PLISTS), ok="plist-dict"),
        *(Entries(f"{{home}}/{rel}", CHROMIUM_PROFILE, (
            File(f"{{home}}/{rel}/{{entry}}/Preferences", PREFERENCES_MAX_BYTES,
                 redact="chromium-download-prefs"),))
          for rel in CHROMIUM_BROWSERS.values()),
        Entries(f"{{home}}/{FIREFOX_PROFILES}", None, (
            File(f"{{home}}/{FIREFOX_PROFILES}/{{entry}}/handlers.json"),)),
    )),)),
    # firewall, listening ports, remote access, FileVault
    Command(FIREWALL_ARGV), Command(LSOF_ARGV, LSOF_TIMEOUT),
    When("admin", (Command(REMOTE_LOGIN_ARGV),)),
    When("no-remote-login-answer", (Command(launchctl_argv("com.openssh.sshd")),)),
    When("ssh-on-and-admin", (Command(SSHD_CONFIG_ARGV),)),
    Command(launchctl_argv("com.apple.screensharing")),
    File(REMOTE_MANAGEMENT_FLAG, REMOTE_MANAGEMENT_MAX_BYTES),
    Command(launchctl_argv("com.apple.smbd")),
    Command(FDESETUP_ARGV),
)
"""The whole collection, in the order the Python collector asks when its families run
one after the other (the order of the sample bundles)."""
