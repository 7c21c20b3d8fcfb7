"""404, 403, CSRF and 500 pages in the console's layout and language (JSON under /api/)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def _api(request: HttpRequest, status: int, code: str, fr: str, en: str) -> JsonResponse:
    lang = get_language() or "fr"
    return JsonResponse({"code": code, "detail": en if lang.startswith("en") else fr,
                         "fr": fr, "en": en}, status=status)


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "console/error.html", {"status": status, "title": title,
                                                  "text": text}, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api(request, 404, "not-found", "Introuvable.", "Not found.")
    return _page(request, 404, _("Page introuvable"),
                 _("Cette page n'existe pas, ou vous n'y avez pas accès avec ce compte."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api(request, 403, "forbidden", "Accès refusé.", "Access denied.")
    return _page(request, 403, _("Accès refusé"),
                 _("Votre compte ne permet pas d'ouvrir cette page."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api(request, 403, "csrf", "Requête refusée : jeton de sécurité (CSRF) absent "
                    "ou périmé.", "Request refused: missing or stale security (CSRF) token.")
    return _page(request, 403, _("Formulaire expiré"),
                 _("Pour votre sécurité, ce formulaire n'a pas été accepté (il a peut-être été "
                   "ouvert il y a longtemps, ou les cookies sont bloqués). Revenez à la page "
                   "précédente, rechargez-la, puis recommencez."))


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api(request, 500, "server-error", "Erreur du serveur : réessayez plus tard.",
                    "Server error: try again later.")
    title = _("Erreur du serveur")
    text = _("La console a rencontré un problème. Réessayez dans quelques minutes ; si cela "
             "continue, prévenez votre prestataire informatique.")
    try:
        return _page(request, 500, title, text)
    except Exception:  # noqa: BLE001 - the page itself failed (database down…): plainer
        log.exception("the error page could not be rendered with its context")
        body = loader.get_template("console/error.html").render(
            {"status": 500, "title": title, "text": text})
        return HttpResponse(body, status=500)
