"""The practice console: a Django project (settings, urls) with one app, ``console``."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Point Django at our settings and load the apps (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dentsec.server.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
