"""People: the first administrator, practice leads, staff; who may reset whom; one-time
links to choose a password (invitations and resets).

A password is never typed by someone else nor e-mailed: a manager gets a link, shown once,
that the person opens to choose their own. The same rule says who may reset a password and
who may reset a second factor (``can_manage_person``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from dentsec.server.console import credentials, names
from dentsec.server.console.models import (
    ROLE_PRACTICE_LEAD,
    ROLE_PROVIDER_ADMIN,
    ROLE_STAFF,
    AccountLink,
    Practice,
    Profile,
    Provider,
    RecoveryCode,
)

LINK_VALID = {AccountLink.PURPOSE_INVITE: timedelta(days=7),
              AccountLink.PURPOSE_RESET: timedelta(days=2)}


def first_run_needed() -> bool:
    return not Profile.objects.filter(role=ROLE_PROVIDER_ADMIN).exists()


def username_taken(username: str) -> bool:
    """Case-insensitive: « Docteur » and « docteur » cannot both exist."""
    return User.objects.filter(username__iexact=username.strip()).exists()


def stored_username(typed: str) -> str:
    """The account's user name as stored, for a sign-in typed in another letter case
    (« Docteur » for « docteur »); unchanged when nothing, or more than one account from
    before names were unique, matches."""
    typed = typed.strip()
    if User.objects.filter(username=typed).exists():
        return typed
    found = list(User.objects.filter(username__iexact=typed).values_list("username",
                                                                         flat=True)[:2])
    return found[0] if len(found) == 1 else typed


def find_profile(username: str) -> Profile | None:
    """The account a sign-in attempt is about, whatever the letter case typed."""
    return (Profile.objects.select_related("practice")
            .filter(user__username__iexact=username.strip()).first())


def journal_scope(profile: Profile | None) -> dict[str, Any]:
    """Where an event about this account belongs in the Journal (audit.record kwargs)."""
    if profile is None:
        return {}
    return {"provider_id": profile.provider_id, "practice": profile.practice}


def _new_user(username: str, password: str | None, email: str) -> User:
    username = names.checked_username(username)
    if username_taken(username):
        raise names.BadName("Cet identifiant existe déjà.", "This user name already exists.")
    user = User.objects.create_user(username=username, email=email, password=password)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def create_admin(organisation: str, username: str, password: str,
                 email: str = "", provider: Provider | None = None) -> Profile:
    """A provider-admin, with a new provider organisation unless one is given."""
    if provider is None:
        provider = Provider.objects.create(name=names.checked_name(organisation))
    user = _new_user(username, password, email)
    return Profile.objects.create(user=user, provider=provider, role=ROLE_PROVIDER_ADMIN)


@transaction.atomic
def create_member(practice: Practice, username: str, password: str | None,
                  role: str = ROLE_STAFF, email: str = "") -> Profile:
    """A lead or a staff member; without a password, they choose it through an invitation
    link (``new_link``)."""
    user = _new_user(username, password, email)
    return Profile.objects.create(user=user, provider=practice.provider, practice=practice,
                                  role=role)


def can_manage_person(actor: Profile, target: Profile) -> bool:
    """Reset a password or a second factor: a provider-admin for anyone of the provider
    but themselves, a practice lead for their practice's staff. Nobody else."""
    if actor.pk == target.pk or actor.provider_id != target.provider_id:
        return False
    if actor.role == ROLE_PROVIDER_ADMIN:
        return True
    return (actor.role == ROLE_PRACTICE_LEAD and target.role == ROLE_STAFF
            and actor.practice_id is not None and target.practice_id == actor.practice_id)


@dataclass(frozen=True)
class Link:
    link: AccountLink
    token: str


def new_link(user: User, purpose: str, by: User | None) -> Link:
    """A one-time link; the clear token is returned once and only its digest is kept. An
    older unused link of the same person stops working."""
    with transaction.atomic():
        AccountLink.objects.filter(user=user, used_at=None).update(used_at=timezone.now())
        token = credentials.new_link_token()
        link = AccountLink.objects.create(
            user=user, purpose=purpose, token_hash=credentials.digest(token), created_by=by,
            expires_at=timezone.now() + LINK_VALID[purpose])
    return Link(link, token)


def reset_password(target: Profile, by: User | None) -> Link:
    """The old password stops working now (and every open session with it)."""
    user = target.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return new_link(user, AccountLink.PURPOSE_RESET, by)


def link_for(token: str) -> AccountLink | None:
    """The link of this token if it can still be used."""
    if not token.startswith(credentials.LINK_PREFIX) or len(token) > 100:
        return None
    link = (AccountLink.objects.select_related("user")
            .filter(token_hash=credentials.digest(token)).first())
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link


def use_link(link: AccountLink, password: str) -> bool:
    """Set the password once; False when the link was spent meanwhile."""
    with transaction.atomic():
        spent = AccountLink.objects.filter(pk=link.pk, used_at=None).update(
            used_at=timezone.now())
        if not spent:
            return False
        user = link.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    return True


def reset_totp(target: Profile) -> None:
    """The second factor and its recovery codes are forgotten: a role that needs one sets
    it up again at the next sign-in, staff go without until they turn it on."""
    with transaction.atomic():
        RecoveryCode.objects.filter(profile=target).delete()
        Profile.objects.filter(pk=target.pk).update(totp_secret="", totp_confirmed=False)
    target.totp_secret = ""
    target.totp_confirmed = False
