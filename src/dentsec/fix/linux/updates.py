"""Automatic security updates: unattended-upgrades switched on and its apt timers enabled.

Keys and values as apt.conf(5) and Debian's unattended-upgrades README document them
(``APT::Periodic::Update-Package-Lists "1"; APT::Periodic::Unattended-Upgrade "1";``);
the timers are enabled as ``systemctl enable`` does (a link in timers.target.wants)."""

from __future__ import annotations

import re

from dentsec.fix.linux.common import need_package, unit_file
from dentsec.fix.model import Edit, Fix, Plan, Refused, Setting, Target
from dentsec.i18n import tr

APT_CONF_D = "/etc/apt/apt.conf.d"
AUTO = f"{APT_CONF_D}/20auto-upgrades"
KEYS = ("APT::Periodic::Update-Package-Lists", "APT::Periodic::Unattended-Upgrade")
TIMERS = ("apt-daily.timer", "apt-daily-upgrade.timer")
WANTS = "/etc/systemd/system/timers.target.wants"


def _set_apt(text: str, key: str) -> tuple[str, Setting | None]:
    """``key "1";`` wherever the key is set; None when the file does not set it."""
    pattern = re.compile(rf'^(\s*{re.escape(key)}\s+)"([^"]*)"\s*;', re.M)
    match = pattern.search(text)
    if match is None:
        return text, None
    return pattern.sub(lambda m: f'{m.group(1)}"1";', text), Setting(key, match.group(2), "1")


def _plan(target: Target) -> Plan:
    need_package(target, "unattended-upgrades")
    edits: list[Edit] = []
    for name in target.list_dir(APT_CONF_D):
        path = f"{APT_CONF_D}/{name}"
        text = target.text(path)
        if path == AUTO or text is None:
            continue
        settings = []
        for key in KEYS:
            text, setting = _set_apt(text, key)
            if setting is not None and setting.before != "1":
                settings.append(setting)
        if settings:
            edits.append(Edit(path, text.encode(), settings=tuple(settings)))
    auto = target.text(AUTO) or ""
    auto_settings = []
    for key in KEYS:
        auto, setting = _set_apt(auto, key)
        if setting is None:
            auto = auto + ("" if auto.endswith("\n") or not auto else "\n") + f'{key} "1";\n'
            setting = Setting(key, None, "1")
        auto_settings.append(setting)
    edits.insert(0, Edit(AUTO, auto.encode(), settings=tuple(auto_settings)))
    for timer in TIMERS:
        unit = unit_file(target, timer)
        if unit is None:
            raise Refused(f"L'unité systemd {timer} (paquet apt) est introuvable : les mises à "
                          "jour automatiques ne peuvent pas être planifiées.",
                          f"The systemd unit {timer} (apt package) is missing: automatic "
                          "updates cannot be scheduled.")
        edits.append(Edit(f"{WANTS}/{timer}", link=unit,
                          settings=(Setting(timer, None, tr("activé", "enabled")),)))
    return Plan(tuple(edits), commands=(("systemctl", "daemon-reload"),
                                        ("systemctl", "start", *TIMERS)),
                undo_commands=(("systemctl", "daemon-reload"),))


UNATTENDED_FIX = Fix(
    name="linux-unattended-upgrades", os="linux", checks=("UPD-AUTO",),
    title={"fr": "Mises à jour de sécurité automatiques (unattended-upgrades)",
           "en": "Automatic security updates (unattended-upgrades)"},
    changes={"fr": "Active la mise à jour quotidienne des listes de paquets et l'installation "
                   "automatique des mises à jour de sécurité, et leurs minuteurs systemd.",
             "en": "Turns on the daily refresh of package lists and the automatic install of "
                   "security updates, and their systemd timers."},
    risks={"fr": "Les mises à jour s'installent seules chaque jour ; un logiciel métier très "
                 "ancien peut exceptionnellement en souffrir : le prestataire le surveille "
                 "dans /var/log/unattended-upgrades/.",
           "en": "Updates install by themselves every day; very old practice software may "
                 "rarely suffer: the IT provider watches /var/log/unattended-upgrades/."},
    plan=_plan)
