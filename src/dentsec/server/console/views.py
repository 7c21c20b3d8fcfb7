"""Dashboard pages. Every object is fetched through :mod:`tenancy` (404 outside the tenant)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dentsec.server import firstrun
from dentsec.server.console import accounts, alerts, audit, dashboard, ingest, security, tenancy
from dentsec.server.console.forms import (
    FirstRunForm,
    LoginForm,
    PersonForm,
    PracticeForm,
    TokenForm,
    TotpForm,
)
from dentsec.server.console.models import (
    ROLE_PRACTICE_LEAD,
    ROLE_PROVIDER_ADMIN,
    ROLE_STAFF,
    Practice,
    Profile,
    revoke,
)
from dentsec.vocab import STATUS_ORDER

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def nav_context(request: HttpRequest) -> dict[str, Any]:
    profile = tenancy.profile_of(getattr(request, "user", None))
    return {"me": profile,
            "is_admin": profile is not None and profile.role == ROLE_PROVIDER_ADMIN,
            "can_manage": profile is not None and tenancy.can_manage(profile)}


def with_profile(view: View) -> View:
    """Signed in, with a profile; the profile is passed to the view."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        profile = tenancy.profile_of(request.user)
        if profile is None:
            raise PermissionDenied
        return view(request, profile, *args, **kwargs)

    return wrapper


def managers_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, profile: Profile, *args: Any, **kwargs: Any) -> HttpResponse:
        if not tenancy.can_manage(profile):
            raise Http404
        return view(request, profile, *args, **kwargs)

    return wrapper


# --- first run, sign-in, second factor ---------------------------------------------------

