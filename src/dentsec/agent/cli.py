"""`dentsec agent enroll | run | scan | status | schedule`."""

from __future__ import annotations

import contextlib
import socket
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dentsec import schedule as scheduler
from dentsec.agent import client, config, queue
from dentsec.agent.schedule import JOB
from dentsec.console import handle_errors, lang_option
from dentsec.errors import DentsecError
from dentsec.host.live import current_os_family
from dentsec.i18n import language, tr
from dentsec.proc import run as run_program
from dentsec.vocab import OS_FAMILIES

if TYPE_CHECKING:
    from dentsec.checks.policy import AcceptedRisk
    from dentsec.scan.model import ScanReport

MAX_REPORT_BYTES = 1024 * 1024
# Exit codes of `agent run` a scheduler or a script can tell apart (2: any other error).
EXIT_REFUSED = 1
EXIT_UNREACHABLE = 3
EXIT_REVOKED = 4
REVOKED_FR = ("Ce poste a été révoqué dans la console du cabinet : ses rapports ne sont plus "
              "envoyés ni mis en attente. Si c'est une erreur, le responsable du cabinet peut "
              "annuler la révocation pendant 30 jours ; sinon, inscrivez à nouveau le poste "
              "(« dentsec agent enroll »).")
REVOKED_EN = ("This device was revoked in the practice console: its reports are no longer sent "
              "nor queued. If this is a mistake, the practice lead can undo the revocation "
              "within 30 days; otherwise enroll the device again (`dentsec agent enroll`).")


def _stop_revoked() -> None:
    click.echo(tr(REVOKED_FR, REVOKED_EN), err=True)
    sys.exit(EXIT_REVOKED)


@click.group("agent")
@lang_option
def agent() -> None:
    """Relie ce poste à la console du cabinet. / Connect this machine to the practice console."""


@agent.command("enroll")
@click.option("--server", required=True, help="Adresse de la console (https://…).")
@click.option("--token", required=True, help="Jeton d'inscription / enrollment token.")
@click.option("--name", default=None, help="Nom du poste (nom de la machine par défaut).")
@lang_option
@handle_errors
def enroll(server: str, token: str, name: str | None) -> None:
    """Inscrit ce poste avec un jeton. / Enroll this machine with a token."""
    server = client.normalise_server(server)
    name = name or socket.gethostname()
    data = client.enroll(server, token.strip(), name)
    store = config.store_credential(server, data["credential"])
    config.AgentConfig(server=server, device_id=int(data["device_id"]), device_name=name,
                       practice=str(data["practice"]), credential_store=store,
                       lang=language()).save()
    where = tr("trousseau du système", "system keyring") if store == "keyring" else \
        str(config.credential_path())
    click.echo(tr(f"Poste « {name} » inscrit au cabinet « {data['practice']} ».",
                  f"Device “{name}” enrolled in practice “{data['practice']}”."))
    click.echo(tr(f"Identifiant du poste conservé dans : {where}",
                  f"Device credential kept in: {where}"))


def _accepted(risks: list[dict[str, Any]]) -> list[AcceptedRisk]:
    """The console's accepted risks that a policy file would take (known check, a date at
    most 12 months ahead); the others accept nothing."""
    from dentsec.checks.catalog import load_catalog
    from dentsec.checks.policy import ACCEPTED_RISK_MAX_AHEAD, AcceptedRisk

    latest = date.today() + ACCEPTED_RISK_MAX_AHEAD
    out = []
    for r in risks:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            until = date.fromisoformat(r["until"])
            if r.get("check") in load_catalog() and until <= latest:
                out.append(AcceptedRisk(r["check"], str(r.get("reason", ""))[:2000], until))
    return out


def _audit_report(lang: str, fetched: dict[str, list[dict[str, Any]]],
                  root: Path | None = None) -> bytes:
    """The audit with the console's planned changes as justified ports and its accepted
    risks (issue 14)."""
    from dataclasses import replace

    from dentsec.backup.identity import record_look
    from dentsec.checks.policy import JustifiedPort, Policy
    from dentsec.engine import audit_live
    from dentsec.fix.upload import attach
    from dentsec.report.json_report import render

    ports = [JustifiedPort(port=p["port"], proto=p["proto"], reason=str(p.get("reason", ""))[:200])
             for p in fetched.get("justified_ports", [])
             # what a policy file would refuse justifies nothing
             if isinstance(p.get("port"), int) and 1 <= p["port"] <= 65535
             and p.get("proto") in ("tcp", "udp")]
    policy = replace(Policy(), justified_ports=tuple(ports),
                     accepted_risks=tuple(_accepted(fetched.get("accepted_risks", []))))
    # the daily look at the backup disk that BAK-OFFLINE-COPY needs (the audit writes nothing)
    with contextlib.suppress(DentsecError):
        record_look()
    report = render(audit_live(root=str(root) if root else None, policy=policy), lang)
    # The fixes run since (what, when, who, result) travel with the report to the console.
    return attach(report, lang).encode("utf-8")


