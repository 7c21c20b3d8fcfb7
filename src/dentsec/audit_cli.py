"""``dentsec audit``, ``collect``, ``checks`` and ``explain``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from dentsec.checks.catalog import RULE_NAMES, load_catalog
from dentsec.checks.policy import load_policy
from dentsec.console import handle_errors, lang_option
from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes, atomic_write_text
from dentsec.i18n import pick, tr
from dentsec.report.formats import FORMATS
from dentsec.vocab import OSFamily

EXIT_OK, EXIT_FAILED_CHECKS = 0, 1


def _check_output_folder(output: Path) -> None:
    """Refused before the audit runs: nothing is created where the user did not expect it."""
    folder = output.parent
    if not folder.is_dir():
        raise DentsecError(
            f"Le dossier de {output} n'existe pas : {folder}. Créez-le ou choisissez un autre "
            "emplacement.",
            f"The folder of {output} does not exist: {folder}. Create it or choose another place.")


@click.command()
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              default="terminal",
              help="Format du rapport / report format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Écrire le rapport dans ce fichier / write the report to this file.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Politique du cabinet (TOML) / practice policy (TOML).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Auditer une arborescence Linux hors ligne / audit an offline Linux tree.")
@click.option("--evidence", type=click.Path(path_type=Path),
              help="Auditer un paquet de preuves / audit an evidence bundle.")
@lang_option
@handle_errors
def audit(fmt: str, output: Path | None, policy_file: Path | None, root: Path | None,
          evidence: Path | None) -> None:
    """Auditer le poste selon les six règles (lecture seule).

    Audit the workstation against the six rules (read-only). Exit status: 0 nothing
    failed, 1 some checks failed, 2 error.
    """
    from dentsec import engine

    if root and evidence:
        raise DentsecError("--root et --evidence ne vont pas ensemble.",
                           "--root and --evidence cannot be combined.")
    if root and not root.is_dir():
        raise DentsecError(f"Dossier introuvable : {root}", f"Folder not found: {root}")
    if output is not None:
        _check_output_folder(output)
    if FORMATS[fmt].file_only and output is None:
        raise DentsecError("Le rapport PDF s'écrit dans un fichier : ajoutez --output rapport.pdf",
                           "The PDF report goes to a file: add --output report.pdf")
    policy = load_policy(policy_file)
    if evidence:
        report = engine.audit_evidence(evidence, policy)
    else:
        report = engine.audit_live(str(root) if root else None, policy)

    report_format = FORMATS[fmt]
    if fmt == "terminal" and output is None:
        from dentsec.report import terminal

        terminal.show(report, Console(highlight=False))
    else:
        content = report_format.render(report)
        if output is None:
            sys.stdout.write(content if isinstance(content, str) else content.decode())
        else:
            if isinstance(content, bytes):
                atomic_write_bytes(output, content)
            else:
                atomic_write_text(output, content)
            click.echo(tr(f"Rapport écrit : {output}", f"Report written: {output}"), err=True)
    sys.exit(EXIT_FAILED_CHECKS if report.has_failures else EXIT_OK)


@click.command()
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier .zip du paquet de preuves / evidence bundle .zip file.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Collecter une arborescence Linux hors ligne / collect an offline Linux tree.")
@lang_option
@handle_errors
def collect(output: Path, root: Path | None) -> None:
    """Enregistrer ce que l'audit lit dans un paquet de preuves, pour l'auditer ailleurs.

    Save what the audit reads into an evidence bundle, to audit it elsewhere. No password,
    hash or saved-password content is ever stored in it.
    """
    from dentsec import engine

    _check_output_folder(output)
    report = engine.collect_bundle(output, str(root) if root else None)
    click.echo(tr(
        f"Paquet de preuves écrit : {output}. À auditer n'importe où avec : "
        f"dentsec audit --evidence {output}",
        f"Evidence bundle written: {output}. Audit it anywhere with: "
        f"dentsec audit --evidence {output}"))
    if report.facts.is_admin is False:
        click.echo(tr("Collecte faite sans droits d'administrateur : certains points manqueront.",
                      "Collected without administrator rights: some points will be missing."))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@lang_option
@handle_errors
def checks(fmt: str) -> None:
    """Lister le catalogue des contrôles / list the check catalog."""
    catalog = load_catalog()
    if fmt == "json":
        out = [{"id": c.id, "rule": c.rule_or_none, "severity": c.severity, "effort": c.effort,
                "title": c.title, "rationale": c.rationale, "measures": list(c.measures),
                "remediation": {os_: {"practice": r.practice, "it": r.it}
                                for os_, r in c.remediation.items()}}
               for c in catalog.values()]
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    from dentsec.report.terminal import hanging

    console = Console(highlight=False)
    for rule in [r for r in sorted(RULE_NAMES) if r] + [0]:
        console.print(f"\n[bold]{rule or '—'}. {escape(pick(RULE_NAMES[rule]))}[/bold]")
        grid = hanging(33)
        for c in catalog.values():
            if c.rule == rule:
                grid.add_row(f"  {c.id:<22} [dim]{pick(c.severity.text)}[/dim]",
                             escape(pick(c.title)))
        console.print(grid)


def _measure_titles() -> dict[str, str]:
    from dentsec.paths import data_path

    with open(data_path("anssi-guide-hygiene.json"), encoding="utf-8") as fh:
        nodes = json.load(fh)["nodes"]
    return {n["ref_id"]: (n["name"] if tr("fr", "en") == "fr" else n.get("name_en") or n["name"])
            for n in nodes}


@click.command()
@click.argument("check_id")
@lang_option
@handle_errors
def explain(check_id: str) -> None:
    """Expliquer un contrôle : règle, raison, correction par système.

    Explain one check: rule, rationale, remediation per OS.
    """
    catalog = load_catalog()
    c = catalog.get(check_id.upper())
    if c is None:
        raise DentsecError(f"Contrôle inconnu : {check_id} (liste : dentsec checks)",
                           f"Unknown check: {check_id} (list: dentsec checks)")
    console = Console(highlight=False)
    rule = f"{tr('Règle', 'Rule')} {c.rule} — " if c.rule else ""
    console.print(f"[bold]{c.id}[/bold] — {escape(pick(c.title))}")
    console.print(f"{rule}{escape(pick(RULE_NAMES[c.rule]))} · {tr('gravité', 'severity')} "
                  f"{pick(c.severity.text)} · {tr('effort', 'effort')} {pick(c.effort.text)}")
    console.print(f"\n{escape(pick(c.rationale))}")
    if c.measures:
        titles = _measure_titles()
        console.print(f"\n[bold]{tr('Guide d hygiène ANSSI', 'ANSSI hygiene guide')}[/bold]"
                      .replace("d hygiène", "d'hygiène"))
        for m in c.measures:
            console.print(f"  {tr('mesure', 'measure')} {m} : {escape(titles.get(m, '?'))}")
    for os_ in OSFamily:
        rem = c.remediation.get(os_)
        if rem is None:
            continue
        console.print(f"\n[bold]{os_.label}[/bold]")
        console.print(f"  [cyan]{tr('Au cabinet', 'At the practice')}[/cyan] : {escape(pick(rem.practice))}")
        console.print(f"  [cyan]{tr('Prestataire informatique', 'IT provider')}[/cyan] : "
                      f"{escape(pick(rem.it))}")
    for ref in c.references:
        console.print(f"  {escape(ref)}")
