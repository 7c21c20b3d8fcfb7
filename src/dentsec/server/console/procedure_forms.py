"""Forms of the procedure pages (labels in French, translated through Django i18n)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from dentsec.checks.catalog import load_catalog
from dentsec.server.console import checks
from dentsec.server.console.forms import NameField
from dentsec.server.console.models import Device, Practice

DATE = forms.DateInput(attrs={"type": "date"})


class PersonForm(forms.Form):
    name = NameField(label=_("Nom"))
    role = forms.ChoiceField(label=_("Rôle"), choices=[
        ("practitioner", _("praticien")), ("manager", _("responsable")),
        ("assistant", _("assistant(e)")), ("other", _("autre"))])
    start_date = forms.DateField(label=_("Date d'arrivée"), widget=DATE)


class ConsoleUserForm(forms.Form):
    """Which console account is this person's (their departure lists their tokens)."""

    user = forms.ModelChoiceField(label=_("Son compte sur la console"), required=False,
                                  queryset=User.objects.none(),
                                  empty_label=_("aucun (pas de compte)"))

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(profile__practice=practice).order_by("username")


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Application (logiciel du cabinet, imagerie, webmail…)"),
                           max_length=200)
    password_set_on = forms.DateField(label=_("Mot de passe défini le"), required=False,
                                      widget=DATE)


class DepartureForm(forms.Form):
    leaving_date = forms.DateField(label=_("Date de départ"), widget=DATE)
    shared_passwords = forms.CharField(
        label=_("Mots de passe partagés qu'elle connaissait (un par ligne, titres seulement)"),
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RiskForm(forms.Form):
    device: forms.ModelChoiceField[Device] = forms.ModelChoiceField(
        label=_("Poste (vide : tout le cabinet)"), queryset=None,
                                    required=False)
    check_id = forms.ChoiceField(label=_("Contrôle"), choices=[])
    reason = forms.CharField(label=_("Raison"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("Qui porte le risque"), max_length=200)
    expires_on = forms.DateField(label=_("Échéance (12 mois au plus)"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["check_id"].choices = [  # type: ignore[attr-defined]
            (check_id, f"{checks.title(check_id)} ({check_id})")
            for check_id in sorted(load_catalog())]


class PlannedChangeForm(forms.Form):
    device: forms.ModelChoiceField[Device] = forms.ModelChoiceField(label=_("Poste"),
                                                                    queryset=None)
    proto = forms.ChoiceField(label=_("Protocole"), choices=[("tcp", "tcp"), ("udp", "udp")])
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535)
    action = forms.ChoiceField(label=_("Changement"), choices=[
        ("open", _("ouvrir")), ("close", _("fermer"))])
    requested_by = forms.CharField(label=_("Demandé par"), max_length=200)
    reason = forms.CharField(label=_("Pourquoi"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("Du"), widget=DATE)
    ends_on = forms.DateField(label=_("Au"), widget=DATE)

    def clean(self) -> dict[str, object] | None:
        data = super().clean()
        if data and data.get("starts_on") and data.get("ends_on") and \
                data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("La fin doit suivre le début."))
        return data


class RenewalForm(forms.Form):
    renewal_days = forms.IntegerField(label=_("Renouveler les mots de passe tous les (jours)"),
                                      min_value=30, max_value=730)
    renewal_scope = forms.ChoiceField(label=_("Pour"), choices=[
        ("all", _("tous les comptes (le guide : tous les 6 mois)")),
        ("admins", _("les administrateurs seulement (avis de la CNIL, 2022)"))])
