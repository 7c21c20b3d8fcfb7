"""Dashboard pages. Every object is fetched through :mod:`tenancy` (404 outside the tenant)."""

from __future__ import annotations

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
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from dentsec.fix.model import FIXABLE
from dentsec.server import firstrun
from dentsec.server.console import (
    accounts,
    alerts,
    audit,
    dashboard,
    exceptions_risk,
    fix_requests,
    ingest,
    overview,
    questionnaire,
    security,
    spreadsheet,
    tenancy,
)
from dentsec.server.console.forms import (
    FirstRunForm,
    LoginForm,
    PracticeForm,
    TokenForm,
    TotpForm,
)
from dentsec.server.console.models import (
    ROLE_PRACTICE_LEAD,
    ROLE_PROVIDER_ADMIN,
    ROLE_STAFF,
    ROLES_WITH_TOTP,
    Practice,
    Profile,
    revoke,
)

View = Callable[..., HttpResponse]


def signed_in_user(request: HttpRequest) -> User | None:
    """The signed-in account; None for an anonymous request."""
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
        # Failures go to the Journal of the account's provider (and practice).
        scope = accounts.journal_scope(accounts.find_profile(username))
        if security.throttled(username, ip):
            form.add_error(None, _("Trop d'essais. Réessayez dans 15 minutes."))
            audit.record("login.throttled", request=request, target=username[:150], **scope)
            status = 429
        else:
            user = auth.authenticate(request, username=accounts.stored_username(username),
                                     password=form.cleaned_data["password"])
            if user is None:
                security.note_failure(username, ip)
                audit.record("login.fail", request=request, target=username[:150], **scope)
                form.add_error(None, _("Identifiant ou mot de passe incorrect."))
                status = 401
            else:
                auth.login(request, user)
                audit.record("login.ok", request=request, actor=user)
                profile = tenancy.profile_of(user)
                if profile is not None and profile.needs_totp:
                    return redirect("console:totp")
                security.clear_failures(username, ip)
                return redirect("console:home")
    return render(request, "console/login.html", {"form": form}, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record("logout", request=request)
    auth.logout(request)
    return redirect("console:login")


def _second_factor_passed(request: HttpRequest, username: str, ip: str | None,
                          action: str) -> None:
    request.session.cycle_key()
    request.session[security.SESSION_OTP_KEY] = True
    security.clear_failures(username, ip)
    audit.record(action, request=request)


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
        code = form.cleaned_data["code"]
        if security.throttled(username, ip):
            form.add_error(None, _("Trop d'essais. Réessayez dans 15 minutes."))
            status = 429
        elif security.looks_like_recovery_code(code) and security.use_recovery_code(profile,
                                                                                     code):
            _second_factor_passed(request, username, ip, "totp.recovery")
            left = security.recovery_codes_left(profile)
            messages.warning(request, ngettext(
                "Code de secours accepté. Il vous en reste %(n)d : si vous avez perdu votre "
                "téléphone, réactivez la double authentification depuis « Mon compte ».",
                "Code de secours accepté. Il vous en reste %(n)d : si vous avez perdu votre "
                "téléphone, réactivez la double authentification depuis « Mon compte ».",
                left) % {"n": left})
            return redirect("console:home")
        elif security.verify_totp(profile, code):
            _second_factor_passed(request, username, ip, "totp.ok")
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
            # Shown once, now: the way back in if the phone is lost.
            return render(request, "console/recovery_codes.html",
                          {"codes": security.new_recovery_codes(profile)})
        form.add_error(None, _("Code incorrect."))
    return render(request, "console/totp_setup.html",
                  {"form": form, "secret": profile.totp_secret,
                   "required": profile.role in ROLES_WITH_TOTP})


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
    devices = tenancy.active_devices(profile).filter(practice=obj)
    latest = dashboard.latest_reports(devices)
    scores = dashboard.named_rule_scores(devices)
    return render(request, "console/practice.html", {
        "practice": obj, "scores": scores, "n_devices": devices.count(),
        "fixes": dashboard.top_fixes(latest),
        "stale": devices.filter(Q(last_seen__lt=dashboard.stale_before())
                                | Q(last_seen=None)).count(),
        # --- history, alerts, monthly reports (issue 13b) ---
        **overview.practice_trend(devices),
        "open_alerts": alerts.counts(
            tenancy.alerts(profile).filter(practice=obj),
            timezone.now())[alerts.STATE_OPEN],
        "monthly_reports": obj.monthly_reports.defer("pdf")[:12],
        # --- declared findings from the questionnaire (issue 15) ---
        "declared": questionnaire.findings(obj), "unanswered": questionnaire.unanswered(obj),
    })


def _device_rows(request: HttpRequest, profile: Profile,
                 practice: Practice | None) -> HttpResponse:
    devices = tenancy.devices(profile)
    if practice is not None:
        devices = devices.filter(practice=practice)
    archived = request.GET.get("archives") == "1"
    return render(request, "console/devices.html", {
        "practice": practice, "archived": archived,
        "devices": devices.filter(archived_at__isnull=not archived).select_related("practice"),
        "n_archived": devices.exclude(archived_at=None).count(),
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
    """The practice's devices for a spreadsheet (see spreadsheet.py), times in local time."""
    obj = _practice(profile, practice_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dentsec-{obj.pk}.csv"'
    header = [_("Poste"), _("Dernier contact"), _("Système"), _("Fin de support"),
              _("Score"), _("Problèmes critiques"), _("État")]
    rows = ([d.name,
             timezone.localtime(d.last_seen).strftime("%d/%m/%Y %H:%M") if d.last_seen else "",
             f"{d.os_name} {d.os_version}".strip(),
             d.os_eol.strftime("%d/%m/%Y") if d.os_eol else "", d.score, d.critical_count,
             _("révoqué") if d.revoked_at else _("actif")]
            for d in tenancy.devices(profile).filter(practice=obj, archived_at=None))
    spreadsheet.write(response, header, rows)
    audit.record("practice.export", request=request, practice=obj, target=obj.name)
    return response


@with_profile
def device(request: HttpRequest, profile: Profile, device_id: int) -> HttpResponse:
    obj = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"), device_id)
    report = obj.current_report
    findings = overview.sorted_findings(report.findings if report is not None else [])
    show = request.GET.get("show", "problems")
    if show != "all":
        findings = [f for f in findings if f["status"] in ("fail", "warn", "unknown")]
    findings = exceptions_risk.mark_accepted(obj, findings)  # issue 14: accepted risks
    return render(request, "console/device.html", {
        "device": obj, "report": report, "findings": findings, "show": show,
        "history": obj.reports.defer("body")[:30],
        **overview.device_lead(obj, report),  # issue 13b: five fixes, new, charts
        # --- declared findings about this workstation (issue 15) ---
        "declared": questionnaire.findings(obj.practice, device=obj),
        "unanswered": questionnaire.unanswered(obj.practice, device=obj),
        # --- fixes asked from the console (issue 16) ---
        "fix_requests": fix_requests.for_page(obj)})


@with_profile
def fix(request: HttpRequest, profile: Profile, device_id: int, check_id: str) -> HttpResponse:
    """One problem on one device: what to do (practice steps, IT steps), and where else."""
    obj = tenancy.get_or_404(tenancy.devices(profile).select_related("practice"), device_id)
    report = obj.current_report
    finding = next((f for f in (report.findings if report else []) if f["id"] == check_id),
                   None)
    if finding is None:
        raise Http404
    others = []
    scope = tenancy.active_devices(profile).filter(practice=obj.practice).exclude(pk=obj.pk)
    for other in dashboard.latest_reports(scope):
        if any(f["id"] == check_id and f["status"] == "fail" for f in other.findings):
            others.append(other.device)
    # issue 16: ask the workstation to apply the fix at its next run
    offer = fix_requests.offer(obj, check_id)
    return render(request, "console/fix.html", {
        "device": obj, "finding": finding, "others": others, "fix_offer": offer,
        "why_not": fix_requests.WHY_NOT.get(offer.why_not, ""),
        "fixable": finding["status"] in FIXABLE,
        "fix_requests": fix_requests.for_page(obj, check_id)})


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
        token, new_token = ingest.create_token(obj, by=signed_in_user(request), days=data["days"],
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
def audit_log(request: HttpRequest, profile: Profile) -> HttpResponse:
    page = Paginator(tenancy.audit_events(profile).select_related("practice"), 100)
    return render(request, "console/audit.html",
                  {"page": page.get_page(request.GET.get("page"))})
