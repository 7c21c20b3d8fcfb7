"""`dentsec serve` (the embedded console) and `dentsec server …` (administration)."""

from __future__ import annotations

import ipaddress
import os
import sys
import threading

import click

from dentsec.console import handle_errors, lang_option
from dentsec.errors import DentsecError
from dentsec.i18n import tr

ALERT_SWEEP_SECONDS = 3600


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _django(host: str | None = None) -> None:
    """Set up Django; plain-HTTP cookies are allowed only on the loopback address."""
    if host is not None and _is_loopback(host):
        os.environ.setdefault("DENTSEC_SECURE_COOKIES", "0")
    from dentsec.server import setup_django

    setup_django()


def _migrate() -> None:
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        raise DentsecError(f"base de données inaccessible : {exc}",
                           f"database unreachable: {exc}") from exc


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(tr("Mot de passe", "Password"), hide_input=True,
                                confirmation_prompt=True)
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        joined = " ".join(str(m) for m in exc.messages)
        raise DentsecError(f"mot de passe refusé : {joined}",
                           f"password refused: {joined}") from exc
    return password


def _sweep_alerts_forever(stop: threading.Event) -> None:
    from django.db import close_old_connections

    from dentsec.server.console import sweep

    while not stop.wait(ALERT_SWEEP_SECONDS):
        close_old_connections()
        try:
            sweep.run()
        except Exception:  # noqa: BLE001 - a failed sweep must not stop the server
            import logging

            logging.getLogger(__name__).exception("alert sweep failed")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse d'écoute / address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@lang_option
