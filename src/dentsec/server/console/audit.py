"""Writing the audit log: one call per action worth tracing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from dentsec.server.console import proxies
from dentsec.server.console.models import AuditEvent, Device, Practice, Profile


def client_ip(request: HttpRequest | None) -> str | None:
    """The visitor's address, through the trusted proxies (settings.TRUSTED_PROXIES)."""
    if request is None:
        return None
    return proxies.client_address(request.META.get("REMOTE_ADDR"),
                                  request.META.get("HTTP_X_FORWARDED_FOR", ""),
                                  settings.TRUSTED_PROXIES)


def record(action: str, *, request: HttpRequest | None = None, actor: Any = None,
           practice: Practice | None = None, device: Device | None = None,
           provider_id: int | None = None, target: str = "") -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if device is not None and practice is None:
        practice = device.practice
    if provider_id is None:
        if practice is not None:
            provider_id = practice.provider_id
        elif actor is not None:
            profile = Profile.objects.filter(user=actor).first()
            provider_id = profile.provider_id if profile else None
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_username() if actor is not None else
                    (f"device:{device.name}" if device is not None else "")),
        device=device, practice=practice, provider_id=provider_id,
        action=action, target=target[:255], ip=client_ip(request))
