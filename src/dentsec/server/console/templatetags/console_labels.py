"""Words for the values reports carry in English (severity, status), in the page's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {
    "critical": _("critique"), "high": _("élevée"), "medium": _("moyenne"), "low": _("faible"),
    "fail": _("à corriger"), "warn": _("à surveiller"), "unknown": _("inconnu"),
    "pass": _("conforme"), "na": _("sans objet"),
}


@register.filter
def label(value: str) -> str:
    return str(LABELS.get(value, value))
