from __future__ import annotations

from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "dentsec.server.console"
    label = "console"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "dentsec"
