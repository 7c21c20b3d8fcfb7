"""Creating people: the first administrator, practice leads, staff."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from dentsec.server.console.models import (
    ROLE_PROVIDER_ADMIN,
    ROLE_STAFF,
    Practice,
    Profile,
    Provider,
)


def first_run_needed() -> bool:
    return not Profile.objects.filter(role=ROLE_PROVIDER_ADMIN).exists()


@transaction.atomic
def create_admin(organisation: str, username: str, password: str,
                 email: str = "", provider: Provider | None = None) -> Profile:
    """A provider-admin, with a new provider organisation unless one is given."""
    if provider is None:
        provider = Provider.objects.create(name=organisation)
    user = User.objects.create_user(username=username, email=email, password=password)
    return Profile.objects.create(user=user, provider=provider, role=ROLE_PROVIDER_ADMIN)


@transaction.atomic
def create_member(practice: Practice, username: str, password: str, role: str = ROLE_STAFF,
                  email: str = "") -> Profile:
    user = User.objects.create_user(username=username, email=email, password=password)
    return Profile.objects.create(user=user, provider=practice.provider, practice=practice,
                                  role=role)
