"""Forms of the dashboard (labels in French, translated through Django i18n)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from dentsec.server import firstrun
from dentsec.server.console.models import ROLE_PRACTICE_LEAD, ROLE_STAFF, Practice


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Identifiant"), max_length=150)
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.CharField(label=_("Code à 6 chiffres"), max_length=10,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


class FirstRunForm(forms.Form):
    code = forms.CharField(label=_("Code de premier démarrage (affiché par « dentsec serve »)"),
                           max_length=40)
    organisation = forms.CharField(label=_("Organisation (prestataire ou cabinet)"),
                                   max_length=200)
    username = forms.CharField(label=_("Identifiant de l'administrateur"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Mot de passe (encore)"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code") and not firstrun.check_code(data["code"]):
            raise forms.ValidationError(_("Code de premier démarrage incorrect."))
        if data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("Les deux mots de passe diffèrent."))
        if get_user_model().objects.filter(username=data.get("username")).exists():
            raise forms.ValidationError(_("Cet identifiant existe déjà."))
        if data.get("password"):
            user = get_user_model()(username=data.get("username", ""))
            password_validation.validate_password(data["password"], user)
        return data


class PracticeForm(forms.Form):
    name = forms.CharField(label=_("Nom du cabinet"), max_length=200)


class TokenForm(forms.Form):
    days = forms.IntegerField(label=_("Valable (jours)"), min_value=1, max_value=90, initial=7)
    max_uses = forms.IntegerField(label=_("Nombre de postes"), min_value=1, max_value=100,
                                  initial=1)
    owner = forms.ModelChoiceField(label=_("Poste de (membre du personnel)"), required=False,
                                   queryset=get_user_model().objects.none())


class PersonForm(forms.Form):
    username = forms.CharField(label=_("Identifiant"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=[
        (ROLE_PRACTICE_LEAD, _("responsable du cabinet")), (ROLE_STAFF, _("personnel"))])
    practice = forms.ModelChoiceField(label=_("Cabinet"), queryset=Practice.objects.none())
    password = forms.CharField(label=_("Mot de passe initial"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if get_user_model().objects.filter(username=data.get("username")).exists():
            raise forms.ValidationError(_("Cet identifiant existe déjà."))
        if data.get("password"):
            user = get_user_model()(username=data.get("username", ""))
            password_validation.validate_password(data["password"], user)
        return data
