"""Headers (CSP), the TOTP second factor and its recovery codes, and sign-in throttling."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

import pyotp
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from dentsec.server.console import credentials, proxies
from dentsec.server.console.models import FailedLogin, Profile, RecoveryCode

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SESSION_OTP_KEY = "dentsec_otp_ok"
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILS_PER_USER = 5
MAX_FAILS_PER_IP = 30
TOTP_ISSUER = "dentsec"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def otp_passed(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_OTP_KEY))


# Paths a signed-in user may reach before passing the second factor.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/v1/agent/", "/api/v1/enroll")
_LINK_PREFIX = "/compte/lien/"  # a one-time password link is for whoever holds it


class SecondFactorMiddleware:
    """Provider-admins and practice-leads see nothing before their TOTP code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not otp_passed(request):
            profile = Profile.objects.filter(user=user).first()
            if profile is None or profile.needs_totp:
                path = request.path
                allowed = {reverse("console:totp"), reverse("console:totp-setup"),
                           reverse("console:logout"), reverse("console:totp-qr")}
                if (path not in allowed and not path.startswith(_OPEN_PREFIXES)
                        and not path.startswith(_LINK_PREFIX)):
                    if path.startswith("/api/"):
                        return JsonResponse({"detail": "second factor required"}, status=401)
                    return HttpResponseRedirect(reverse("console:totp"))
        return self.get_response(request)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(profile: Profile) -> str:
    return pyotp.TOTP(profile.totp_secret).provisioning_uri(
        name=profile.user.get_username(), issuer_name=TOTP_ISSUER)


def verify_totp(profile: Profile, code: str) -> bool:
    """Check a 6-digit code (±1 step) and refuse a code already used."""
    code = "".join(ch for ch in code if ch.isdigit())
    if not profile.totp_secret or len(code) != 6:
        return False
    totp = pyotp.TOTP(profile.totp_secret)
    now_step = int(timezone.now().timestamp()) // totp.interval
    for step in (now_step, now_step - 1, now_step + 1):
        if step <= profile.totp_last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            Profile.objects.filter(pk=profile.pk).update(totp_last_step=step)
            profile.totp_last_step = step
            return True
    return False


def _account(username: str) -> str:
    return username.strip().lower()[:150]


def throttled(username: str, ip: str | None) -> bool:
    """Sign-in refused for 15 minutes after 5 failures for this account *from this
    address range*, or 30 from this range for any account.

    Per range, not per account alone: failures from elsewhere must not lock the real
    user out (anyone could otherwise keep any account locked). ``ip`` is the client's
    address behind the trusted proxies (audit.client_ip).
    """
    since = timezone.now() - THROTTLE_WINDOW
    net = proxies.address_range(ip)
    recent = FailedLogin.objects.filter(at__gte=since, net=net)
    if recent.filter(username=_account(username)).count() >= MAX_FAILS_PER_USER:
        return True
    return bool(net) and recent.count() >= MAX_FAILS_PER_IP


def note_failure(username: str, ip: str | None) -> None:
    FailedLogin.objects.create(username=_account(username), ip=ip,
                               net=proxies.address_range(ip))
    FailedLogin.objects.filter(at__lt=timezone.now() - 4 * THROTTLE_WINDOW).delete()


def clear_failures(username: str, ip: str | None) -> None:
    """A complete sign-in (second factor included) forgives that range's failures."""
    FailedLogin.objects.filter(username=_account(username),
                               net=proxies.address_range(ip)).delete()


RECOVERY_CODES = 10
# No 0/o, 1/l/i: read from paper. 16 of 31 symbols: 79 random bits per code.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _recovery_digest(code: str) -> str:
    return credentials.digest("".join(ch for ch in code.lower() if ch.isalnum()))


def new_recovery_codes(profile: Profile) -> list[str]:
    """Ten fresh single-use codes (the old ones stop working); shown once, kept hashed."""
    codes = ["-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4))
                      for _ in range(4)) for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        RecoveryCode.objects.filter(profile=profile).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(profile=profile, code_hash=_recovery_digest(c)) for c in codes)
    return codes


def use_recovery_code(profile: Profile, code: str) -> bool:
    """Accept an unused recovery code once, in any letter case, with or without dashes."""
    if len(code) > 40:
        return False
    return bool(RecoveryCode.objects.filter(
        profile=profile, code_hash=_recovery_digest(code), used_at=None,
    ).update(used_at=timezone.now()))


def recovery_codes_left(profile: Profile) -> int:
    return RecoveryCode.objects.filter(profile=profile, used_at=None).count()


def looks_like_recovery_code(code: str) -> bool:
    return any(ch.isalpha() for ch in code)
