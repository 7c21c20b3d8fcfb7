"""The ``dentsec`` command. Thin: each subcommand lives in its own module, imported lazily
so that ``dentsec audit`` does not pay for the server or the password dictionaries."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from dentsec import __version__
from dentsec.console import lang_option
from dentsec.i18n import set_language, tr

# name -> "module:attribute" of a click command or group
SUBCOMMANDS: dict[str, str] = {
    "audit": "dentsec.audit_cli:audit",
    "collect": "dentsec.audit_cli:collect",
    "checks": "dentsec.audit_cli:checks",
    "explain": "dentsec.audit_cli:explain",
    "password": "dentsec.passwords.cli:password",
    "backup": "dentsec.backup.cli:backup",
    "serve": "dentsec.server.cli:serve",
    "server": "dentsec.server.cli:server",
    "agent": "dentsec.agent.cli:agent",
    "fix": "dentsec.fix.cli:fix",
    "scan": "dentsec.scan.cli:scan",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                return None  # toolkit not built yet
            raise
        command: click.Command = getattr(module, attr)
        return command


def _set_home(_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        os.environ["DENTSEC_HOME"] = value


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dentsec",
                      help="Afficher la version / show the version.")
@lang_option
@click.option("--home", default=None, expose_value=False, is_eager=True, callback=_set_home,
              help="Dossier d'état de dentsec (remplace DENTSEC_HOME ; la tâche planifiée "
                   "Windows le passe ainsi) / dentsec's state folder (overrides DENTSEC_HOME).")
@click.pass_context
def main(ctx: click.Context, /, **_: Any) -> None:
    """dentsec : l'hygiène informatique du cabinet dentaire (guide en six règles).

    dentsec: IT hygiene for the dental practice (the six-rule guide).
    """
    ctx.ensure_object(dict)


def _lang_in(argv: list[str]) -> str | None:
    """--lang from the command line, read before Click parses it: a usage error found
    earlier on the line is then told in the language asked for too."""
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            return argv[n + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def run() -> None:
    """Console entry point: usage errors are told in the user's language, exit status 2."""
    set_language(_lang_in(sys.argv[1:]))
    try:
        main(prog_name="dentsec", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(tr("Interrompu.", "Interrupted."), err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else "dentsec"
        if ctx is not None:
            click.echo(ctx.get_usage(), err=True)
        click.echo(tr("Erreur d'utilisation : ", "Usage error: ") + exc.format_message()
                   + tr(f" (aide : {command} --help)", f" (help: {command} --help)"), err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
