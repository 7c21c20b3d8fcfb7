"""Network services that give the workstation away: SMBv1 in Samba, VNC/RDP servers.

Samba: ``server min protocol`` in [global] (smb.conf(5); SMB2_02 is Samba's own default
since 4.11). VNC and xrdp: their systemd units are disabled as ``systemctl disable`` does
(the links in *.wants removed) and, on a running system, stopped."""

from __future__ import annotations

import re

from dentsec.collect.linux.remote_access import VNC_PACKAGES
from dentsec.fix.linux.common import MARK, installed
from dentsec.fix.model import Edit, Fix, Plan, Refused, Setting, Target
from dentsec.i18n import tr

SMB_CONF = "/etc/samba/smb.conf"
MIN_PROTOCOL = "SMB2_02"
PROTOCOL_LINE = re.compile(r"^(\s*)(?:server\s+)?min\s+protocol\s*=\s*(\S+)\s*$", re.I)
WANTS_DIR = "/etc/systemd/system"
REMOTE_UNIT_WORDS = ("vnc", "vino", "xrdp")


def _smb_plan(target: Target) -> Plan:
    text = target.text(SMB_CONF)
    if text is None:
        raise Refused(f"{SMB_CONF} absent : Samba n'est pas configuré ici.",
                      f"{SMB_CONF} missing: Samba is not configured here.")
    out: list[str] = []
    before: str | None = None
    section = ""
    written = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            if section == "global" and not written:
                out.append(f"   server min protocol = {MIN_PROTOCOL}")
                written = True
            section = stripped[1:-1].strip().lower()
        m = PROTOCOL_LINE.match(line)
        if m and not stripped.startswith(("#", ";")):
            before = m.group(2)
            if not written:
                out.append(f"{m.group(1)}server min protocol = {MIN_PROTOCOL}")
                written = True
            continue
        out.append(line)
    if not written:
        if section != "global" and "[global]" not in text.lower():
            out += ["", f"# {MARK}", "[global]"]
        out.append(f"   server min protocol = {MIN_PROTOCOL}")
    return Plan((Edit(SMB_CONF, ("\n".join(out) + "\n").encode(),
                      settings=(Setting("server min protocol", before, MIN_PROTOCOL),)),),
                commands=(("testparm", "-s", "--suppress-prompt"),
                          ("systemctl", "reload", "smbd.service")),
                undo_commands=(("systemctl", "reload", "smbd.service"),))


SMB1_FIX = Fix(
    name="linux-samba-no-smb1", os="linux", checks=("FW-SMB1",),
    title={"fr": "Partage de fichiers Samba sans SMBv1", "en": "Samba file sharing without SMBv1"},
    changes={"fr": f"server min protocol = {MIN_PROTOCOL} dans [global] de smb.conf.",
             "en": f"server min protocol = {MIN_PROTOCOL} in [global] of smb.conf."},
    risks={"fr": "Un très vieil appareil (scanner, NAS d'avant 2010) qui ne parle que SMBv1 ne "
                 "pourra plus déposer de fichiers ici : mettez-le à jour ; l'annulation remet "
                 "l'ancien réglage.",
           "en": "A very old device (scanner, NAS from before 2010) speaking only SMBv1 can no "
                 "longer drop files here: update it; undo puts the old setting back."},
    plan=_smb_plan)


def _remote_plan(target: Target) -> Plan:
    if not installed(target, *VNC_PACKAGES, "xrdp"):
        raise Refused("Aucun serveur VNC ou xrdp installé : le bureau à distance ouvert vient "
                      "d'ailleurs (GNOME, partage d'écran) ; voir dentsec explain FW-REMOTE-DESKTOP.",
                      "No VNC or xrdp server installed: the open remote desktop comes from "
                      "elsewhere (GNOME screen sharing); see dentsec explain FW-REMOTE-DESKTOP.")
    edits: list[Edit] = []
    units: list[str] = []
    for folder in target.list_dir(WANTS_DIR):
        if not folder.endswith(".wants"):
            continue
        for unit in target.list_dir(f"{WANTS_DIR}/{folder}"):
            if any(word in unit for word in REMOTE_UNIT_WORDS):
                edits.append(Edit(f"{WANTS_DIR}/{folder}/{unit}",
                                  settings=(Setting(unit, tr("activé", "enabled"),
                                                    tr("désactivé", "disabled")),)))
                units.append(unit)
    if not edits:
        raise Refused("Aucun service VNC ou xrdp activé au démarrage : rien à désactiver.",
                      "No VNC or xrdp service enabled at boot: nothing to disable.")
    names = tuple(sorted(set(units)))
    return Plan(tuple(edits), commands=(("systemctl", "stop", *names),),
                undo_commands=(("systemctl", "daemon-reload"), ("systemctl", "start", *names)))


REMOTE_DESKTOP_FIX = Fix(
    name="linux-remote-desktop-off", os="linux", checks=("FW-REMOTE-DESKTOP",),
    title={"fr": "Serveurs de bureau à distance (VNC, xrdp) arrêtés et désactivés",
           "en": "Remote desktop servers (VNC, xrdp) stopped and disabled"},
    changes={"fr": "Désactive au démarrage (et arrête) les services VNC et xrdp.",
             "en": "Disables at boot (and stops) the VNC and xrdp services."},
    risks={"fr": "Cela coupe la prise en main par VNC/RDP. Le prestataire garde son accès par "
                 "SSH avec sa clé, ou par son outil d'assistance que la personne au poste "
                 "accepte à chaque session ; convenez-en avec lui avant. L'annulation les "
                 "réactive.",
           "en": "This cuts VNC/RDP remote control. The IT provider keeps access over SSH with "
                 "their key, or through their support tool the person at the workstation "
                 "accepts at each session; agree on it with them first. Undo re-enables them."},
    plan=_remote_plan)
