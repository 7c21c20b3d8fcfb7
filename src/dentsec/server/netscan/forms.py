from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dentsec.server.console.models import Device


class PlanForm(forms.Form):
    targets = forms.CharField(
        label=_("Adresses, réseaux ou noms à scanner (un par ligne)"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "192.168.1.0/24"}))
    device = forms.ModelChoiceField(label=_("Poste qui lance le scan"),
                                    queryset=Device.objects.none())
    ports = forms.CharField(label=_("Ports (top, all ou une liste)"), max_length=200,
                            initial="top")
    allow_public = forms.BooleanField(
        label=_("Les adresses publiques de la liste sont celles du cabinet"), required=False)

    def __init__(self, *args: Any, devices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices  # type: ignore[attr-defined]