@handle_errors
def serve(host: str, port: int) -> None:
    """Lance la console du cabinet (SQLite sous DENTSEC_HOME par défaut).

    Runs the practice console (SQLite under DENTSEC_HOME unless DENTSEC_DATABASE_URL).
    For production, see docs/server.md (gunicorn behind a TLS reverse proxy).
    """
    _django(host)
    _migrate()
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    from dentsec.server import firstrun
    from dentsec.server.console import accounts

    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if accounts.first_run_needed():
        code = firstrun.new_code()
        click.echo(tr(f"Premier démarrage : ouvrez {url} et saisissez le code {code}",
                      f"First run: open {url} and enter the code {code}"))
        click.echo(tr("(ou créez l'administrateur avec « dentsec server create-admin »)",
                      "(or create the administrator with `dentsec server create-admin`)"))
    else:
        click.echo(tr(f"Console du cabinet : {url}", f"Practice console: {url}"))
    stop = threading.Event()
    threading.Thread(target=_sweep_alerts_forever, args=(stop,), daemon=True).start()
    try:
        run(host.strip("[]"), port, get_wsgi_application(), ipv6=":" in host, threading=True,
            server_cls=WSGIServer)
    except OSError as exc:
        raise DentsecError(f"impossible d'écouter sur {host}:{port} : {exc.strerror}",
                           f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    finally:
        stop.set()


@click.group("server")
@lang_option
def server() -> None:
    """Administration de la console du cabinet. / Practice console administration."""


@server.command("migrate")
@lang_option
@handle_errors
def migrate_cmd() -> None:
    """Crée ou met à jour la base. / Create or update the database."""
    _django()
    _migrate()
    click.echo(tr("Base à jour.", "Database up to date."))


@server.command("create-admin")
@click.option("--username", required=True, help="Identifiant / user name.")
@click.option("--organisation", default=None,
              help="Nom de l'organisation (nouvelle) / organisation name (new).")
@click.option("--email", default="", help="Adresse pour les alertes / e-mail for alerts.")
@click.option("--password-stdin", is_flag=True,
              help="Lire le mot de passe sur l'entrée standard / read the password from stdin.")
@lang_option
@handle_errors
def create_admin(username: str, organisation: str | None, email: str,
                 password_stdin: bool) -> None:
    """Crée un administrateur du prestataire. / Create a provider administrator."""
    _django()
    _migrate()
    from dentsec.server import firstrun
    from dentsec.server.console import accounts, audit, names
    from dentsec.server.console.models import Provider

    try:
        username = names.checked_username(username)
        if organisation is not None:
            organisation = names.checked_name(organisation)
    except names.BadName as exc:
        raise DentsecError(exc.fr, exc.en) from None
    if accounts.username_taken(username):
        raise DentsecError(f"l'identifiant {username} existe déjà (majuscules comprises)",
                           f"user name {username} already exists (whatever the case)")
    provider = None
    if organisation is None:
        provider = Provider.objects.order_by("pk").first()
        if provider is None:
            raise DentsecError("indiquez --organisation pour le premier administrateur",
                               "give --organisation for the first administrator")
    password = _read_password(password_stdin)
    profile = accounts.create_admin(organisation or "", username, password, email,
                                    provider=provider)
    firstrun.forget_code()
    audit.record("admin.create", actor=profile.user, provider_id=profile.provider_id,
                 target=username)
    click.echo(tr(f"Administrateur {username} créé ({profile.provider.name}).",
                  f"Administrator {username} created ({profile.provider.name})."))


@server.command("reset-totp")
@click.option("--username", required=True, help="Identifiant / user name.")
@lang_option
@handle_errors
def reset_totp(username: str) -> None:
    """Oublie la double authentification d'un compte (téléphone perdu, plus aucun code de
    secours) : elle sera configurée à la prochaine connexion.

    Forgets an account's second factor (lost phone, no recovery code left): it is set up
    again at the next sign-in. For the server's operator, when no other administrator can.
    """
    _django()
    _migrate()
    from dentsec.server.console import accounts, audit

    profile = accounts.find_profile(username)
    if profile is None:
        raise DentsecError(f"aucun compte « {username} »", f"no account '{username}'")
    accounts.reset_totp(profile)
    audit.record("person.totp-reset", actor=None, target=profile.user.username,
                 **accounts.journal_scope(profile))
    click.echo(tr(f"Double authentification de {profile.user.username} réinitialisée : "
                  "elle sera configurée à la prochaine connexion.",
                  f"Two-factor authentication of {profile.user.username} reset: it will be "
                  "set up at the next sign-in."))


@server.command("add-practice")
@click.argument("name")
@click.option("--organisation", default=None, help="Organisation (la première par défaut).")
@lang_option
@handle_errors
def add_practice(name: str, organisation: str | None) -> None:
    """Ajoute un cabinet. / Add a practice."""
    _django()
    _migrate()
    from dentsec.server.console import audit, names
    from dentsec.server.console.models import Practice, Provider

    try:
        name = names.checked_name(name)
    except names.BadName as exc:
        raise DentsecError(exc.fr, exc.en) from None
    providers = Provider.objects.order_by("pk")
    provider = (providers.filter(name=organisation) if organisation else providers).first()
    if provider is None:
        raise DentsecError("aucune organisation : créez d'abord un administrateur",
                           "no organisation: create an administrator first")
    practice = Practice.objects.create(provider=provider, name=name)
    audit.record("practice.create", practice=practice, target=name)
    click.echo(f"{practice.pk}")


@server.command("create-token")
@click.option("--practice", "practice_id", required=True, type=int, help="Id du cabinet.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 90))
@click.option("--uses", default=1, show_default=True, type=click.IntRange(1, 10000))
@lang_option
@handle_errors
def create_token(practice_id: int, days: int, uses: int) -> None:
    """Crée un jeton d'inscription (affiché une fois). / Create an enrollment token."""
    _django()
    _migrate()
    from dentsec.server.console import audit, ingest
    from dentsec.server.console.models import Practice

    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        raise DentsecError(f"cabinet {practice_id} inconnu", f"unknown practice {practice_id}")
    token, clear = ingest.create_token(practice, by=None, days=days, max_uses=uses)
    audit.record("token.create", practice=practice, target=token.hint)
    click.echo(clear)


@server.command("send-alerts")
@lang_option
@handle_errors
def send_alerts() -> None:
    """Envoie les alertes par e-mail, prépare les rapports mensuels, allège les vieux rapports.

    Sends the alert digests, makes last month's reports and drops the detail of reports
    older than 90 days (what `dentsec serve` does every hour).
    """
    _django()
    _migrate()
    from dentsec.server.console import sweep

    done = sweep.run()
    click.echo(tr(f"{done.new_alerts} nouvelle(s) alerte(s) ; {done.digests} e-mail(s) "
                  f"envoyé(s) ; {done.monthly_reports} rapport(s) mensuel(s) ; "
                  f"{done.trimmed} rapport(s) allégé(s).",
                  f"{done.new_alerts} new alert(s); {done.digests} e-mail(s) sent; "
                  f"{done.monthly_reports} monthly report(s); {done.trimmed} report(s) "
                  "trimmed."))


@server.command("monthly-report")
@click.option("--practice", "practice_id", type=int, default=None,
              help="Id du cabinet (tous par défaut) / practice id (all by default).")
@click.option("--month", default=None, metavar="AAAA-MM",
              help="Mois (le précédent par défaut) / month (the last one by default).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Écrire aussi le PDF ici (un seul cabinet) / also write the PDF here.")
@click.option("--send", is_flag=True,
              help="L'envoyer aux responsables du cabinet / e-mail it to the practice leads.")
@lang_option
@handle_errors
def monthly_report(practice_id: int | None, month: str | None, output: str | None,
                   send: bool) -> None:
    """Prépare le rapport mensuel (PDF) des cabinets. / Make the practices' monthly report."""
    _django()
    _migrate()
    from dentsec.server.console import monthly

    for line in monthly.make(practice_id, month, output, send):
        click.echo(line)
