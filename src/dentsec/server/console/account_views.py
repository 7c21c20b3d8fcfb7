"""Pages about people: one's own account (password, second factor, recovery codes), the
people a manager invites, and resets of a password or a second factor by a manager."""

from __future__ import annotations

from django.contrib import auth, messages
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dentsec.server.console import accounts, audit, security, tenancy
from dentsec.server.console.forms import PersonForm, SetPasswordForm
from dentsec.server.console.models import (
    ROLE_PROVIDER_ADMIN,
    ROLE_STAFF,
    ROLES_WITH_TOTP,
    AccountLink,
    Profile,
)
from dentsec.server.console.views import managers_only, signed_in_user, with_profile


@with_profile
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest, profile: Profile) -> HttpResponse:
    """Change one's password; see and manage one's second factor."""
    user = signed_in_user(request)
    if user is None:
        raise Http404
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        auth.update_session_auth_hash(request, form.user)  # stay signed in here only
        audit.record("password.change", request=request, **accounts.journal_scope(profile))
        messages.success(request, _("Mot de passe changé."))
        return redirect("console:account")
    return render(request, "console/account.html", {
        "form": form, "profile": profile, "totp_required": profile.role in ROLES_WITH_TOTP,
        "codes_left": security.recovery_codes_left(profile)})


@with_profile
@require_POST
def new_recovery_codes(request: HttpRequest, profile: Profile) -> HttpResponse:
    if not profile.totp_confirmed:
        raise Http404
    audit.record("totp.recovery-codes", request=request, **accounts.journal_scope(profile))
    return render(request, "console/recovery_codes.html",
                  {"codes": security.new_recovery_codes(profile)})


@with_profile
@require_POST
def reset_own_totp(request: HttpRequest, profile: Profile) -> HttpResponse:
    """A new phone (or, for staff, turning the second factor off): start again."""
    accounts.reset_totp(profile)
    audit.record("totp.reset", request=request, target=request.user.get_username(),
                 **accounts.journal_scope(profile))
    if profile.role in ROLES_WITH_TOTP:
        return redirect("console:totp-setup")
    messages.success(request, _("Double authentification désactivée."))
    return redirect("console:account")


def _person(profile: Profile, person_id: int) -> Profile:
    """Someone this profile may reset; 404 for anyone else (outside the tenant too)."""
    target: Profile = tenancy.get_or_404(tenancy.people(profile).select_related("user"),
                                         person_id)
    if not accounts.can_manage_person(profile, target):
        raise Http404
    return target


def _link_page(request: HttpRequest, target: Profile, link: accounts.Link) -> HttpResponse:
    url = request.build_absolute_uri(reverse("console:link", args=[link.token]))
    return render(request, "console/link_created.html",
                  {"person": target, "url": url, "link": link.link})


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
        member = accounts.create_member(data["practice"], data["username"], None,
                                        data["role"], data.get("email") or "")
        link = accounts.new_link(member.user, AccountLink.PURPOSE_INVITE, signed_in_user(request))
        audit.record("person.invite", request=request, practice=data["practice"],
                     target=f"{member.user.username} ({member.role})")
        return _link_page(request, member, link)
    people = (tenancy.people(profile).select_related("user", "practice")
              .order_by("practice__name", "user__username"))
    return render(request, "console/people.html", {
        "form": form,
        "people": [(p, accounts.can_manage_person(profile, p)) for p in people]})


@with_profile
@managers_only
@require_POST
def reset_password(request: HttpRequest, profile: Profile, person_id: int) -> HttpResponse:
    target = _person(profile, person_id)
    link = accounts.reset_password(target, signed_in_user(request))
    audit.record("person.password-reset", request=request, practice=target.practice,
                 provider_id=target.provider_id, target=target.user.username)
    return _link_page(request, target, link)


@with_profile
@managers_only
@require_POST
def reset_totp(request: HttpRequest, profile: Profile, person_id: int) -> HttpResponse:
    target = _person(profile, person_id)
    accounts.reset_totp(target)
    audit.record("person.totp-reset", request=request, practice=target.practice,
                 provider_id=target.provider_id, target=target.user.username)
    messages.success(request, _("Double authentification de %(name)s réinitialisée : elle "
                                "la configurera à sa prochaine connexion.")
                     % {"name": target.user.username})
    return redirect("console:people")


@require_http_methods(["GET", "POST"])
def use_link(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding the link: choose one's password, once."""
    link = accounts.link_for(token)
    if link is None:
        return render(request, "console/link_invalid.html", status=404)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if accounts.use_link(link, form.cleaned_data["password"]):
            audit.record(f"link.{link.purpose}", actor=link.user, request=request,
                         **accounts.journal_scope(tenancy.profile_of(link.user)))
            if request.user.is_authenticated:
                auth.logout(request)
            messages.success(request, _("Mot de passe enregistré. Connectez-vous."))
            return redirect("console:login")
        return render(request, "console/link_invalid.html", status=404)
    return render(request, "console/link_use.html", {"form": form, "link": link})
