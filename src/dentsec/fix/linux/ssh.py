"""OpenSSH server: no root login, no passwords, keys only (sshd_config(5)).

Refused unless an administrator other than root has a key sshd would accept: a readable
authorized_keys file holding a key ``ssh-keygen -l`` recognises, with the ownership and
permissions sshd's StrictModes demands. Closing passwords without that key would lock the
IT provider out."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import stat

from dentsec import proc
from dentsec.collect.linux.context import PasswdEntry
from dentsec.collect.linux.remote_access import SSHD_CONFIG, parse_sshd, ssh_password_and_root
from dentsec.fix.linux.common import MARK, admins, unit_file
from dentsec.fix.model import Edit, Fix, Plan, Refused, Setting, Target

WANTED = {"permitrootlogin": "PermitRootLogin", "passwordauthentication": "PasswordAuthentication",
          "kbdinteractiveauthentication": "KbdInteractiveAuthentication"}
OLD_NAMES = {"challengeresponseauthentication": "ChallengeResponseAuthentication"}
DEFAULT_KEYS_FILES = ".ssh/authorized_keys .ssh/authorized_keys2"


def config_files(target: Target, path: str = SSHD_CONFIG, depth: int = 0) -> list[str]:
    """The sshd configuration file and the files it includes, in reading order."""
    text = target.text(path)
    if text is None or depth > 4:
        return []
    files = [path]
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words and words[0].lower() == "include":
            for pattern in words[1:]:
                full = pattern if pattern.startswith("/") else f"/etc/ssh/{pattern}"
                folder, _, glob = full.rpartition("/")
                for name in target.list_dir(folder):
                    if fnmatch.fnmatch(name, glob):
                        files += config_files(target, f"{folder}/{name}", depth + 1)
    return files


def config_lines(target: Target, files: list[str]) -> list[str]:
    """Configuration lines with Include directives replaced by what they include."""
    out: list[str] = []
    for path in files:
        out += [ln for ln in (target.text(path) or "").splitlines()
                if not (ln.split("#", 1)[0].split()[:1] or [""])[0].lower() == "include"]
    return out


def _strict_ok(real: str, uid: int) -> bool:
    """sshd StrictModes: owned by the user or root, not writable by group or others."""
    try:
        info = os.stat(real)
    except OSError:
        return False
    return info.st_uid in (uid, 0) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def working_key(target: Target, user: PasswdEntry, keys_files: str) -> str | None:
    """The authorized_keys file through which ``user`` can log in with a key, if any."""
    keygen = shutil.which("ssh-keygen")
    if keygen is None:
        raise Refused("ssh-keygen est introuvable : impossible de vérifier qu'une clé SSH "
                      "fonctionne (sudo apt-get install openssh-client).",
                      "ssh-keygen is missing: cannot check that an SSH key works "
                      "(sudo apt-get install openssh-client).")
    home = user.home.rstrip("/")
    for pattern in keys_files.split():
        rel = pattern.replace("%h", home).replace("%u", user.name).replace("%%", "%")
        path = rel if rel.startswith("/") else f"{home}/{rel}"
        real = target.real(path)
        folders = [os.path.dirname(real)]
        while len(folders[-1]) > len(target.real(home)):
            folders.append(os.path.dirname(folders[-1]))
        if not os.path.isfile(real) or not all(_strict_ok(p, user.uid) for p in [real, *folders]):
            continue
        listed = proc.run([keygen, "-l", "-f", real], timeout=10)
        if listed.exit_code == 0 and listed.stdout.strip():
            return path
    return None


def _allowed(values: dict[str, str], user: str) -> bool:
    allow = values.get("allowusers")
    deny = values.get("denyusers", "")
    if any(fnmatch.fnmatch(user, p) for p in deny.split()):
        return False
    return allow is None or any(fnmatch.fnmatch(user, p.split("@")[0]) for p in allow.split())


KEY_LINE = re.compile(r"^(\s*)(\w+)(\s*=\s*|\s+)(\S+)(.*)$")


def rewrite(target: Target, files: list[str]) -> dict[str, str]:
    """New text of each configuration file: every root/password setting at "no", and the
    settings no file sets written at the top of sshd_config (the first value wins)."""
    settings = parse_sshd(config_lines(target, files))
    out: dict[str, str] = {}
    for path in files:
        lines = []
        for line in (target.text(path) or "").splitlines():
            m = KEY_LINE.match(line)
            name = m.group(2).lower() if m and not line.lstrip().startswith("#") else ""
            if m and (name in WANTED or name in OLD_NAMES) and m.group(4).lower() != "no":
                line = f"{m.group(1)}{m.group(2)}{m.group(3)}no{m.group(5)}"
            lines.append(line)
        if path == SSHD_CONFIG:
            missing = [WANTED[k] for k in WANTED if k not in settings.values]
            if missing:
                lines = [f"# {MARK}: clés SSH seulement, pas de root",
                         *[f"{k} no" for k in missing], *lines]
        out[path] = "\n".join(lines) + "\n"
    return out


def _plan(target: Target) -> Plan:
    files = config_files(target)
    if not files:
        raise Refused(f"{SSHD_CONFIG} illisible ou absent.", f"{SSHD_CONFIG} unreadable or missing.")
    settings = parse_sshd(config_lines(target, files))
    keys_files = settings.values.get("authorizedkeysfile", DEFAULT_KEYS_FILES)
    with_key = [(u.name, path) for u in admins(target) if u.uid != 0
                if _allowed(settings.values, u.name)
                for path in [working_key(target, u, keys_files)] if path]
    if not with_key:
        raise Refused(
            "Refusé : aucun administrateur (autre que root) n'a de clé SSH qui fonctionne. "
            "Couper les mots de passe SSH enfermerait dehors le prestataire. Installez d'abord "
            "sa clé (ssh-copy-id ADMIN@poste), vérifiez qu'il se connecte avec, puis relancez.",
            "Refused: no administrator (other than root) has a working SSH key. Turning SSH "
            "passwords off would lock the IT provider out. Install their key first "
            "(ssh-copy-id ADMIN@host), check they can log in with it, then run again.")
    password, root_login = ssh_password_and_root(settings)
    edits = [Edit(path, text.encode()) for path, text in rewrite(target, files).items()
             if text != target.text(path)]
    changes = (Setting("PermitRootLogin", "yes" if root_login else "no", "no"),
               Setting("PasswordAuthentication", "yes" if password else "no", "no"))
    if edits:
        edits[0] = Edit(edits[0].path, edits[0].content, settings=changes)
    unit = "ssh.service" if unit_file(target, "ssh.service") else "sshd.service"
    return Plan(tuple(edits),
                commands=(("/usr/sbin/sshd", "-t"), ("systemctl", "reload", unit)),
                undo_commands=(("systemctl", "reload", unit),),
                notes=({"fr": "Clé SSH vérifiée pour : " + ", ".join(
                            f"{name} ({path})" for name, path in with_key) + ".",
                        "en": "SSH key checked for: " + ", ".join(
                            f"{name} ({path})" for name, path in with_key) + "."},))


SSHD_FIX = Fix(
    name="linux-sshd-keys-only", os="linux", checks=("FW-SSH",),
    title={"fr": "SSH : connexion par clé seulement, jamais root",
           "en": "SSH: key login only, never root"},
    changes={"fr": "Met PermitRootLogin et PasswordAuthentication à « no » dans la "
                   "configuration du serveur SSH (et les fichiers qu'elle inclut).",
             "en": "Sets PermitRootLogin and PasswordAuthentication to 'no' in the SSH server "
                   "configuration (and the files it includes)."},
    risks={"fr": "Plus personne ne se connecte en SSH avec un mot de passe, ni en root : le "
                 "prestataire garde l'accès avec sa clé (vérifiée ci-dessous) puis sudo.",
           "en": "Nobody logs in over SSH with a password, nor as root: the IT provider keeps "
                 "access with their key (checked below) then sudo."},
    plan=_plan)
