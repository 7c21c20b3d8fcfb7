"""Every query of the dashboard and the API starts here, scoped to the user's tenant.

Provider-admins see their provider's practices; practice-leads their practice; staff
only the devices they own. An object outside that scope is simply not found (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from dentsec.server.console.fix_request_models import FixRequest
from dentsec.server.console.models import (
    ROLE_PRACTICE_LEAD,
    ROLE_PROVIDER_ADMIN,
    ROLE_STAFF,
    Alert,
    AuditEvent,
    Device,
    EnrollmentToken,
    Practice,
    Profile,
    Report,
)
from dentsec.server.console.procedure_models import (
    AcceptedRisk,
    Person,
    PlannedChange,
    RevocationItem,
)


def profile_of(user: Any) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        profile = getattr(user, "profile", None)
    except Profile.DoesNotExist:
        return None
    return profile if isinstance(profile, Profile) else None


def practices(profile: Profile) -> QuerySet[Practice]:
    if profile.role == ROLE_PROVIDER_ADMIN:
        return Practice.objects.filter(provider_id=profile.provider_id)
    if profile.role == ROLE_PRACTICE_LEAD and profile.practice_id is not None:
        return Practice.objects.filter(pk=profile.practice_id,
                                       provider_id=profile.provider_id)
    return Practice.objects.none()


def devices(profile: Profile) -> QuerySet[Device]:
    if profile.role == ROLE_PROVIDER_ADMIN:
        return Device.objects.filter(practice__provider_id=profile.provider_id)
    if profile.practice_id is None:
        return Device.objects.none()
    if profile.role == ROLE_PRACTICE_LEAD:
        return Device.objects.filter(practice_id=profile.practice_id,
                                     practice__provider_id=profile.provider_id)
    if profile.role == ROLE_STAFF:
        return Device.objects.filter(owner_id=profile.user_id,
                                     practice_id=profile.practice_id)
    return Device.objects.none()


def active_devices(profile: Profile) -> QuerySet[Device]:
    """The devices that count: revoked ones leave every figure, fix list and alert (their
    page and history stay readable through ``devices``)."""
    return devices(profile).filter(revoked_at=None)


def reports(profile: Profile) -> QuerySet[Report]:
    return Report.objects.filter(device__in=devices(profile))


def tokens(profile: Profile) -> QuerySet[EnrollmentToken]:
    return EnrollmentToken.objects.filter(practice__in=practices(profile))


def alerts(profile: Profile) -> QuerySet[Alert]:
    return Alert.objects.filter(device__in=active_devices(profile))


def people(profile: Profile) -> QuerySet[Profile]:
    """Profiles this user may see and manage."""
    if profile.role == ROLE_PROVIDER_ADMIN:
        return Profile.objects.filter(provider_id=profile.provider_id)
    if profile.role == ROLE_PRACTICE_LEAD and profile.practice_id is not None:
        return Profile.objects.filter(provider_id=profile.provider_id,
                                      practice_id=profile.practice_id)
    return Profile.objects.filter(pk=profile.pk)


def audit_events(profile: Profile) -> QuerySet[AuditEvent]:
    if profile.role == ROLE_PROVIDER_ADMIN:
        return AuditEvent.objects.filter(provider_id=profile.provider_id)
    if profile.role == ROLE_PRACTICE_LEAD:
        return AuditEvent.objects.filter(
            Q(practice_id=profile.practice_id) & Q(provider_id=profile.provider_id))
    return AuditEvent.objects.none()


def can_manage(profile: Profile) -> bool:
    """Create tokens, see the practice overview, manage people."""
    return profile.role in (ROLE_PROVIDER_ADMIN, ROLE_PRACTICE_LEAD)


def get_or_404(qs: QuerySet[Any], pk: object) -> Any:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- procedures (issue 14): managers of the practice only --------------------------------

def persons(profile: Profile) -> QuerySet[Person]:
    return Person.objects.filter(practice__in=practices(profile))


def accepted_risks(profile: Profile) -> QuerySet[AcceptedRisk]:
    return AcceptedRisk.objects.filter(practice__in=practices(profile))


def planned_changes(profile: Profile) -> QuerySet[PlannedChange]:
    return PlannedChange.objects.filter(practice__in=practices(profile))


def revocation_items(profile: Profile) -> QuerySet[RevocationItem]:
    return RevocationItem.objects.filter(departure__person__practice__in=practices(profile))


# --- fixes asked from the console (issue 16) -------------------------------------------

def fix_requests(profile: Profile) -> QuerySet[FixRequest]:
    return FixRequest.objects.filter(device__in=devices(profile))