@require_http_methods(["GET", "POST"])
def first_run(request: HttpRequest) -> HttpResponse:
    if not accounts.first_run_needed():
        return redirect("console:login")
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = accounts.create_admin(data["organisation"], data["username"],
                                        data["password"], data.get("email") or "")
        firstrun.forget_code()
        audit.record("admin.create", request=request, actor=profile.user,
                     provider_id=profile.provider_id, target=profile.user.username)
        messages.success(request, _("Administrateur créé. Connectez-vous."))
        return redirect("console:login")
    return render(request, "console/first_run.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if accounts.first_run_needed():
        return redirect("console:first-run")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = audit.client_ip(request)
        if security.throttled(username, ip):
            form.add_error(None, _("Trop d'essais. Réessayez dans 15 minutes."))
            audit.record("login.throttled", request=request, target=username)
            status = 429
        else:
            user = auth.authenticate(request, username=username,
                                     password=form.cleaned_data["password"])
            if user is None:
                security.note_failure(username, ip)
                audit.record("login.fail", request=request, target=username)
                form.add_error(None, _("Identifiant ou mot de passe incorrect."))
                status = 401
            else:
                auth.login(request, user)
                audit.record("login.ok", request=request, actor=user)
                profile = tenancy.profile_of(user)
                if profile is not None and profile.needs_totp:
                    return redirect("console:totp")
                return redirect("console:home")
    return render(request, "console/login.html", {"form": form}, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record("logout", request=request)
    auth.logout(request)
    return redirect("console:login")


@login_required
@require_http_methods(["GET", "POST"])
def totp(request: HttpRequest) -> HttpResponse:
    profile = tenancy.profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    if not profile.totp_confirmed:
        return redirect("console:totp-setup")
    form = TotpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = request.user.get_username()
        ip = audit.client_ip(request)
        if security.throttled(username, ip):
            form.add_error(None, _("Trop d'essais. Réessayez dans 15 minutes."))
            status = 429
        elif security.verify_totp(profile, form.cleaned_data["code"]):
            request.session.cycle_key()
            request.session[security.SESSION_OTP_KEY] = True
            audit.record("totp.ok", request=request)
            return redirect("console:home")
        else:
            security.note_failure(username, ip)
            audit.record("totp.fail", request=request)
            form.add_error(None, _("Code incorrect."))
            status = 401
    return render(request, "console/totp.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    profile = tenancy.profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    if profile.totp_confirmed and not security.otp_passed(request):
        return redirect("console:totp")
    if not profile.totp_secret or not profile.totp_confirmed and request.method == "GET":
        profile.totp_secret = security.new_secret()
        profile.save(update_fields=["totp_secret"])
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if security.verify_totp(profile, form.cleaned_data["code"]):
            profile.totp_confirmed = True
            profile.save(update_fields=["totp_confirmed"])
            request.session.cycle_key()
            request.session[security.SESSION_OTP_KEY] = True
            audit.record("totp.setup", request=request)
            messages.success(request, _("Double authentification activée."))
            return redirect("console:home")
        form.add_error(None, _("Code incorrect."))
    return render(request, "console/totp_setup.html",
                  {"form": form, "secret": profile.totp_secret})


@login_required
def totp_qr(request: HttpRequest) -> HttpResponse:
    profile = tenancy.profile_of(request.user)
    if profile is None or not profile.totp_secret or (
            profile.totp_confirmed and not security.otp_passed(request)):
        raise Http404
    out = io.BytesIO()
    segno.make(security.provisioning_uri(profile), error="m").save(
        out, kind="svg", scale=5, xmldecl=False)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


# --- pages ---------------------------------------------------------------------------------

@with_profile
def home(request: HttpRequest, profile: Profile) -> HttpResponse:
    if profile.role == ROLE_PROVIDER_ADMIN:
        return redirect("console:provider")
    if profile.role == ROLE_PRACTICE_LEAD and profile.practice_id:
        return redirect("console:practice", practice_id=profile.practice_id)
    return redirect("console:my-devices")


@with_profile
@require_http_methods(["GET", "POST"])
def provider(request: HttpRequest, profile: Profile) -> HttpResponse:
    if profile.role != ROLE_PROVIDER_ADMIN:
        raise Http404
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        practice = Practice.objects.create(provider_id=profile.provider_id,
                                           name=form.cleaned_data["name"])
        audit.record("practice.create", request=request, practice=practice,
                     target=practice.name)
        return redirect("console:practice", practice_id=practice.pk)
    ranked = dashboard.ranked_practices(tenancy.practices(profile))
    page = Paginator(ranked, 50).get_page(request.GET.get("page"))
    return render(request, "console/provider.html", {"page": page, "form": form,
                                                     "provider": profile.provider})


def _practice(profile: Profile, practice_id: int) -> Practice:
    practice: Practice = tenancy.get_or_404(tenancy.practices(profile), practice_id)
    return practice


@with_profile
@managers_only
def practice(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    devices = tenancy.devices(profile).filter(practice=obj)
    points = dashboard.trend(devices)
    latest = dashboard.latest_reports(devices)
    scores = dashboard.named_rule_scores(devices)
    return render(request, "console/practice.html", {
        "practice": obj, "scores": scores, "n_devices": devices.count(),
        "trend": points, "trend_points": dashboard.trend_svg_points(points),
        "trend_line": " ".join(f"{x},{y}" for x, y, _ in dashboard.trend_svg_points(points)),
        "fixes": dashboard.top_fixes(latest),
        "stale": devices.filter(Q(last_seen__lt=dashboard.stale_before())
                                | Q(last_seen=None)).count(),
        "alerts": tenancy.alerts(profile).filter(practice=obj, resolved_at=None)[:10],
    })


def _device_rows(request: HttpRequest, profile: Profile,
                 practice: Practice | None) -> HttpResponse:
    devices = tenancy.devices(profile)
    if practice is not None:
        devices = devices.filter(practice=practice)
    return render(request, "console/devices.html", {
        "practice": practice, "devices": devices.select_related("practice"),
        "stale_before": dashboard.stale_before(), "today": timezone.localdate()})


@with_profile
def devices(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id) if tenancy.can_manage(profile) else None
    if obj is None:
        raise Http404
    return _device_rows(request, profile, obj)


@with_profile
def my_devices(request: HttpRequest, profile: Profile) -> HttpResponse:
    return _device_rows(request, profile, None)


@with_profile
@managers_only
def export_devices(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dentsec-{obj.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["device", "last_seen", "os", "os_eol", "score", "critical"])
    for d in tenancy.devices(profile).filter(practice=obj):
        writer.writerow([d.name, d.last_seen.isoformat() if d.last_seen else "",
                         f"{d.os_name} {d.os_version}".strip(),
                         d.os_eol.isoformat() if d.os_eol else "", d.score, d.critical_count])
    audit.record("practice.export", request=request, practice=obj, target=obj.name)
    return response


@with_profile
def device(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    obj = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"), device_id)
    report = obj.reports.order_by("-generated_at").first()
    findings = report.findings if report is not None else []
    order = {status: rank for rank, status in enumerate(STATUS_ORDER)}
    sev = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    findings = sorted(findings, key=lambda f: (order.get(f["status"], 9),
                                               sev.get(f["severity"], 9), f["id"]))
    show = request.GET.get("show", "problems")
    if show != "all":
        findings = [f for f in findings if f["status"] in ("fail", "warn", "unknown")]
    return render(request, "console/device.html", {
        "device": obj, "report": report, "findings": findings, "show": show,
        "history": obj.reports.defer("body")[:30]})


@with_profile
def fix(request: HttpRequest, profile: Profile, device_id: int, check_id: str) -> HttpResponse:
    """One problem on one device: what to do (practice steps, IT steps), and where else."""
    obj = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"), device_id)
    report = obj.reports.order_by("-generated_at").first()
    finding = next((f for f in (report.findings if report else []) if f["id"] == check_id),
                   None)
    if finding is None:
        raise Http404
    others = []
    scope = tenancy.devices(profile).filter(practice=obj.practice).exclude(pk=obj.pk)
    for other in dashboard.latest_reports(scope):
        if any(f["id"] == check_id and f["status"] == "fail" for f in other.findings):
            others.append(other.device)
    return render(request, "console/fix.html", {"device": obj, "finding": finding,
                                                 "others": others})


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, profile: Profile, practice_id: int) -> HttpResponse:
    obj = _practice(profile, practice_id)
    form = TokenForm(request.POST or None)
    staff = get_user_model().objects.filter(profile__practice=obj, profile__role=ROLE_STAFF)
    form.fields["owner"].queryset = staff  # type: ignore[attr-defined]
    new_token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, new_token = ingest.create_token(obj, by=_user(request), days=data["days"],
                                               max_uses=data["max_uses"], owner=data["owner"])
        audit.record("token.create", request=request, practice=obj, target=token.hint)
    context = {"practice": obj, "form": form, "new_token": new_token,
               "tokens": obj.tokens.all()[:50], "now": timezone.now(),
               "server_url": request.build_absolute_uri("/").rstrip("/")}
    template = "console/_tokens.html" if request.headers.get("HX-Request") else \
        "console/tokens.html"
    return render(request, template, context)


@with_profile
@managers_only
@require_POST
def revoke_token(request: HttpRequest, profile: Profile, token_id: int) -> HttpResponse:
    token = tenancy.get_or_404(tenancy.tokens(profile), token_id)
    if revoke(token):
        audit.record("token.revoke", request=request, practice=token.practice,
                     target=token.hint)
    return redirect("console:tokens", practice_id=token.practice_id)


@with_profile
@managers_only
@require_POST
def revoke_device(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    obj = tenancy.get_or_404(tenancy.devices(profile), device_id)
    if revoke(obj):
        audit.record("device.revoke", request=request, device=obj, target=obj.name)
    return redirect("console:device", device_id=obj.pk)


@with_profile
@managers_only
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, profile: Profile) -> HttpResponse:
    form = PersonForm(request.POST or None)
    form.fields["practice"].queryset = tenancy.practices(profile)  # type: ignore[attr-defined]
    if profile.role != ROLE_PROVIDER_ADMIN:
        form.fields["role"].choices = [(ROLE_STAFF, _("personnel"))]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = accounts.create_member(data["practice"], data["username"], data["password"],
                                        data["role"], data.get("email") or "")
        audit.record("person.create", request=request, practice=data["practice"],
                     target=f"{member.user.username} ({member.role})")
        messages.success(request, _("Compte créé."))
        return HttpResponseRedirect(reverse("console:people"))
    return render(request, "console/people.html", {
        "form": form,
        "people": tenancy.people(profile).select_related("user", "practice")
        .order_by("practice__name", "user__username")})


@with_profile
def alert_list(request: HttpRequest, profile: Profile) -> HttpResponse:
    rows = [(a, alerts.describe(a)) for a in
            tenancy.alerts(profile).select_related("device", "practice")[:200]]
    return render(request, "console/alerts.html", {"rows": rows})


@with_profile
@managers_only
def audit_log(request: HttpRequest, profile: Profile) -> HttpResponse:
    page = Paginator(tenancy.audit_events(profile).select_related("practice"), 100)
    return render(request, "console/audit.html",
                  {"page": page.get_page(request.GET.get("page"))})
