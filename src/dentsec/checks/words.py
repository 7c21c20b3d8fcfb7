"""The words a practice reads for the tokens facts carry (``chrome``, ``private``,
``time-machine``, ``none``): check messages never show a raw token. An unlisted token is
shown as collected (it is then a product or profile name, e.g. "firewalld (public)")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dentsec.checks.catalog import Text
from dentsec.checks.registry import names


def _same(word: str) -> Text:
    return {"fr": word, "en": word}


BROWSERS: dict[str, Text] = {
    "chrome": _same("Google Chrome"), "chromium": _same("Chromium"),
    "edge": _same("Microsoft Edge"), "brave": _same("Brave"), "firefox": _same("Firefox"),
    "safari": _same("Safari"), "opera": _same("Opera"), "vivaldi": _same("Vivaldi"),
}
FIREWALL_PROFILES: dict[str, Text] = {
    "domain": {"fr": "profil domaine", "en": "domain profile"},
    "private": {"fr": "profil privé", "en": "private profile"},
    "public": {"fr": "profil public", "en": "public profile"},
    "application-firewall": {"fr": "pare-feu applicatif de macOS",
                             "en": "macOS application firewall"},
    "none": {"fr": "aucun pare-feu installé", "en": "no firewall installed"},
    "ufw": _same("ufw"),
    "nftables.conf": {"fr": "règles nftables au démarrage", "en": "nftables rules at boot"},
    "iptables-persistent": {"fr": "règles iptables au démarrage", "en": "iptables rules at boot"},
    "nftables (running rules)": {"fr": "règles nftables en cours", "en": "running nftables rules"},
    "iptables-legacy (running rules)": {"fr": "règles iptables en cours",
                                        "en": "running iptables rules"},
}
FIREWALL_OFF: dict[str, Text] = {
    # A running-rules "profile" that is off means no rule filters what comes in.
    "nftables (running rules)": {"fr": "aucune règle nftables chargée ne filtre les entrées",
                                 "en": "no loaded nftables rule filters incoming traffic"},
    "iptables-legacy (running rules)": {"fr": "aucune règle iptables chargée ne filtre les "
                                        "entrées",
                                        "en": "no loaded iptables rule filters incoming traffic"},
}
BACKUP_TOOLS: dict[str, Text] = {
    "dentsec": _same("dentsec"), "restic": _same("restic"), "borg": _same("Borg"),
    "timeshift": _same("Timeshift"), "deja-dup": _same("Déjà Dup"),
    "time-machine": _same("Time Machine"),
    "file-history": {"fr": "Historique des fichiers", "en": "File History"},
    "windows-backup": {"fr": "Sauvegarde Windows", "en": "Windows Backup"},
}
UNKNOWN_PROGRAM: Text = {"fr": "programme inconnu", "en": "unknown program"}


def word(table: dict[str, Text], token: str) -> Text:
    return table.get(token.lower()) or _same(token)


def listed(table: dict[str, Text], tokens: Iterable[str], limit: int = 8) -> Text:
    """A short list of tokens in each language's words."""
    seq = list(tokens)
    return {lang: names((word(table, t)[lang] for t in seq), limit) for lang in ("fr", "en")}


def day(when: date) -> Text:
    return {"fr": f"{when:%d/%m/%Y}", "en": f"{when:%Y-%m-%d}"}
