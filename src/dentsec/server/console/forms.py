"""Forms of the dashboard (labels in French, translated through Django i18n)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dentsec.server import firstrun
from dentsec.server.console import accounts, names
from dentsec.server.console.models import ROLE_PRACTICE_LEAD, ROLE_STAFF, Practice


def _refusal(exc: names.BadName) -> ValidationError:
    return ValidationError(exc.en if (get_language() or "fr").startswith("en") else exc.fr)


class NameField(forms.CharField):
    """A practice's or a device's name: no control or invisible character, bounded."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=names.NAME_MAX, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return names.checked_name(text)
        except names.BadName as exc:
            raise _refusal(exc) from None


class UsernameField(forms.CharField):
    """Letters, digits and . _ @ - only; unique whatever the letter case."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=names.USERNAME_MAX, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            text = names.checked_username(text)
        except names.BadName as exc:
            raise _refusal(exc) from None
        if accounts.username_taken(text):
            raise ValidationError(_("Cet identifiant existe déjà."))
        return text


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Identifiant"), max_length=150)
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.CharField(label=_("Code à 6 chiffres"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


class FirstRunForm(forms.Form):
    code = forms.CharField(label=_("Code de premier démarrage (affiché par « dentsec serve »)"),
                           max_length=40)
    organisation = NameField(label=_("Organisation (prestataire ou cabinet)"))
    username = UsernameField(label=_("Identifiant de l'administrateur"))
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Mot de passe (encore)"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code") and not firstrun.check_code(data["code"]):
            raise forms.ValidationError(_("Code de premier démarrage incorrect."))
        if data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("Les deux mots de passe diffèrent."))
        if data.get("password"):
            user = get_user_model()(username=data.get("username", ""))
            password_validation.validate_password(data["password"], user)
        return data


class PracticeForm(forms.Form):
    name = NameField(label=_("Nom du cabinet"))


class DeviceNameForm(forms.Form):
    name = NameField(label=_("Nom du poste"))


class TokenForm(forms.Form):
    days = forms.IntegerField(label=_("Valable (jours)"), min_value=1, max_value=90, initial=7)
    max_uses = forms.IntegerField(label=_("Nombre de postes"), min_value=1, max_value=100,
                                  initial=1)
    owner = forms.ModelChoiceField(label=_("Poste de (membre du personnel)"), required=False,
                                   queryset=get_user_model().objects.none())


class PersonForm(forms.Form):
    """An invitation: the person chooses their password through a one-time link."""

    username = UsernameField(label=_("Identifiant"))
    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=[
        (ROLE_PRACTICE_LEAD, _("responsable du cabinet")), (ROLE_STAFF, _("personnel"))])
    practice = forms.ModelChoiceField(label=_("Cabinet"), queryset=Practice.objects.none())


class SetPasswordForm(forms.Form):
    """Choosing one's password from a one-time link."""

    password = forms.CharField(label=_("Nouveau mot de passe"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nouveau mot de passe (encore)"),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("Les deux mots de passe diffèrent."))
        if data.get("password"):
            password_validation.validate_password(data["password"], self.user)
        return data