@agent.command("run")
@click.option("--report-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Envoyer ce rapport JSON au lieu d'auditer maintenant.")
@click.option("--queue-only", is_flag=True,
              help="Mettre le rapport en file sans l'envoyer / only queue the report.")
@click.option("--scan", "with_scan", is_flag=True,
              help="Puis lancer le scan du réseau si la console l'a confié à ce poste / "
                   "then run the network scan if the console assigned it to this machine.")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Auditer une arborescence Linux hors ligne (disque monté) "
                                 "au lieu de ce poste / audit an offline Linux tree.")
@lang_option
@handle_errors
def run(report_file: Path | None, queue_only: bool, with_scan: bool,
        root: Path | None) -> None:
    """Audite ce poste et envoie le rapport (gardé en file si le serveur est injoignable).

    Audits this machine and uploads the report (queued while the server is unreachable).
    """
    cfg = config.load_config()
    credential = config.load_credential(cfg)
    if config.is_revoked():
        with client.Uploader(cfg.server, credential) as uploader:
            if uploader.still_revoked():
                _stop_revoked()
        config.clear_revoked()  # the revocation was undone
    if report_file:
        body = report_file.read_bytes()
    else:
        fetched: dict[str, list[dict[str, Any]]] = {}
        if not queue_only:
            with client.Uploader(cfg.server, credential) as uploader:
                fetched = uploader.policy()
        body = _audit_report(cfg.lang, fetched, root)
    if len(body) > MAX_REPORT_BYTES:
        raise DentsecError("Rapport trop volumineux pour être envoyé.",
                           "Report too large to upload.")
    queued = queue.enqueue(body)
    if queue_only:
        click.echo(tr(f"{len(queue.pending())} rapport(s) en attente.",
                      f"{len(queue.pending())} report(s) waiting."))
        return
    with client.Uploader(cfg.server, credential) as uploader:
        result = queue.drain(uploader.send)
    if result.revoked:
        # This run's report is dropped; older ones stay, in case the revocation is undone.
        queued.unlink(missing_ok=True)
        config.mark_revoked()
        _stop_revoked()
    click.echo(tr(f"Envoyés : {result.sent}. En attente : {result.left}.",
                  f"Sent: {result.sent}. Waiting: {result.left}."))
    if result.refused:
        click.echo(tr(f"Refusés par le serveur (gardés dans {queue.refused_dir()}) : "
                      f"{result.refused} — {result.error}",
                      f"Refused by the server (kept in {queue.refused_dir()}): "
                      f"{result.refused} — {result.error}"), err=True)
    if not result.left:
        # After the upload, so that the answers it carries close their requests first.
        with client.Uploader(cfg.server, credential) as uploader:
            _store_fix_requests(uploader.fix_requests())
    if with_scan and not result.left:
        # The daily job (issue 18): only a plan the console names, never a guessed target;
        # a refused report does not stop the scan, which is a separate upload.
        from dentsec.agent import netscan

        plan = netscan.assigned_plan(cfg.server, credential)
        if plan is not None:
            _scan_and_upload(cfg, credential, plan)
    if result.refused:
        sys.exit(EXIT_REFUSED)
    if result.left:
        click.echo(tr(f"Serveur injoignable, les rapports seront renvoyés plus tard : "
                      f"{result.error}",
                      f"Server unreachable, reports will be sent later: {result.error}"),
                   err=True)
        sys.exit(EXIT_UNREACHABLE)


def _store_fix_requests(sent: dict[str, Any] | None) -> None:
    """Keep the fixes asked from the console for the person at the workstation (issue 16):
    an unattended run never applies anything, it only says what is waiting."""
    from dentsec.fix import console_requests

    if sent is None:
        return
    waiting = console_requests.receive(sent.get("requests"), sent.get("withdrawn"))
    if not waiting:
        return
    who = ", ".join(sorted({r.requested_by for r in waiting}))
    checks = ", ".join(r.check for r in waiting)
    n = len(waiting)
    click.echo(tr(f"{n} correction{'s' if n > 1 else ''} demandée{'s' if n > 1 else ''} par "
                  f"{who} ({checks}) : lancez « dentsec fix --requests » sur ce poste.",
                  f"{n} fix{'es' if n > 1 else ''} asked by {who} ({checks}): run "
                  "`dentsec fix --requests` on this workstation."))


