"""``dentsec scan``: what the practice network exposes, for the targets the user names."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from dentsec.checks.policy import JustifiedPort, load_policy
from dentsec.console import handle_errors, lang_option
from dentsec.errors import DentsecError
from dentsec.fileio import atomic_write_bytes, atomic_write_text
from dentsec.i18n import tr

EXIT_OK, EXIT_FAILED = 0, 1


def _host_policies(pairs: tuple[tuple[str, Path], ...]) -> dict[str, tuple[JustifiedPort, ...]]:
    from dentsec.scan.targets import parse_target

    out: dict[str, tuple[JustifiedPort, ...]] = {}
    for host, path in pairs:
        ports = load_policy(path).justified_ports
        for target in parse_target(host, allow_public=True):
            if target.network.num_addresses != 1:
                raise DentsecError(
                    f"--host-policy attend l'adresse d'un appareil, pas un réseau : {host}",
                    f"--host-policy takes one device's address, not a network: {host}")
            address = str(target.network.network_address)
            out[address] = out.get(address, ()) + ports
    return out


def _previous(path: Path) -> dict[str, Any]:
    import json

    from dentsec.scan.render_json import SCAN_SCHEMA

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DentsecError(f"Scan précédent introuvable : {path}",
                           f"Previous scan not found: {path}") from exc
    except (OSError, ValueError) as exc:
        raise DentsecError(f"Scan précédent illisible : {path} ({exc})",
                           f"Previous scan unreadable: {path} ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != SCAN_SCHEMA:
        raise DentsecError(
            f"{path} n'est pas un rapport de scan dentsec (dentsec scan --format json).",
            f"{path} is not a dentsec scan report (dentsec scan --format json).")
    return data


@click.command()
@click.argument("targets", nargs=-1)
@click.option("--ports", default="top", show_default=True,
              help="top (ports courants et ceux du cabinet), all (tous les ports TCP) ou une "
                   "liste 80,443,8000-8100,U:1900 / top, all or a list.")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json", "html", "pdf"]),
              default="terminal", help="Format du rapport / report format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Écrire le rapport dans ce fichier / write the report to this file.")
@click.option("--i-own-this-address", "allow_public", is_flag=True,
              help="Autoriser une adresse publique : seulement celle du cabinet / allow a "
                   "public address: the practice's own only.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Politique du cabinet (TOML) : ses justified_ports valent pour tous les "
                   "appareils / practice policy: its justified ports apply to every device.")
@click.option("--host-policy", "host_policies", nargs=2, multiple=True,
              type=(str, click.Path(dir_okay=False, path_type=Path)),
              metavar="ADRESSE FICHIER",
              help="Politique d'un appareil (ses ports justifiés) / one device's policy.")
@click.option("--compare", "previous_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Rapport JSON d'un scan précédent : dire ce qui est nouveau / a previous "
                   "scan's JSON report: tell what is new.")
@click.option("--time-limit", type=click.FloatRange(min=0.5, max=24 * 60), default=30.0,
              show_default=True, help="Durée maximale en minutes / time limit in minutes.")
@lang_option
@handle_errors
def scan(targets: tuple[str, ...], ports: str, fmt: str, output: Path | None,
         allow_public: bool, policy_file: Path | None,
         host_policies: tuple[tuple[str, Path], ...], previous_file: Path | None,
         time_limit: float) -> None:
    """Scanner les appareils du réseau du cabinet que vous nommez (adresse, réseau d'au plus
    /22 ou nom), avec nmap, et dire ce qu'ils exposent.

    Scan the devices of the practice network you name (address, network of at most /22 or
    name) with nmap and tell what they expose. Nothing is scanned that you did not type.
    Exit status: 0 nothing to fix, 1 something to fix, 2 error.
    """
    from dentsec.scan import nmap, runner
    from dentsec.scan.targets import parse_targets

    if fmt == "pdf" and output is None:
        raise DentsecError("Le rapport PDF s'écrit dans un fichier : ajoutez --output scan.pdf",
                           "The PDF report goes to a file: add --output scan.pdf")
    previous = _previous(previous_file) if previous_file else None
    parsed = parse_targets(targets, allow_public)
    if ports not in ("top", "all"):
        nmap.parse_port_list(ports)  # refuse a bad list before nmap is even looked for
    request = runner.ScanRequest(
        targets=parsed, ports=ports, time_limit_s=time_limit * 60,
        justified=load_policy(policy_file).justified_ports if policy_file else (),
        justified_by_host=_host_policies(host_policies))
    err = Console(stderr=True, highlight=False)
    if err.is_terminal:
        with err.status(tr(f"Scan en cours (au plus {time_limit:g} min)…",
                           f"Scanning (at most {time_limit:g} min)…")):
            report = runner.scan(request)
    else:
        report = runner.scan(request)

    changes: list[str] = []
    if previous is not None:
        from dentsec.scan.compare import changes as diff
        from dentsec.scan.compare import describe
        from dentsec.scan.render_json import to_dict

        since = str(previous.get("started_at", "?"))[:16].replace("T", " ")
        changes = describe(diff(previous, to_dict(report)), since) or [
            tr(f"Rien de nouveau depuis le scan du {since}.",
               f"Nothing new since the scan of {since}.")]
    text: str | None = None
    if fmt == "pdf":
        from dentsec.scan.render_html import render_pdf

        assert output is not None
        atomic_write_bytes(output, render_pdf(report, changes if previous is not None else None))
        click.echo(tr(f"Rapport écrit : {output}", f"Report written: {output}"), err=True)
    elif fmt == "json":
        from dentsec.scan.render_json import render

        text = render(report, changes=changes if previous is not None else None)
    elif fmt == "html":
        from dentsec.scan.render_html import render as render_html

        text = render_html(report, changes if previous is not None else None)
    else:
        from dentsec.scan.render_terminal import render as render_terminal

        if output is None:
            render_terminal(report, Console(highlight=False), changes)
        else:
            buf = io.StringIO()
            render_terminal(report, Console(file=buf, width=100, no_color=True, highlight=False),
                            changes)
            text = buf.getvalue()
    if text is not None:
        if output is None:
            sys.stdout.write(text)
        else:
            atomic_write_text(output, text)
            click.echo(tr(f"Rapport écrit : {output}", f"Report written: {output}"), err=True)
    sys.exit(EXIT_FAILED if report.has_failures else EXIT_OK)
