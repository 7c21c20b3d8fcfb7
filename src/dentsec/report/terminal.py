"""The terminal scorecard: the five fixes first, then each rule."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from dentsec.findings import SCORE_METHOD, Report
from dentsec.i18n import pick, tr
from dentsec.report.common import (
    by_rule,
    effort_label,
    mode_label,
    rule_title,
    severity_label,
    status_label,
)
from dentsec.vocab import Status

STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "unknown": "magenta", "na": "dim"}
ICON = {"pass": "✔", "fail": "✘", "warn": "!", "unknown": "?", "na": "–"}


def _bar(score: int | None, width: int = 20) -> str:
    if score is None:
        return "[dim]" + "·" * width + "[/dim]  —"
    filled = round(score * width / 100)
    color = "green" if score >= 80 else "yellow" if score >= 50 else "red"
    return f"[{color}]{'█' * filled}[/{color}][dim]{'░' * (width - filled)}[/dim] {score:3d}"


def hanging(label_width: int) -> Table:
    """Rows of a label and a text that wraps under itself, not under the label (a hanging
    indent): long French sentences stay readable at any terminal width."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=label_width, no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def render(report: Report) -> str:
    """The scorecard as plain text (for a file), 100 columns."""
    buf = io.StringIO()
    show(report, Console(file=buf, width=100, no_color=True, highlight=False))
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())


def show(report: Report, console: Console) -> None:
    """The scorecard printed on ``console`` (colours when it is a terminal)."""
    facts = report.facts
    os_ = facts.os
    head = (f"[bold]{escape(os_.hostname or '?')}[/bold] — {escape(os_.name)} "
            f"{escape(os_.display_version or os_.version)}\n"
            f"{tr('Source : ', 'Source: ')}{mode_label(report)} · "
            f"{facts.collected_at:%d/%m/%Y %H:%M} UTC")
    if facts.is_admin is False:
        head += "\n[yellow]" + tr(
            "Audit lancé sans droits d'administrateur : certains points restent inconnus.",
            "Audit run without administrator rights: some points stay unknown.") + "[/yellow]"
    console.print(Panel(head, title=tr("dentsec — audit d'hygiène informatique",
                                       "dentsec — IT hygiene audit"), expand=False))

    fixes = report.top_fixes()
    if fixes:
        console.print(f"\n[bold]{tr('Les corrections prioritaires', 'Fixes that matter most')}[/bold]")
        grid = hanging(3)
        for n, f in enumerate(fixes, start=1):
            rem = f.remediation(report.os_family)
            lines = [f"[{STYLE[f.status]}]{escape(pick(f.message))}[/{STYLE[f.status]}]",
                     f"[dim]{tr('Objectif : ', 'Goal: ')}{escape(pick(f.check.title))} "
                     f"({f.check.id} · {tr('gravité', 'severity')} "
                     f"{severity_label(f.check.severity)} · {tr('effort', 'effort')} "
                     f"{effort_label(f.check.effort)})[/dim]"]
            if rem:
                lines.append(f"[cyan]→ {escape(pick(rem.practice))}[/cyan]")
            grid.add_row(f"[bold]{n}.[/bold]", "\n".join(lines))
        console.print(grid)
    else:
        console.print("\n[green]" + tr("Rien à corriger en priorité.", "Nothing urgent to fix.")
                      + "[/green]")

    table = Table(title=tr("Tableau de bord par règle", "Scorecard by rule"), title_justify="left")
    table.add_column(tr("Règle", "Rule"))
    table.add_column("Score", no_wrap=True)
    columns = (Status.FAIL, Status.WARN, Status.UNKNOWN, Status.PASS)
    for status in columns:
        table.add_column(ICON[status], justify="right", style=STYLE[status])
    for rule, findings in by_rule(report):
        table.add_row(rule_title(rule), _bar(report.score.by_rule[rule]),
                      *(str(sum(1 for f in findings if f.status == s)) for s in columns))
    table.add_row(f"[bold]{tr('Ensemble', 'Overall')}[/bold]", _bar(report.score.overall),
                  *("" for _ in columns))
    console.print()
    console.print(table)
    console.print(f"[dim]{escape(pick(SCORE_METHOD))}[/dim]")

    for rule, findings in by_rule(report):
        console.print(f"\n[bold underline]{rule_title(rule)}[/bold underline]")
        grid = hanging(15)
        for f in findings:
            style = STYLE[f.status]
            lines = [f"{escape(pick(f.check.title))} [dim]{f.check.id}[/dim]"]
            if f.status != Status.PASS:
                lines.append(f"[dim]{escape(pick(f.message))}[/dim]")
                if f.status in (Status.UNKNOWN, Status.NA) and f.evidence:
                    lines.append(f"[dim]{tr('Détail technique : ', 'Technical detail: ')}"
                                 f"{escape(f.evidence[0])}[/dim]")
            grid.add_row(f"[{style}]{ICON[f.status]} {status_label(f.status)}[/{style}]",
                         "\n".join(lines))
        console.print(grid)
    counts = report.score.counts
    console.print(
        "\n" + tr(
            f"{counts['fail']} à corriger, {counts['warn']} à surveiller, {counts['unknown']} inconnus, "
            f"{counts['pass']} conformes. Détail d'un contrôle : dentsec explain ID ; rapport complet : "
            "dentsec audit --format html --output rapport.html",
            f"{counts['fail']} to fix, {counts['warn']} to watch, {counts['unknown']} unknown, "
            f"{counts['pass']} passed. One check in detail: dentsec explain ID; full report: "
            "dentsec audit --format html --output report.html"))
