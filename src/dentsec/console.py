"""What every command shares: the --lang option and turning errors into clear exits."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from dentsec import click_fr
from dentsec.errors import DentsecError, os_reason
from dentsec.i18n import language_is_set, set_language, tr

F = TypeVar("F", bound=Callable[..., Any])

# Every command module imports this one: Click's own texts follow --lang from here on.
click_fr.install()


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None or not language_is_set():
        set_language(value)
        # Click made the --help option (and its text) before --lang was read: re-word it.
        help_option = ctx.command.get_help_option(ctx)
        if help_option is not None:
            help_option.help = click_fr.gettext("Show this message and exit.")
    return value


lang_option = click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default=None,
    expose_value=False,
    is_eager=True,
    callback=_set_lang,
    help="Langue des messages (fr par défaut) / language of messages.",
)


def error_exit(message: str, code: int = 2) -> None:
    click.echo(tr("Erreur : ", "Error: ") + message, err=True)
    sys.exit(code)


def handle_errors(fn: F) -> F:
    """Turn expected failures into a message in the user's language and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DentsecError as exc:
            error_exit(exc.message(), exc.exit_code)
        except KeyboardInterrupt:
            error_exit(tr("interrompu.", "interrupted."), 130)
        except OSError as exc:
            error_exit(tr(*os_reason(exc)))
        return None

    return wrapper  # type: ignore[return-value]
