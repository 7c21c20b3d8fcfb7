"""Screen lock after inactivity: a locked GNOME system policy (dconf) and KDE's own file.

The GNOME part follows dconf(7) and the GNOME System Administration Guide ("Lock down
screen lock"): a keyfile in /etc/dconf/db/local.d/, its locks in locks/, then
``dconf compile`` writes the binary database the session reads. The database bytes are
compiled while planning, so the preview and the write hold exactly the same thing."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from dentsec.collect.linux.screen_lock import IDLE, KDE_MARKERS, LOCK, LOCK_DELAY
from dentsec.fix.linux.common import MARK, people
from dentsec.fix.model import Edit, Fix, Plan, Refused, Setting, Target
from dentsec.i18n import tr

PROFILE = "/etc/dconf/profile/user"
NAME = "00-dentsec-screen-lock"


def _minutes(target: Target) -> int:
    return max(1, min(5, target.policy.screen_lock_max_minutes))


def set_ini(text: str, section: str, key: str, value: str) -> tuple[str, Setting]:
    """``key=value`` inside ``[section]`` of an INI file (added where missing)."""
    lines = text.splitlines()
    out: list[str] = []
    current = ""
    before: str | None = None
    done = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            if current == section and not done:
                out.append(f"{key}={value}")
                done = True
            current = stripped[1:-1]
        elif current == section and "=" in stripped and \
                stripped.split("=", 1)[0].split("[$")[0].strip() == key:
            before = stripped.split("=", 1)[1].strip()
            if not done:
                out.append(f"{key}={value}")
                done = True
            continue
        out.append(line)
    if not done:
        if current != section:
            out += ([""] if out else []) + [f"[{section}]"]
        out.append(f"{key}={value}")
    return "\n".join(out) + "\n", Setting(f"[{section}] {key}", before, value)


def _compile(target: Target, keyfile_dir: str, extra: dict[str, bytes]) -> bytes:
    dconf = shutil.which("dconf")
    if dconf is None:
        raise Refused("L'outil dconf est introuvable (sudo apt-get install dconf-cli).",
                      "The dconf tool is missing (sudo apt-get install dconf-cli).")
    with tempfile.TemporaryDirectory(prefix="dentsec-dconf-") as tmp:
        src = os.path.join(tmp, "keyfiles")
        real = target.real(keyfile_dir)
        if os.path.isdir(real):
            shutil.copytree(real, src, symlinks=False)
        for rel, data in extra.items():
            os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
            with open(os.path.join(src, rel), "wb") as fh:
                fh.write(data)
        out = os.path.join(tmp, "db")
        done = subprocess.run([dconf, "compile", out, src], capture_output=True, text=True,
                              timeout=30, check=False)
        if done.returncode != 0:
            raise Refused(f"dconf compile a échoué : {done.stderr.strip()[:300]}",
                          f"dconf compile failed: {done.stderr.strip()[:300]}")
        with open(out, "rb") as fh:
            return fh.read()


def _plan(target: Target) -> Plan:
    minutes = _minutes(target)
    profile = target.text(PROFILE)
    edits: list[Edit] = []
    dbs = [ln.split(":", 1)[1].strip() for ln in (profile or "").splitlines()
           if ln.strip().startswith("system-db:")]
    db = dbs[0] if dbs else "local"
    if not dbs:
        new_profile = (profile or "user-db:user\n").rstrip("\n") + f"\nsystem-db:{db}\n"
        edits.append(Edit(PROFILE, new_profile.encode(),
                          settings=(Setting("system-db", None, db),)))
    keyfile = (f"# {MARK}: verrouillage de l'écran après {minutes} min (dconf(7))\n"
               "[org/gnome/desktop/session]\n"
               f"idle-delay=uint32 {minutes * 60}\n\n"
               "[org/gnome/desktop/screensaver]\n"
               "lock-enabled=true\nlock-delay=uint32 0\n").encode()
    locks = (f"# {MARK}\n" + "\n".join((IDLE, LOCK, LOCK_DELAY)) + "\n").encode()
    folder = f"/etc/dconf/db/{db}.d"
    compiled = _compile(target, folder, {NAME: keyfile, f"locks/{NAME}": locks})
    edits += [
        Edit(f"{folder}/{NAME}", keyfile, settings=(
            Setting(IDLE, None, f"uint32 {minutes * 60}"), Setting(LOCK, None, "true"),
            Setting(LOCK_DELAY, None, "uint32 0"))),
        Edit(f"{folder}/locks/{NAME}", locks, settings=(Setting(tr("verrouillé", "locked"), None,
                                                        ", ".join((IDLE, LOCK, LOCK_DELAY))),)),
        Edit(f"/etc/dconf/db/{db}", compiled, settings=(Setting("dconf compile", None, db),)),
    ]
    for user in people(target):
        if not target.device_wide and user.name != target.user:
            continue
        config = f"{user.home.rstrip('/')}/.config"
        if not any(m in target.list_dir(config) for m in KDE_MARKERS):
            continue
        path = f"{config}/kscreenlockerrc"
        text = target.text(path) or ""
        text, s_auto = set_ini(text, "Daemon", "Autolock", "true")
        text, s_time = set_ini(text, "Daemon", "Timeout", str(minutes))
        text, s_pw = set_ini(text, "Daemon", "LockOnResume", "true")
        edits.append(Edit(path, text.encode(), settings=(s_auto, s_time, s_pw)))
    return Plan(tuple(edits), commands=(("dconf", "update"),))


SCREEN_LOCK_FIX = Fix(
    name="linux-screen-lock", os="linux", checks=("ACC-SCREEN-LOCK",),
    title={"fr": "Verrouillage automatique de l'écran après 5 minutes (GNOME, KDE)",
           "en": "Automatic screen lock after 5 minutes (GNOME, KDE)"},
    changes={"fr": "Impose à tous les comptes GNOME le verrouillage après 5 minutes "
                   "(politique système dconf verrouillée) et règle celui de KDE pour chaque "
                   "personne.",
             "en": "Makes every GNOME account lock after 5 minutes (locked dconf system "
                   "policy) and sets KDE's for each person."},
    risks={"fr": "L'écran se verrouille après 5 minutes sans activité ; il faut retaper son "
                 "mot de passe. Un poste d'affichage (salle d'attente) en souffrirait : "
                 "annulez ce correctif sur ce poste-là.",
           "en": "The screen locks after 5 minutes idle; the password must be typed again. A "
                 "display screen (waiting room) would suffer: undo this fix there."},
    plan=_plan, per_person=True)
