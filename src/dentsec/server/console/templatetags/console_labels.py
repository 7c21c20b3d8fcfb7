"""Words for the values reports carry in English (severity, status), in the page's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {
    "critical": _("critique"), "high": _("élevée"), "medium": _("moyenne"), "low": _("faible"),
    "fail": _("à corriger"), "warn": _("à surveiller"), "unknown": _("inconnu"),
    "pass": _("conforme"), "na": _("sans objet"),
    # the agent that reports a device (Device.agent_kind)
    "python": _("agent Python"), "powershell": _("agent PowerShell"),
    "shell": _("agent shell (macOS)"),
    # -- procedures (issue 14) --
    "practitioner": _("praticien"), "manager": _("responsable"),
    "assistant": _("assistant(e)"), "other": _("autre"),
    "active": _("actif"), "disabled": _("désactivé"), "removed": _("supprimé"),
    "named-account": _("compte nominatif sur chaque poste utilisé"),
    "not-admin": _("pas de droits d'administrateur (sauf responsable du cabinet)"),
    "password-generated": _("mot de passe créé avec « dentsec password generate »"),
    "applications": _("comptes des applications créés avec le moins de droits"),
    "awareness": _("formation de sensibilisation attribuée"),
    "device-account": _("compte du poste"), "application": _("compte d'application"),
    "shared-password": _("mot de passe partagé"), "enrollment-token": _("jeton d'inscription"),
    "waiting": _("en attente d'approbation"), "planned": _("prévu"), "running": _("en cours"),
    "done": _("fait"), "not-done": _("pas fait"), "not-reverted": _("pas remis en état"),
    "open": _("ouvrir"), "close": _("fermer"),
}


@register.filter
def label(value: str) -> str:
    return str(LABELS.get(value, value))


def _span(seconds: int) -> str:
    days = seconds // 86400
    if days >= 365:
        n = days // 365
        return ngettext("%(n)d an", "%(n)d ans", n) % {"n": n}
    if days:
        return ngettext("%(n)d jour", "%(n)d jours", days) % {"n": days}
    if seconds >= 3600:
        n = seconds // 3600
        return ngettext("%(n)d heure", "%(n)d heures", n) % {"n": n}
    n = seconds // 60
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


@register.filter
def clock(offset: int | None) -> str:
    """A device clock's offset (seconds ahead of the server) in words."""
    if offset is None:
        return gettext("inconnue")
    if abs(offset) < 120:
        return gettext("à l'heure")
    if offset > 0:
        return gettext("en avance de %(span)s") % {"span": _span(offset)}
    return gettext("en retard de %(span)s") % {"span": _span(-offset)}
