"""Headers (CSP), the TOTP second factor, and sign-in throttling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pyotp
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from dentsec.server.console.models import FailedLogin, Profile

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
                if path not in allowed and not path.startswith(_OPEN_PREFIXES):
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


def throttled(username: str, ip: str | None) -> bool:
    since = timezone.now() - THROTTLE_WINDOW
    recent = FailedLogin.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= MAX_FAILS_PER_USER:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= MAX_FAILS_PER_IP


def note_failure(username: str, ip: str | None) -> None:
    FailedLogin.objects.create(username=username.lower()[:150], ip=ip)
    FailedLogin.objects.filter(at__lt=timezone.now() - 4 * THROTTLE_WINDOW).delete()


def clear_failures(username: str, ip: str | None) -> None:
    FailedLogin.objects.filter(Q(username=username.lower())).delete()