@agent.command("scan")
@lang_option
@handle_errors
def scan() -> None:
    """Scanne le réseau du cabinet comme la console l'a prévu, et envoie le résultat.

    Scans the practice network as the console planned it, and uploads the result. Exit
    status: 0 nothing new nor to fix, 1 something to fix or new on the network, 2 error.
    """
    from dentsec.agent import netscan

    cfg = config.load_config()
    credential = config.load_credential(cfg)
    report, stored = _scan_and_upload(cfg, credential,
                                      netscan.fetch_plan(cfg.server, credential))
    alarming = stored.get("new_hosts") or stored.get("new_ports")
    sys.exit(1 if report.has_failures or alarming else 0)


def _scan_and_upload(cfg: config.AgentConfig, credential: str,
                     plan: dict[str, Any]) -> tuple[ScanReport, dict[str, Any]]:
    """Scan the plan's targets, upload, and say what was found and what is new."""
    from dentsec.agent import netscan
    from dentsec.scan import runner
    from dentsec.scan.render_json import render
    from dentsec.scan.targets import parse_targets

    # Judged again here: names resolve only on the practice network.
    request = runner.ScanRequest(parse_targets(plan["targets"], bool(plan["allow_public"])),
                                 ports=str(plan["ports"]))
    report = runner.scan(request)
    stored = netscan.upload_scan(cfg.server, credential, render(report, cfg.lang).encode())
    counts = report.counts()
    click.echo(tr(f"Scan envoyé : {len(report.hosts)} appareil(s), {counts['fail']} à "
                  "corriger.", f"Scan sent: {len(report.hosts)} device(s), {counts['fail']} "
                  "to fix."))
    for address in stored.get("new_hosts", []):
        click.echo(tr(f"Nouvel appareil : {address}", f"New device: {address}"))
    for address, port in stored.get("new_ports", []):
        click.echo(tr(f"Nouveau port ouvert : {port} sur {address}",
                      f"New open port: {port} on {address}"))
    return report, stored


@agent.command("status")
@lang_option
@handle_errors
def status() -> None:
    """Affiche l'inscription et la file d'attente. / Show enrollment and queue."""
    cfg = config.load_config()
    click.echo(tr(f"Serveur : {cfg.server}", f"Server: {cfg.server}"))
    click.echo(tr(f"Poste : {cfg.device_name} (n° {cfg.device_id}), cabinet « {cfg.practice} »",
                  f"Device: {cfg.device_name} (#{cfg.device_id}), practice “{cfg.practice}”"))
    click.echo(tr(f"Rapports en attente : {len(queue.pending())}",
                  f"Reports waiting: {len(queue.pending())}"))
    from dentsec.fix.console_requests import pending

    asked = [r for r in pending() if not r.expired()]
    if asked:
        click.echo(tr(f"Corrections demandées par la console, à confirmer au poste "
                      f"(dentsec fix --requests) : {len(asked)}",
                      f"Fixes asked by the console, to confirm at the workstation "
                      f"(dentsec fix --requests): {len(asked)}"))
    if config.is_revoked():
        click.echo(tr(REVOKED_FR, REVOKED_EN))


@agent.command("schedule")
@click.option("--at", "at", default="12:30", show_default=True, help="Heure (HH:MM).")
@click.option("--os", "target_os", type=click.Choice(OS_FAMILIES),
              default=None, help="Système cible (celui-ci par défaut).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier où écrire les fichiers (sinon celui du planificateur).")
@click.option("--install/--no-install", default=False,
              help="Enregistrer aussi auprès du planificateur / also register the job.")
@lang_option
@handle_errors
def schedule(at: str, target_os: str | None, output: Path | None, install: bool) -> None:
    """Programme l'audit quotidien. / Schedule the daily audit upload."""
    target_os = target_os or current_os_family()
    files = scheduler.schedule_files(JOB, target_os, at)
    folder = output or scheduler.default_folder(JOB, target_os)
    for path in scheduler.write_files(folder, files):
        click.echo(tr(f"Écrit : {path}", f"Written: {path}"))
    commands = scheduler.install_commands(JOB, target_os, folder)
    if not install:
        click.echo(tr("Pour l'activer :", "To enable it:"))
        for argv in commands:
            click.echo("  " + " ".join(argv))
        return
    if target_os != current_os_family():
        raise DentsecError("--install ne vaut que pour le système de ce poste.",
                           "--install only applies to this machine's system.")
    for argv in commands:
        result = run_program(argv, timeout=60)
        if not result.ok:
            raise DentsecError(f"échec de {' '.join(argv)} : {result.stderr or result.error}",
                               f"{' '.join(argv)} failed: {result.stderr or result.error}")
    click.echo(tr("Audit quotidien programmé.", "Daily audit scheduled."))
