"""ASGI entry point for production servers (``uvicorn dentsec.server.asgi:application``)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dentsec.server.settings")
application = get_asgi_application()
