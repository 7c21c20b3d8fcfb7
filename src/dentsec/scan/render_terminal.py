"""The scan in the terminal: one block per device, worst first, what to do under each."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from dentsec.i18n import pick, tr
from dentsec.scan.labels import host_title, ports_phrase, severity_label, status_label, summary
from dentsec.scan.model import STATUS_ORDER, Finding, ScanReport

STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "unknown": "magenta"}
ICON = {"pass": "✔", "fail": "✘", "warn": "!", "unknown": "?"}


def _finding(console: Console, f: Finding) -> None:
    style = STYLE[f.status]
    console.print(f" [{style}]{ICON[f.status]} {status_label(f.status):<11}[/{style}] "
                  f"{escape(pick(f.message))} [dim]{f.kind.id} · "
                  f"{severity_label(f.kind.severity)}[/dim]")
    if f.status != "pass":
        console.print(f"   [dim]{escape(pick(f.kind.why))}[/dim]")
        console.print(f"   [cyan]→ {escape(pick(f.kind.practice))}[/cyan]")


def render(report: ScanReport, console: Console, changes: list[str] | None = None) -> None:
    head = (f"{tr('Cibles', 'Targets')} : {escape(', '.join(report.targets))}\n"
            f"{ports_phrase(report)} · nmap {escape(report.nmap_version)} · "
            f"{report.started_at:%d/%m/%Y %H:%M} UTC")
    console.print(Panel(head, title=tr("dentsec — ce que le réseau du cabinet expose",
                                       "dentsec — what the practice network exposes"),
                        expand=False))
    hosts = sorted(report.hosts, key=lambda h: STATUS_ORDER[h.worst])
    if not hosts:
        console.print("\n" + tr("Aucun appareil n'a répondu sur ces adresses.",
                                "No device answered on these addresses."))
    for host in hosts:
        console.print(f"\n[bold underline]{escape(host_title(host))}[/bold underline]")
        for f in host.findings:
            _finding(console, f)
    if changes:
        since = tr("Depuis le scan précédent", "Since the previous scan")
        console.print(f"\n[bold]{since}[/bold]")
        for line in changes:
            console.print(f" • {escape(line)}")
    if report.notes:
        console.print(f"\n[bold]{tr('Limites de ce scan', 'Limits of this scan')}[/bold]")
        for f in report.notes:
            _finding(console, f)
    console.print("\n" + summary(report) + tr(
        " Rapport complet : dentsec scan … --format html --output scan.html",
        " Full report: dentsec scan … --format html --output scan.html"))
