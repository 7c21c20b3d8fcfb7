from __future__ import annotations

from django.apps import AppConfig


class NetscanConfig(AppConfig):
    name = "dentsec.server.netscan"
    label = "netscan"
    default_auto_field = "django.db.models.BigAutoField"
