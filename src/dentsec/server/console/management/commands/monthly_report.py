"""`manage.py monthly_report`: the same as `dentsec server monthly-report`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dentsec.errors import DentsecError
from dentsec.server.console import monthly


class Command(BaseCommand):
    help = "Prépare le rapport mensuel (PDF) des cabinets / make the monthly reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", type=int, default=None)
        parser.add_argument("--month", default=None, help="AAAA-MM (le mois précédent)")
        parser.add_argument("--output", default=None)
        parser.add_argument("--send", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines = monthly.make(options["practice"], options["month"], options["output"],
                                 options["send"])
        except DentsecError as exc:
            raise CommandError(exc.message()) from exc
        for line in lines:
            self.stdout.write(line)
