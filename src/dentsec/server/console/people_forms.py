"""Forms of the incident reflexes (issue 15): the practice's contacts, an incident."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dentsec.server.console.models import Incident, ReflexContacts


class ContactsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReflexContacts
        fields = ["decider", "it_provider", "insurer", "software_vendor"]
        labels = {"decider": _("Qui décide (nom, téléphone)"),
                  "it_provider": _("Prestataire informatique (nom, téléphone)"),
                  "insurer": _("Assurance cyber (contrat, téléphone)"),
                  "software_vendor": _("Éditeur du logiciel du cabinet (téléphone)")}


class IncidentForm(forms.ModelForm):  # type: ignore[type-arg]
    happened_at = forms.DateTimeField(
        label=_("Quand"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    cnil_notified = forms.TypedChoiceField(
        label=_("Notifié à la CNIL ?"), coerce=lambda v: v == "oui",
        choices=[("oui", _("oui")), ("non", _("non"))], widget=forms.RadioSelect)

    class Meta:
        model = Incident
        fields = ["happened_at", "what", "who_told", "cnil_notified", "cnil_why"]
        labels = {"what": _("Ce qui s'est passé"),
                  "who_told": _("Qui a été prévenu (prestataire, assurance, 17Cyber…)"),
                  "cnil_why": _("Pourquoi (notifié ou non)")}
        widgets = {"what": forms.Textarea(attrs={"rows": 3}),
                   "who_told": forms.Textarea(attrs={"rows": 2}),
                   "cnil_why": forms.Textarea(attrs={"rows": 2})}
